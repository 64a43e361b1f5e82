// Stable ids unique across the package; names unique within their kind.
import type { MetadataItem } from '../schema/types.generated.ts';
import { report, type Ctx } from './context.ts';

export function checkUniqueIds(ctx: Ctx): void {
  const seen = new Map<string, string>();
  for (const [file, item] of Object.entries(ctx.pkg.files) as [string, MetadataItem][]) {
    if (item.kind === 'manifest') continue;
    if (item.id.startsWith('platform.')) ctx.errors.push({ code: 'META_RESERVED_NAME', file, pointer: '/id', message: 'ids starting with "platform." are reserved' });
    const other = seen.get(item.id);
    if (other !== undefined) ctx.errors.push({ code: 'META_DUPLICATE_ID', file, pointer: '/id', message: `id "${item.id}" is also used in ${other}` });
    else seen.set(item.id, file);
  }
}

export function checkUniqueNames(ctx: Ctx): void {
  const groups: [string, readonly { id: string; name: string }[]][] = [
    ['entity type', ctx.pkg.entities],
    ['activity kind', ctx.pkg.activityKinds],
    ['pipeline or status machine', [...ctx.pkg.pipelines, ...ctx.pkg.statusMachines]],
    ['role', ctx.pkg.roles],
    ['trigger', ctx.pkg.triggers],
    ['report', ctx.pkg.reports],
    ['dashboard', ctx.pkg.dashboards],
  ];
  for (const [what, items] of groups) {
    const seen = new Map<string, string>();
    for (const item of items) {
      const other = seen.get(item.name);
      if (other) report(ctx, 'META_DUPLICATE_NAME', item.id, ['name'], `${what} "${item.name}" is already defined in ${ctx.pkg.fileOf.get(other)}`);
      else seen.set(item.name, item.id);
    }
  }
  const views = new Map<string, string>();
  for (const view of ctx.pkg.views) {
    const key = `${view.entity}/${view.name}`;
    if (views.has(key)) report(ctx, 'META_DUPLICATE_NAME', view.id, ['name'], `view "${view.name}" of ${view.entity} is already defined in ${ctx.pkg.fileOf.get(views.get(key)!)}`);
    else views.set(key, view.id);
  }
}
