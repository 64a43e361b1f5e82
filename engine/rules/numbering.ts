// Numbering series (OF/{YYYY}/{seq:4}; the text in metadata/numbering.ts): the counter row is locked by the UPSERT inside the record's
// transaction, so numbers are gap-free per committed record and never repeat across processes (a
// second writer waits on the row until the first commits or rolls back; a rollback gives the number
// back). An entity type may have several series of one field (invoice FV/…, pro forma PF/…): the
// one the user picked in the series field, else the first whose condition holds, else `pattern`.
import type { Knex } from 'knex';
import { feelConditionHolds, numberingMoment, recordFeelContext, seriesFor, type EntityModel, type Numbering, type NumberingSeries, type SeriesSpec } from '../../metadata/index.ts';
import { TesseraError } from '../errors.ts';

type Reset = NonNullable<Numbering['reset']>;

/** The series a record is numbered in: its counter's name (null: the field's own pattern), pattern, reset and per-fields. */
export interface ChosenSeries {
  readonly name: string | null;
  readonly pattern: string;
  readonly reset: Reset;
  readonly per: readonly string[];
}

const refId = (value: unknown): unknown => (value && typeof value === 'object' && 'id' in value ? (value as { id: unknown }).id : value);

const fromSeries = (s: NumberingSeries): ChosenSeries => ({ name: s.name, pattern: s.pattern, reset: s.reset ?? 'yearly', per: s.per ?? [] });

/**
 * The series a new record is numbered in (pure): the one named by the series field when the user
 * picked one, else the first whose `when` holds for the record, else the field's own pattern.
 * Refuses (NO_NUMBERING_SERIES) when none applies.
 */
export function chooseSeries(entity: EntityModel, values: Readonly<Record<string, unknown>>): ChosenSeries {
  const numbering = entity.numbering!;
  const series = numbering.series ?? [];
  const picked = numbering.seriesField ? values[numbering.seriesField] : undefined;
  if (typeof picked === 'string' && picked !== '') {
    const named = series.find((s) => s.name === picked);
    if (named) return fromSeries(named);
  }
  const context = recordFeelContext(entity.fields.map((f) => f.name), Object.fromEntries(Object.entries(values).map(([k, v]) => [k, refId(v)])));
  const ruled = series.find((s) => s.when !== undefined && feelConditionHolds(s.when, context));
  if (ruled) return fromSeries(ruled);
  if (numbering.pattern !== undefined) return { name: null, pattern: numbering.pattern, reset: numbering.reset ?? 'yearly', per: [] };
  const unconditional = series.find((s) => s.when === undefined);
  if (unconditional) return fromSeries(unconditional);
  const pointer = `/${numbering.seriesField ?? numbering.field}`;
  throw new TesseraError('VALIDATION_FAILED', `no numbering series of ${entity.name} applies to this record`, { problems: [{ pointer, detail: 'no numbering series applies: choose one', code: 'NO_NUMBERING_SERIES', params: { entity: entity.name } }] });
}

export async function nextNumber(trx: Knex.Transaction, entity: string, numbering: SeriesSpec, at: Date, timeZone = 'UTC'): Promise<string> {
  const { key, render } = seriesFor(entity, numbering, at, timeZone);
  const result = await trx.raw(
    `INSERT INTO tessera.number_series (series, last_value) VALUES (?, 1)
     ON CONFLICT (series) DO UPDATE SET last_value = tessera.number_series.last_value + 1
     RETURNING last_value`,
    [key],
  );
  return render(Number(result.rows[0].last_value));
}

/**
 * Numbers a new record in `values` (inside its write transaction) unless it already has a number:
 * chooses the series, takes the next value of its counter and fills the series field when empty.
 */
export async function assignNumber(trx: Knex.Transaction, entity: EntityModel, values: Record<string, unknown>, at: Date, timeZone = 'UTC'): Promise<void> {
  const numbering = entity.numbering;
  if (!numbering || (values[numbering.field] !== undefined && values[numbering.field] !== null)) return;
  const chosen = chooseSeries(entity, values);
  const per = chosen.per.map((name) => refId(values[name]));
  // The period of a dated document is its date's (an invoice issued on 30 November is a November one).
  const moment = numberingMoment(numbering.dateField, values, at, timeZone);
  values[numbering.field] = await nextNumber(trx, entity.name, { field: numbering.field, pattern: chosen.pattern, reset: chosen.reset, name: chosen.name, per }, moment.at, moment.timeZone);
  const seriesField = numbering.seriesField ? entity.fieldsByName.get(numbering.seriesField) : undefined;
  if (seriesField?.type === 'enum' && chosen.name && (values[seriesField.name] === undefined || values[seriesField.name] === null) && seriesField.values.some((v) => v.value === chosen.name)) {
    values[seriesField.name] = chosen.name;
  }
}
