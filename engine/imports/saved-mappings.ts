// Saved column mappings: a user names the mapping of a file layout (an enova365 export, a price list)
// and picks it for the next file of that layout. Private to their owner.
import type { Knex } from 'knex';
import { isUuid } from '../../metadata/index.ts';
import { TesseraError, type Problem } from '../errors.ts';
import type { Actor, RecordService } from '../records/index.ts';
import { importTargets, relatedImports } from './mapping.ts';

export interface SavedMapping {
  readonly id: string;
  readonly entity: string;
  readonly name: string;
  readonly columns: Readonly<Record<string, string | null>>;
}

const out = (r: { id: string; entity: string; name: string; columns: Record<string, string | null> }): SavedMapping => ({ id: r.id, entity: r.entity, name: r.name, columns: r.columns });

export async function saveMapping(knex: Knex, records: RecordService, actor: Actor, body: Record<string, unknown>): Promise<SavedMapping> {
  const problems: Problem[] = [];
  const { entity, name, columns } = body;
  let targets: Set<string> | null = null;
  if (typeof entity !== 'string') problems.push({ pointer: '/entity', detail: 'must be an entity type name', code: 'REQUIRED' });
  else {
    const model = records.runtime.entity(entity).entity;
    targets = new Set(importTargets(model, relatedImports(model, records.runtime.snapshot.model.entities.values())));
  }
  if (typeof name !== 'string' || name.trim() === '' || name.length > 100) problems.push({ pointer: '/name', detail: 'must be a name of 1–100 characters', code: 'REQUIRED' });
  if (!columns || typeof columns !== 'object' || Array.isArray(columns)) problems.push({ pointer: '/columns', detail: 'must map column headers to field names (or null)', code: 'REQUIRED' });
  else {
    for (const [header, target] of Object.entries(columns as Record<string, unknown>)) {
      if (target !== null && (typeof target !== 'string' || (targets && !targets.has(target)))) problems.push({ pointer: `/columns/${header.replace(/~/g, '~0').replace(/\//g, '~1')}`, detail: 'is not a field that can be imported', code: 'UNKNOWN_FIELD' });
    }
  }
  if (problems.length) throw new TesseraError('VALIDATION_FAILED', `invalid mapping: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });
  const row = {
    owner_id: actor.userId,
    entity: entity as string,
    name: (name as string).trim(),
    columns: JSON.stringify(columns),
  };
  // Saving under an existing name replaces that mapping.
  const [saved] = (await knex.raw(
    `INSERT INTO tessera.import_mappings (owner_id, entity, name, columns) VALUES (?, ?, ?, ?::jsonb)
     ON CONFLICT (owner_id, entity, lower(name)) DO UPDATE SET columns = EXCLUDED.columns, name = EXCLUDED.name, updated_at = now()
     RETURNING id, entity, name, columns`,
    [row.owner_id, row.entity, row.name, row.columns],
  )).rows as { id: string; entity: string; name: string; columns: Record<string, string | null> }[];
  return out(saved!);
}

export async function listMappings(knex: Knex, actor: Actor, entity: string | undefined): Promise<SavedMapping[]> {
  const q = knex('tessera.import_mappings').where({ owner_id: actor.userId }).orderBy('name');
  if (entity) q.where({ entity });
  return ((await q.select('id', 'entity', 'name', 'columns')) as { id: string; entity: string; name: string; columns: Record<string, string | null> }[]).map(out);
}

export async function getMapping(knex: Knex, actor: Actor, id: string): Promise<SavedMapping> {
  const row = isUuid(id) ? ((await knex('tessera.import_mappings').where({ id, owner_id: actor.userId }).first('id', 'entity', 'name', 'columns')) as { id: string; entity: string; name: string; columns: Record<string, string | null> } | undefined) : undefined;
  if (!row) throw new TesseraError('NOT_FOUND', `no saved mapping ${id}`, { problems: [{ pointer: '/mappingId', detail: 'is not one of your saved mappings', code: 'NOT_FOUND' }] });
  return out(row);
}
