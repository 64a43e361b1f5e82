import type {
  ActivityKind,
  DocumentTemplate,
  Dashboard,
  Report,
  EntityType,
  Manifest,
  MetadataItem,
  Pipeline,
  Role,
  StatusMachine,
  Trigger,
  View,
} from './schema/types.generated.ts';

/**
 * A metadata package as exchanged: relative file path → file content. The same shape comes from a
 * folder on disk (`loadPackageDir`), from `PUT /api/meta`, and is stored with each applied version.
 */
export interface PackageFiles {
  readonly files: Readonly<Record<string, unknown>>;
}

/** A validated package, its items grouped by kind; `fileOf` maps item ids back to their files. */
export interface MetadataPackage {
  readonly manifest: Manifest;
  readonly entities: readonly EntityType[];
  readonly activityKinds: readonly ActivityKind[];
  readonly pipelines: readonly Pipeline[];
  readonly statusMachines: readonly StatusMachine[];
  readonly views: readonly View[];
  readonly roles: readonly Role[];
  /** Workflow triggers: record changes that start processes or correlate messages. */
  readonly triggers: readonly Trigger[];
  /** Printed document templates (PDF), per entity type. */
  readonly documentTemplates: readonly DocumentTemplate[];
  /** Reports (grouped tables, pivots, charts) and dashboards of report widgets. */
  readonly reports: readonly Report[];
  readonly dashboards: readonly Dashboard[];
  readonly fileOf: ReadonlyMap<string, string>;
  readonly files: PackageFiles['files'];
}

export const MANIFEST_FILE = 'tessera.json';

/** Groups validated items by kind. Callers validate first; this only sorts. */
export function groupItems(files: Readonly<Record<string, MetadataItem>>): MetadataPackage {
  const entities: EntityType[] = [];
  const activityKinds: ActivityKind[] = [];
  const pipelines: Pipeline[] = [];
  const statusMachines: StatusMachine[] = [];
  const views: View[] = [];
  const roles: Role[] = [];
  const triggers: Trigger[] = [];
  const documentTemplates: DocumentTemplate[] = [];
  const reports: Report[] = [];
  const dashboards: Dashboard[] = [];
  const fileOf = new Map<string, string>();
  let manifest: Manifest | undefined;
  for (const [file, item] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    if (item.kind !== 'manifest') fileOf.set(item.id, file);
    switch (item.kind) {
      case 'manifest':
        manifest = item;
        break;
      case 'entity':
        entities.push(item);
        break;
      case 'activityKind':
        activityKinds.push(item);
        break;
      case 'pipeline':
        pipelines.push(item);
        break;
      case 'statusMachine':
        statusMachines.push(item);
        break;
      case 'view':
        views.push(item);
        break;
      case 'role':
        roles.push(item);
        break;
      case 'trigger':
        triggers.push(item);
        break;
      case 'documentTemplate':
        documentTemplates.push(item);
        break;
      case 'report':
        reports.push(item);
        break;
      case 'dashboard':
        dashboards.push(item);
        break;
    }
  }
  if (!manifest) throw new Error('groupItems: package has no manifest (validate first)');
  return { manifest, entities, activityKinds, pipelines, statusMachines, views, roles, triggers, documentTemplates, reports, dashboards, fileOf, files };
}
