// Exclusion rules at write time (metadata/exclusions.ts): after a record is written in its
// transaction, each rule it falls under takes an advisory lock per key value (resource) and looks
// for another live record with an equal key whose period overlaps. The lock, held to commit,
// serialises writers of one key, so of two transactions racing for one slot exactly one commits and
// the other is refused naming it. The same check holds where the database cannot (a many-to-many
// key); where it can, a deferred EXCLUDE constraint backs it up for writes outside the engine.
import type { Knex } from 'knex';
import { exclusionShapes, labelText, periodSql, quoteIdent as q, type EntityModel, type ExclusionShape } from '../../metadata/index.ts';
import { TesseraError } from '../errors.ts';

const shapesCache = new WeakMap<EntityModel, readonly ExclusionShape[]>();

/** The resolved exclusion rules of an entity type (cached per model). */
export function exclusionRules(entity: EntityModel): readonly ExclusionShape[] {
  let shapes = shapesCache.get(entity);
  if (!shapes) {
    shapes = exclusionShapes(entity, entity.exclusions);
    shapesCache.set(entity, shapes);
  }
  return shapes;
}

/** The record another one collides with. */
export interface ExclusionConflict {
  readonly rule: ExclusionShape;
  readonly id: string;
}

const keyExpr = (shape: ExclusionShape, alias: string, joinAlias: (field: string) => string) =>
  shape.keys.map((k) => ('column' in k ? `${alias}.${q(k.column)}` : `${joinAlias(k.field)}.target`));

/**
 * The first collision of the live record `id` under the rules of `entity`, or null. Takes the
 * rules' locks (one per key value, in a fixed order) first. `ignore`: records not to count (the
 * later items of a batch, checked after this one).
 */
export async function findExclusionConflict(trx: Knex.Transaction, entity: EntityModel, id: string, ignore: readonly string[] = []): Promise<ExclusionConflict | null> {
  for (const shape of exclusionRules(entity)) {
    const table = q(shape.table);
    const links = shape.keys.filter((k): k is { field: string; join: string } => 'join' in k);
    const selfJoins = links.map((k, i) => `JOIN ${q(k.join)} s${i} ON s${i}.source = self.id`).join(' ');
    const selfKeys = keyExpr(shape, 'self', (field) => `s${links.findIndex((k) => k.field === field)}`);
    const live = (alias: string) => `${alias}.deleted_at IS NULL AND ${shape.where(alias)}`;
    const keyRows = (await trx.raw(
      `SELECT DISTINCT ${selfKeys.map((k, i) => `${k}::text AS k${i}`).join(', ')} FROM ${table} self ${selfJoins} WHERE self.id = ? AND ${live('self')}`,
      [id],
    )) as { rows: Record<string, string | null>[] };
    const keys = keyRows.rows.filter((r) => shape.keys.every((_k, i) => r[`k${i}`] !== null)).map((r) => shape.keys.map((_k, i) => r[`k${i}`]!).join('\u0000'));
    if (keys.length === 0) continue;
    for (const key of [...new Set(keys)].sort()) await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))', [shape.identity, key]);
    const otherJoins = links.map((k, i) => `JOIN ${q(k.join)} o${i} ON o${i}.source = other.id`).join(' ');
    const otherKeys = keyExpr(shape, 'other', (field) => `o${links.findIndex((k) => k.field === field)}`);
    const equal = selfKeys.map((k, i) => `${k} = ${otherKeys[i]}`).join(' AND ');
    const found = (await trx.raw(
      `SELECT other.id FROM ${table} self ${selfJoins} JOIN ${table} other ON other.id <> self.id ${otherJoins}
        WHERE self.id = ? AND ${live('self')} AND ${live('other')} AND ${equal} AND ${periodSql(shape, 'self')} && ${periodSql(shape, 'other')}
          ${ignore.length ? 'AND NOT (other.id = ANY(?::uuid[]))' : ''}
        ORDER BY other.${q(shape.start)}, other.id LIMIT 1`,
      ignore.length ? [id, [...ignore]] : [id],
    )) as { rows: { id: string }[] };
    const hit = found.rows[0];
    if (hit) return { rule: shape, id: hit.id };
  }
  return null;
}

/**
 * The refusal of a collision: 409 EXCLUSION_VIOLATION, a problem at each field of the rule (under
 * `base`, e.g. /items/3), naming the other record by id and title (`name`: null when the user may
 * not read it, then only the id).
 */
export function exclusionViolation(entity: EntityModel, conflict: ExclusionConflict, name: string | null, base = ''): TesseraError {
  const { rule } = conflict.rule;
  const ruleLabel = rule.label ? labelText(rule.label, 'en') : rule.name;
  const other = name ? `“${name}” (${conflict.id})` : conflict.id;
  const params = { entity: entity.name, rule: rule.name, ...(rule.label ? { ruleLabel: rule.label } : {}), conflictId: conflict.id, ...(name ? { conflict: name } : {}) };
  const fields = [...rule.equal, ...rule.overlap];
  return new TesseraError('EXCLUSION_VIOLATION', `this ${entity.name} collides with ${other} (${ruleLabel}: equal ${rule.equal.join(', ')} and overlapping ${rule.overlap.join('–')})`, {
    problems: fields.map((field) => ({ pointer: `${base}/${field}`, detail: `collides with ${other}`, code: 'EXCLUSION', params: { ...params, field } })),
    extensions: { rule: rule.name, conflict: { entity: entity.name, id: conflict.id, title: name }, params },
  });
}
