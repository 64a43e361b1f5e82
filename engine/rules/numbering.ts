// Numbering series (OF/{YYYY}/{seq:4}): the counter row is locked by the UPSERT inside the record's
// transaction, so numbers are gap-free per committed record and never repeat across processes.
import type { Knex } from 'knex';
import { localDate, type Numbering } from '../../metadata/index.ts';

/** The counter key and the text around {seq} for a moment; pure. */
export function seriesFor(entity: string, numbering: Numbering, at: Date, timeZone = 'UTC'): { key: string; render: (seq: number) => string } {
  const local = localDate(at, timeZone);
  const yyyy = String(local.year);
  const mm = String(local.month).padStart(2, '0');
  const period = numbering.reset === 'monthly' ? `${yyyy}-${mm}` : numbering.reset === 'never' ? '' : yyyy;
  const key = `${entity}.${numbering.field}${period ? `@${period}` : ''}`;
  const render = (seq: number) =>
    numbering.pattern
      .replace(/\{YYYY\}/g, yyyy)
      .replace(/\{YY\}/g, yyyy.slice(2))
      .replace(/\{MM\}/g, mm)
      .replace(/\{seq(?::(\d))?\}/g, (_m, width: string | undefined) => String(seq).padStart(width ? Number(width) : 1, '0'));
  return { key, render };
}

export async function nextNumber(trx: Knex.Transaction, entity: string, numbering: Numbering, at: Date, timeZone = 'UTC'): Promise<string> {
  const { key, render } = seriesFor(entity, numbering, at, timeZone);
  const result = await trx.raw(
    `INSERT INTO tessera.number_series (series, last_value) VALUES (?, 1)
     ON CONFLICT (series) DO UPDATE SET last_value = tessera.number_series.last_value + 1
     RETURNING last_value`,
    [key],
  );
  return render(Number(result.rows[0].last_value));
}
