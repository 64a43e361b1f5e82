// Limits a package and a migration must stay within, checked before anything runs: PostgreSQL's
// own (columns per table) and the platform's (steps per apply, so one transaction never exhausts
// the server's lock table). Pure.
import { ACTIVITY_ENTITY } from './activity.ts';
import { pointer, type MetadataError } from './errors.ts';
import type { Model } from './model.ts';
import type { PhysicalColumn, PhysicalSchema } from './physical.ts';
import type { MigrationPlan } from './plan.ts';

/** PostgreSQL: a table has at most 1,600 columns (MaxHeapAttributeNumber). */
export const MAX_TABLE_COLUMNS = 1600;

/**
 * Steps one apply may run. Every DDL step locks a table or an index until the transaction ends;
 * PostgreSQL's lock table is shared by all sessions (max_locks_per_transaction × max_connections,
 * 6,400 with the defaults), and a new entity type takes about nine steps and seventeen locks.
 */
export const MAX_STEPS_PER_APPLY = 2000;

const thousands = (n: number) => n.toLocaleString('en-US');

/** Where a column comes from in the package: the field that declares it, or the entity type. */
function columnSource(model: Model, table: string, column: PhysicalColumn): { file: string; pointer: string } {
  const fieldId = column.identity.startsWith('field.') ? column.identity.slice('field.'.length).replace(/#currency$/, '') : null;
  const link = fieldId?.startsWith('platform.activity.link.') ? fieldId.slice('platform.activity.link.'.length) : null;
  if (link !== null) return { file: model.pkg.fileOf.get(link) ?? '', pointer: pointer('activities') };
  if (table === ACTIVITY_ENTITY) {
    for (const kind of model.activityKinds) {
      const index = (kind.fields ?? []).findIndex((f) => f.id === fieldId);
      if (index >= 0) return { file: model.pkg.fileOf.get(kind.id) ?? '', pointer: pointer('fields', index) };
    }
    return { file: '', pointer: '' };
  }
  const entity = model.entities.get(table);
  const index = entity?.fields.findIndex((f) => f.id === fieldId) ?? -1;
  return { file: (entity && model.pkg.fileOf.get(entity.id)) ?? '', pointer: index >= 0 ? pointer('fields', index) : pointer('fields') };
}

/** Tables the package would make wider than PostgreSQL allows, reported at the first field past the limit. */
export function schemaLimitErrors(model: Model, schema: PhysicalSchema): MetadataError[] {
  const errors: MetadataError[] = [];
  for (const table of schema.tables) {
    const first = table.columns[MAX_TABLE_COLUMNS];
    if (!first) continue;
    const source = columnSource(model, table.name, first);
    errors.push({
      code: 'META_LIMIT',
      ...source,
      message: `table ${table.name} would have ${thousands(table.columns.length)} columns (its fields, money fields counting two, and 9 system columns); PostgreSQL allows at most ${thousands(MAX_TABLE_COLUMNS)}`,
    });
  }
  return errors;
}

/** Why a plan is too large to run as one apply, or null. */
export function planLimitProblem(plan: MigrationPlan): string | null {
  if (plan.steps.length <= MAX_STEPS_PER_APPLY) return null;
  const tables = plan.steps.filter((s) => s.step.op === 'createTable').length;
  return `the change needs ${thousands(plan.steps.length)} migration steps (${thousands(tables)} new tables); one apply runs at most ${thousands(MAX_STEPS_PER_APPLY)}: apply it in parts (e.g. some entity types first)`;
}
