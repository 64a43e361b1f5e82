// The audit rows of record changes, and with them the rows other parts of the engine keep per change
// (the automation's record events, engine/automation/events.ts), written by ONE statement: each
// table an INSERT … SELECT over a jsonb array parameter, the second one a data-modifying CTE of the
// first. A row kept per change used to be an INSERT of its own in the change's transaction, a round
// trip that halved the rate of single-record writes on a PostgreSQL server; in the audit row's
// statement it costs the server a few rows, and the writer nothing more.
import type { Knex } from 'knex';
import type { AuditRow, RecordChange } from './service.ts';
import { insertStatements } from './insert-statements.ts';

/** A table written with the audit rows: one row (or none) per change. */
export interface ChangeRows {
  /** `INSERT INTO <table> … SELECT … FROM jsonb_to_recordset(<param>)`, keeping the array's order. */
  insert(param: string): string;
  /** The row kept for this change (a JSON object the insert reads), or null for none. */
  row(change: RecordChange): Record<string, unknown> | null;
  /** The transaction wrote rows of this table (said once per statement). */
  written?(trx: Knex.Transaction): void;
}

/** Inserts the audit rows (AuditRow) of a jsonb array parameter, in their order. */
export function auditInsert(param: string): string {
  return `INSERT INTO tessera.audit_log (actor, via, entity, record_id, action, changes, meta_version, instance_id, origin)
    SELECT actor, via, entity, record_id, action, changes, meta_version, instance_id, origin
      FROM ROWS FROM (jsonb_to_recordset(${param}) AS (actor uuid, via text, entity text, record_id uuid, action text, changes jsonb, meta_version integer, instance_id uuid, origin jsonb))
           WITH ORDINALITY AS x(actor, via, entity, record_id, action, changes, meta_version, instance_id, origin, n)
     ORDER BY n`;
}

/** The audit row of a change. */
export function auditRowOf(change: RecordChange, metaVersion: number): AuditRow {
  const { actor } = change;
  return { actor: actor.userId, via: actor.via, entity: change.entity, record_id: String(change.record.id), action: change.action, changes: change.changes, meta_version: metaVersion, instance_id: actor.instanceId ?? null, origin: actor.origin ?? null };
}

/**
 * Writes `audits` (unless `sink` takes them: the transaction's owner writes those itself) and the
 * rows `tables` keep for `changes`, in one statement; nothing when there is nothing to write.
 */
export async function writeChangeRows(trx: Knex.Transaction, audits: readonly AuditRow[], changes: readonly RecordChange[], tables: readonly ChangeRows[], sink: ((row: AuditRow) => void) | undefined): Promise<void> {
  if (sink) for (const row of audits) sink(row);
  const own = sink ? [] : audits;
  const kept = tables.map((table) => ({ table, rows: changes.map((change) => table.row(change)).filter((row) => row !== null) })).filter((k) => k.rows.length > 0);
  if (kept.length === 0) {
    // The audit rows alone: a plain multi-row INSERT, as always.
    const rows = own.map((row) => ({ ...row, changes: JSON.stringify(row.changes), origin: row.origin ? JSON.stringify(row.origin) : null }));
    // One row (a single create or update): a statement compiled once (insert-statements.ts).
    if (rows.length === 1) await insertStatements.insert(trx, 'tessera.audit_log', rows[0]!, false);
    else if (rows.length > 0) await trx('tessera.audit_log').insert(rows);
    return;
  }
  const parts = [...(own.length > 0 ? [auditInsert] : []), ...kept.map((k) => (param: string) => k.table.insert(param))];
  const values = [...(own.length > 0 ? [JSON.stringify(own)] : []), ...kept.map((k) => JSON.stringify(k.rows))];
  await trx.raw(`WITH ${parts.map((insert, i) => `c${i} AS (${insert('?::jsonb')})`).join(',\n')} SELECT 1`, values);
  for (const { table } of kept) table.written?.(trx);
}
