// The shared print queue in the database (tessera.fiscal_receipts): any process enqueues, the one
// process holding a printer's lease prints. A receipt is one row per idempotency key, so enqueueing
// the same sale twice returns the first row and it prints at most once. A row left `printing` by a
// process that died is picked up again with its journal, and reconciled before anything is printed.
import type { Knex } from 'knex';
import type { PrintJournal, PrintedReceipt } from '../driver.ts';
import type { FiscalErrorInfo } from '../errors.ts';
import type { Receipt } from '../receipt.ts';

export type ReceiptState = 'queued' | 'printing' | 'printed' | 'failed' | 'cancelled';
export const RECEIPT_STATES: readonly ReceiptState[] = ['queued', 'printing', 'printed', 'failed', 'cancelled'];
/** What the row prints: a receipt, or a VAT invoice (POSNET only). */
export type FiscalDocument = 'receipt' | 'invoice';

export interface QueuedReceipt {
  readonly id: string;
  readonly printerId: string;
  readonly idempotencyKey: string;
  readonly state: ReceiptState;
  readonly document: FiscalDocument;
  readonly receipt: Receipt;
  readonly entity: string | null;
  readonly recordId: string | null;
  readonly journal: PrintJournal | null;
  readonly total: number | null;
  readonly receiptNumber: number | null;
  readonly uniqueNumber: string | null;
  readonly attempts: number;
  readonly errorCode: string | null;
  readonly lastError: string | null;
  readonly log: readonly { readonly at: string; readonly step: string }[];
  readonly requestedBy: string | null;
  readonly createdAt: string;
  readonly printedAt: string | null;
}

const TABLE = 'tessera.fiscal_receipts';

interface Row {
  id: string;
  printer_id: string;
  idempotency_key: string;
  state: ReceiptState;
  document: FiscalDocument | null;
  receipt: Receipt;
  entity: string | null;
  record_id: string | null;
  journal: PrintJournal | null;
  total: string | number | null;
  receipt_number: number | null;
  unique_number: string | null;
  attempts: number;
  error_code: string | null;
  last_error: string | null;
  log: { at: string; step: string }[];
  requested_by: string | null;
  created_at: Date | string;
  printed_at: Date | string | null;
}

const iso = (v: Date | string | null): string | null => (v === null ? null : v instanceof Date ? v.toISOString() : new Date(v).toISOString());

function fromRow(r: Row): QueuedReceipt {
  return {
    id: r.id,
    printerId: r.printer_id,
    idempotencyKey: r.idempotency_key,
    state: r.state,
    document: r.document ?? 'receipt',
    receipt: r.receipt,
    entity: r.entity,
    recordId: r.record_id,
    journal: r.journal,
    total: r.total === null ? null : Number(r.total),
    receiptNumber: r.receipt_number,
    uniqueNumber: r.unique_number,
    attempts: r.attempts,
    errorCode: r.error_code,
    lastError: r.last_error,
    log: r.log,
    requestedBy: r.requested_by,
    createdAt: iso(r.created_at)!,
    printedAt: iso(r.printed_at),
  };
}

export interface NewReceipt {
  readonly printerId: string;
  readonly idempotencyKey: string;
  readonly receipt: Receipt;
  readonly document?: FiscalDocument;
  readonly entity?: string | null;
  readonly recordId?: string | null;
  readonly requestedBy?: string | null;
}

const step = (text: string) => ({ at: new Date().toISOString(), step: text });

/** Queues a receipt; the same key again returns the existing row (`created: false`), whatever its state. */
export async function enqueueReceipt(knex: Knex | Knex.Transaction, input: NewReceipt): Promise<{ receipt: QueuedReceipt; created: boolean }> {
  const inserted = (await knex(TABLE)
    .insert({
      printer_id: input.printerId,
      idempotency_key: input.idempotencyKey,
      receipt: JSON.stringify(input.receipt),
      document: input.document ?? 'receipt',
      entity: input.entity ?? null,
      record_id: input.recordId ?? null,
      requested_by: input.requestedBy ?? null,
      log: JSON.stringify([step('queued')]),
    })
    .onConflict('idempotency_key')
    .ignore()
    .returning('*')) as Row[];
  if (inserted[0]) return { receipt: fromRow(inserted[0]), created: true };
  const existing = (await knex(TABLE).where({ idempotency_key: input.idempotencyKey }).first()) as Row;
  return { receipt: fromRow(existing), created: false };
}

export async function getReceipt(knex: Knex, id: string): Promise<QueuedReceipt | null> {
  const row = (await knex(TABLE).where({ id }).first()) as Row | undefined;
  return row ? fromRow(row) : null;
}

export async function receiptByKey(knex: Knex, key: string): Promise<QueuedReceipt | null> {
  const row = (await knex(TABLE).where({ idempotency_key: key }).first()) as Row | undefined;
  return row ? fromRow(row) : null;
}

export async function listReceipts(knex: Knex, filter: { printerId?: string; state?: ReceiptState; entity?: string; recordId?: string; limit?: number }): Promise<QueuedReceipt[]> {
  const q = knex(TABLE).orderBy('created_at', 'desc').limit(filter.limit ?? 100);
  if (filter.printerId) q.where({ printer_id: filter.printerId });
  if (filter.state) q.where({ state: filter.state });
  if (filter.entity) q.where({ entity: filter.entity });
  if (filter.recordId) q.where({ record_id: filter.recordId });
  return ((await q) as Row[]).map(fromRow);
}

/**
 * Claims the printer's oldest unfinished receipt. An interrupted one (with a journal) goes first and
 * blocks the others until it is settled: reconciling it compares the printer's receipt counter with
 * the one before it, which another receipt printed in between would falsify. Only the printer's
 * leader calls this.
 */
export async function claimNext(knex: Knex, printerId: string): Promise<QueuedReceipt | null> {
  const rows = (await knex.raw(
    `UPDATE ${TABLE} SET state = 'printing', attempts = attempts + 1, updated_at = now()
      WHERE id = (SELECT id FROM ${TABLE}
                   WHERE printer_id = ? AND (state = 'printing' OR (state = 'queued' AND next_attempt_at <= now()))
                     AND NOT EXISTS (SELECT 1 FROM ${TABLE} o WHERE o.printer_id = ? AND o.id <> ${TABLE}.id AND o.journal IS NOT NULL AND o.state IN ('queued', 'printing'))
                   ORDER BY state = 'printing' DESC, journal IS NOT NULL DESC, created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING *`,
    [printerId, printerId],
  )) as { rows: Row[] };
  return rows.rows[0] ? fromRow(rows.rows[0]) : null;
}

export async function saveJournal(knex: Knex, id: string, journal: PrintJournal | null): Promise<void> {
  await knex(TABLE).where({ id }).update({ journal: journal === null ? null : JSON.stringify(journal), updated_at: knex.fn.now() });
}

export async function appendLog(knex: Knex, id: string, text: string): Promise<void> {
  await knex.raw(`UPDATE ${TABLE} SET log = log || ?::jsonb, updated_at = now() WHERE id = ?`, [JSON.stringify([step(text)]), id]);
}

export async function markPrinted(knex: Knex | Knex.Transaction, id: string, printed: PrintedReceipt, recovered: boolean): Promise<void> {
  await knex.raw(
    `UPDATE ${TABLE} SET state = 'printed', journal = NULL, total = ?, receipt_number = ?, unique_number = ?, error_code = NULL, last_error = NULL,
            printed_at = now(), updated_at = now(), log = log || ?::jsonb WHERE id = ?`,
    [printed.total, printed.receiptNumber, printed.uniqueNumber, JSON.stringify([step(recovered ? 'printed (after recovery)' : 'printed')]), id],
  );
}

/**
 * A refusal ends the receipt (`failed`, journal dropped: a retry prints it anew, which is what a
 * person decides after checking the paper roll); a passing trouble (paper, link) puts it back in
 * the queue for later, journal kept, so it is reconciled first.
 */
export async function markProblem(knex: Knex, id: string, error: FiscalErrorInfo | { code: string; retry: boolean; detail?: string }, retryInMs: number): Promise<void> {
  const text = `${error.code}${error.detail ? `: ${error.detail}` : ''}`;
  await knex.raw(
    `UPDATE ${TABLE} SET state = ?, error_code = ?, last_error = ?, next_attempt_at = now() + (? || ' milliseconds')::interval,
            journal = CASE WHEN ? THEN journal ELSE NULL END,
            updated_at = now(), log = log || ?::jsonb WHERE id = ?`,
    [error.retry ? 'queued' : 'failed', error.code, text, String(retryInMs), error.retry, JSON.stringify([step(`${error.retry ? 'will retry' : 'failed'}: ${text}`)]), id],
  );
}

/** A failed (or cancelled) receipt back in the queue, by a person's decision. */
export async function retryReceipt(
  knex: Knex,
  id: string,
  by: string | null,
  only: readonly ('failed' | 'cancelled')[] = ['failed', 'cancelled'],
  again: { receipt: Receipt; document: FiscalDocument } | null = null,
): Promise<boolean> {
  // A cancelled sale printed again takes the sale as it is now (it may have been corrected, or be
  // wanted as an invoice now): nothing of it reached the printer.
  const receipt = again?.receipt ?? null;
  const n = await knex.raw(
    `UPDATE ${TABLE} SET state = 'queued', error_code = NULL, last_error = NULL, next_attempt_at = now(), updated_at = now(),
            receipt = COALESCE(?::jsonb, receipt), document = COALESCE(?, document), log = log || ?::jsonb WHERE id = ? AND state = ANY(?)`,
    [receipt === null ? null : JSON.stringify(receipt), again?.document ?? null, JSON.stringify([step(`${receipt ? 'printed again' : 'retry'} requested${by ? ` by ${by}` : ''}`)]), id, [...only]],
  );
  return ((n as { rowCount?: number }).rowCount ?? 0) > 0;
}

/**
 * Takes a receipt out of the queue where that is safe: a failed one, or a queued one that never
 * reached the printer (no journal). One being printed, or interrupted mid-print (its journal says
 * the printer may hold it), is not: only reconciling with the printer can settle it. The update is
 * one statement, so a worker claiming the row at the same moment wins or loses cleanly.
 */
export async function cancelReceipt(knex: Knex, id: string, by: string | null): Promise<boolean> {
  const n = await knex.raw(
    `UPDATE ${TABLE} SET state = 'cancelled', journal = NULL, updated_at = now(), log = log || ?::jsonb
      WHERE id = ? AND (state = 'failed' OR (state = 'queued' AND journal IS NULL))`,
    [JSON.stringify([step(`cancelled${by ? ` by ${by}` : ''}`)]), id],
  );
  return ((n as { rowCount?: number }).rowCount ?? 0) > 0;
}

/** Whether a row may be cancelled now (for the UI; `cancelReceipt` decides for real). */
export function cancellable(row: Pick<QueuedReceipt, 'state' | 'journal'>): boolean {
  return row.state === 'failed' || (row.state === 'queued' && row.journal === null);
}

/** A mark that changes whenever any queue row changes (the live feed compares it). */
export async function queueMark(knex: Knex): Promise<string> {
  // Rows are never deleted and every change sets updated_at (new rows too): its maximum is enough.
  const row = (await knex(TABLE).max('updated_at as at').first()) as { at: Date | string | null } | undefined;
  return String(row?.at ? new Date(row.at).getTime() : 0);
}
