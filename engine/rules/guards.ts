// Record guards (metadata: EntityType.guards): conditions a record must meet whenever it is saved,
// not only when its state moves (a sales order over the contractor's credit limit). Checked in the
// write transaction with the same lookups and FEEL evaluation as transition guards
// (engine/rules/lookups.ts), so the values read from other records are those the change commits
// with. A user holding one of the guard's override roles (or an administrator) may save anyway.
import type { Knex } from 'knex';
import { feelNames, labelText, lookupReads, type EntityModel, type Model, type RecordGuard } from '../../metadata/index.ts';
import type { Access } from '../access/index.ts';
import { TesseraError } from '../errors.ts';
import { guardHolds, NO_RECORD, readLookupValues, same } from './lookups.ts';

type Values = Readonly<Record<string, unknown>>;

/** The fields of the record a guard reads: those its condition names and those its lookups start from. */
export function guardReads(entity: EntityModel, guard: RecordGuard): Set<string> {
  return new Set([...feelNames(guard.condition)].filter((n) => entity.fieldsByName.has(n)).concat(...lookupReads(guard.lookups)));
}

/**
 * The guards a save must pass: all of them for a new record (`previous` null), else those reading a
 * field the change moves (editing an order's notes does not re-check its credit limit). Pure.
 */
export function guardsOfSave(entity: EntityModel, previous: Values | null, next: Values): RecordGuard[] {
  if (previous === null) return [...entity.guards];
  return entity.guards.filter((guard) => [...guardReads(entity, guard)].some((name) => !same(previous[name], next[name])));
}

/** May the user save although the guard does not hold? */
export function overrides(access: Access, guard: RecordGuard): boolean {
  const subject = access.subject;
  if (!subject) return false;
  return subject.admin || (guard.overrideRoles ?? []).some((role) => subject.roles.includes(role));
}

/**
 * Refuses the save (422 RECORD_GUARD_FAILED pointing at the guard's field) when a guard it must pass
 * does not hold and the user may not override it. `id`: the record's, null for a new one.
 */
export async function checkRecordGuards(trx: Knex.Transaction, model: Model, access: Access, entity: EntityModel, id: string | null, previous: Values | null, next: Values): Promise<void> {
  for (const guard of guardsOfSave(entity, previous, next)) {
    if (overrides(access, guard)) continue;
    const lookups = await readLookupValues(trx, model, new Map(Object.entries(guard.lookups ?? {})), id ?? NO_RECORD, next);
    if (guardHolds(guard.condition, next, previous, lookups)) continue;
    const message = labelText(guard.message, 'en');
    const params = { entity: entity.name, field: guard.field, guard: guard.name, message: guard.message };
    throw new TesseraError('RECORD_GUARD_FAILED', `${entity.name} cannot be saved: ${message}`, {
      // The guard's message in every language the metadata gives it (the app picks the user's).
      problems: [{ pointer: `/${guard.field}`, detail: message, code: 'RECORD_GUARD_FAILED', params }],
      extensions: { guard: guard.name, condition: guard.condition, ...(guard.lookups ? { lookups } : {}), params },
    });
  }
}
