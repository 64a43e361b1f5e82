// Recurring documents (the shipped CRM's recurring invoices): a definition record with a period
// (monthly, quarterly, yearly), the date of its next document, an end date and an active flag issues
// its documents through one of its declared conversions (the field and line mapping, the target's
// numbering series, computed totals, price lookup). Each due period in a transaction of its own:
// the definition's row is locked, the document created and the next date moved on by one period
// together, so a second run (twice a day, after a restart, two workers at once) finds nothing due;
// a period whose document exists already (made by hand through the conversion, or the next date set
// back) is passed over, and the target's unique index on (definition, period) is the last guard. The work is done with the rights of the definition's
// owner, and the audit names the owner, the conversion and the definition (and the workflow
// instance when one runs it).
import type { Knex } from 'knex';
import { accessFor, loadSubject } from '../access/index.ts';
import { TesseraError } from '../errors.ts';
import type { Actor, ApiRecord, RecordService } from '../records/index.ts';
import { declaredConversion, runConversion } from './declared.ts';

/** The fields a recurring definition has (seed/metadata/entities/recurring_invoice.json), and the target's period field (invoice.recurring_period). */
export const RECURRING_FIELDS = { period: 'period', next: 'next_date', end: 'end_date', active: 'active', targetPeriod: 'recurring_period' } as const;

const MONTHS: Readonly<Record<string, number>> = { monthly: 1, quarterly: 3, yearly: 12 };

/** The day one period after `day` (YYYY-MM-DD): the same day of the month, or the month's last day when it has fewer. */
export function nextPeriod(day: string, period: string): string {
  const months = MONTHS[period];
  if (!months) throw new TesseraError('VALIDATION_FAILED', `unknown period "${period}"`, { problems: [{ pointer: `/${RECURRING_FIELDS.period}`, detail: 'is not one of the allowed values', code: 'ENUM' }] });
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const month = m - 1 + months;
  const year = y + Math.floor(month / 12);
  const last = new Date(Date.UTC(year, (month % 12) + 1, 0)).getUTCDate();
  return `${year}-${String((month % 12) + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

const isoDay = (v: unknown): string | null => (v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'string' ? v.slice(0, 10) : null);

export interface RecurringRun {
  readonly entity: string;
  readonly id: string;
  readonly conversion: string;
  /** The business day (YYYY-MM-DD): periods whose date is on or before it are due. */
  readonly today: string;
  /** The workflow instance running it (named in the audit). */
  readonly instanceId?: string;
}

/**
 * Issues the documents of every due period of one definition (catching up when runs were missed),
 * oldest first; the documents created (none when nothing is due or the definition is inactive).
 * `db`: the database, or the transaction to work in (a workflow step's).
 */
export async function issueRecurring(records: RecordService, db: Knex | Knex.Transaction, run: RecurringRun): Promise<ApiRecord[]> {
  const issued: ApiRecord[] = [];
  for (;;) {
    // A transaction per period (a savepoint inside a workflow step's transaction).
    const created = await db.transaction((trx) => issueOnePeriod(records, trx, run));
    if (!created) return issued;
    if (created !== SKIPPED) issued.push(created);
  }
}

async function issueOnePeriod(records: RecordService, trx: Knex.Transaction, run: RecurringRun): Promise<ApiRecord | null> {
  const { entity } = records.runtime.entity(run.entity);
  const row = (await trx(entity.table).where({ id: run.id }).whereNull('deleted_at').forUpdate().first()) as Record<string, unknown> | undefined;
  if (!row) throw new TesseraError('NOT_FOUND', `no ${run.entity} with id ${run.id}`, { extensions: { entity: run.entity, id: run.id } });
  const next = isoDay(row[RECURRING_FIELDS.next]);
  const end = isoDay(row[RECURRING_FIELDS.end]);
  if (row[RECURRING_FIELDS.active] === false || next === null || next > run.today || (end !== null && next > end)) return null;
  const actor = await ownerActor(trx, records, row.owner as string | null, run);
  // A period already issued (its document made by hand through the conversion, or next_date set
  // back) is not issued again: the schedule only moves on.
  const conversion = declaredConversion(records, run.entity, run.conversion);
  const target = records.runtime.entity(conversion.target).entity;
  const issued = target.fieldsByName.has(RECURRING_FIELDS.targetPeriod)
    ? await trx(target.table).where({ [conversion.link]: run.id, [RECURRING_FIELDS.targetPeriod]: next }).whereNull('deleted_at').first('id')
    : undefined;
  const result = issued ? null : await runConversion(records, trx as unknown as Knex, { actor, trx }, run.entity, run.id, run.conversion);
  const definition = await records.get({ actor, trx }, run.entity, run.id, { fields: ['id', 'version'] });
  await records.update({ actor, trx }, run.entity, run.id, { [RECURRING_FIELDS.next]: nextPeriod(next, String(row[RECURRING_FIELDS.period])) }, { expectedVersion: definition.version as number });
  return result ? (result.records[0] ?? null) : SKIPPED;
}

/** A period found issued already: the loop goes on to the next period without a new document. */
const SKIPPED: ApiRecord = Object.freeze({});

/** The definition's owner, with their current rights: a deactivated owner issues nothing. */
async function ownerActor(trx: Knex.Transaction, records: RecordService, owner: string | null, run: RecurringRun): Promise<Actor> {
  const subject = owner ? await loadSubject(trx, owner) : null;
  if (!subject) throw new TesseraError('FORBIDDEN', `${run.entity} ${run.id} has no active owner: its documents are issued with its owner's rights`);
  return { userId: owner, via: 'workflow', access: accessFor(records.runtime.snapshot.model, subject), ...(run.instanceId ? { instanceId: run.instanceId } : {}) };
}
