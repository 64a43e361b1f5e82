// Aggregate queries compiled to one GROUP BY in the database: the groups (date buckets in the
// business time zone, choices in their declared order), the measures, money's currency as an
// implicit group, and for each row the list filter selecting the records behind it (drill-down).
// Rows are narrowed by the caller with the list's own filter compiler and row rules
// (RecordService.aggregate); nothing a client sends is spliced into SQL: field names come from the
// model, buckets and the time zone from fixed lists and the validated manifest.
import type { Knex } from 'knex';
import { factorAlias, type Conversion } from './aggregate-conversion.ts';
import { PLANNED_WITH_VALUES } from '../db/prepared.ts';
import { addDays } from '../exchange-rates/index.ts';
import { AGE_BANDS, CURRENCY_SUFFIX, isoLocalDate, groupName, measureName, type AggregateResult, type AggregateRow, type DateBucket, type EntityModel, type GroupKey, type ParsedAggregate, type ResolvedGroup, type ResolvedMeasure } from '../../metadata/index.ts';

export type { AggregateResult, AggregateRow, GroupKey };

/** Most result rows of one aggregate query (more are cut, with `truncated`). */
export const MAX_AGGREGATE_ROWS = 2000;


const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** The SQL of a group's key (as text for dates, so no driver time zone touches it). */
function groupSql(table: string, group: ResolvedGroup, timeZone: string): [string, string[]] {
  const col = `${table}.${group.field}`;
  if (group.bucket === 'age') {
    // Days between the local date of the value and today, in the business time zone.
    const day = group.kind === 'date' ? '??' : `(?? AT TIME ZONE ${quote(timeZone)})::date`;
    const days = `((now() AT TIME ZONE ${quote(timeZone)})::date - ${day})`;
    const bands = AGE_BANDS.map(([key, , last]) => (last === null ? `ELSE ${quote(key)}` : `WHEN ${days} <= ${last} THEN ${quote(key)}`));
    return [`CASE WHEN ?? IS NULL THEN NULL ${bands.join(' ')} END`, [col, ...AGE_BANDS.filter(([, , last]) => last !== null).map(() => col)]];
  }
  if (group.kind === 'date') return [`to_char(date_trunc('${group.bucket!}', ??::timestamp), 'YYYY-MM-DD')`, [col]];
  if (group.kind === 'datetime') return [`to_char(date_trunc('${group.bucket!}', ?? AT TIME ZONE ${quote(timeZone)}), 'YYYY-MM-DD')`, [col]];
  if (group.fieldModel?.type === 'date') return [`to_char(??, 'YYYY-MM-DD')`, [col]];
  return ['??', [col]];
}

function measureSql(table: string, entity: EntityModel, m: ResolvedMeasure, conversion: Conversion | null, moneyIndex: (m: ResolvedMeasure) => number): [string, string[]] {
  if (m.fn === 'count') return ['count(*)', []];
  const col = `${table}.${m.field!}`;
  const type = entity.fieldsByName.get(m.field!)?.type;
  // Converted money: each amount times its own factor (joined by joinFactors), before it is added up.
  const value = m.money && conversion ? `(?? * ${factorAlias(moneyIndex(m))}.fx_factor)` : '??';
  switch (m.fn) {
    case 'weightedSum':
      return [`sum(${value} * coalesce(??, 0) / 100)`, [col, `${table}.${m.weight!}`]];
    case 'min':
    case 'max':
      if (type === 'date') return [`${m.fn}(??)::text`, [col]];
      if (type === 'datetime') return [`to_char(${m.fn}(??) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`, [col]];
      return [`${m.fn}(${value})`, [col]];
    default:
      return [`${m.fn}(${value})`, [col]];
  }
}

/** Money fields of the measures, once each: their currency columns group the rows too. */
export const moneyFields = (query: ParsedAggregate): string[] => [...new Set(query.measures.filter((m) => m.money).map((m) => m.field!))];

/**
 * Runs the GROUP BY over `base` (a query of the entity's table already narrowed to the rows the
 * reader may aggregate). Rows come back in group order: choices in their declared order (pipeline
 * stages as the pipeline lists them), other values ascending, empty values last.
 */
export async function runAggregate(db: Knex | Knex.Transaction, base: Knex.QueryBuilder, entity: EntityModel, query: ParsedAggregate, timeZone: string, conversion: Conversion | null = null): Promise<{ rows: Record<string, unknown>[]; truncated: boolean }> {
  const t = entity.table;
  const selects: string[] = [];
  const bindings: string[] = [];
  query.groupBy.forEach((g, i) => {
    const [sql, b] = groupSql(t, g, timeZone);
    selects.push(`${sql} AS g${i}`);
    bindings.push(...b);
  });
  // Converted money is all in one currency: the currencies do not group the rows.
  const currencies = conversion ? [] : moneyFields(query);
  currencies.forEach((field, i) => {
    selects.push(`?? AS c${i}`);
    bindings.push(`${t}.${field}${CURRENCY_SUFFIX}`);
  });
  query.measures.forEach((m, i) => {
    const [sql, b] = measureSql(t, entity, m, conversion, (measure) => moneyFields(query).indexOf(measure.field!));
    selects.push(`${sql} AS m${i}`);
    bindings.push(...b);
  });
  const keyCount = query.groupBy.length + currencies.length;
  // Choices order by their place in the declared list; everything else ascending; empty values last.
  const order = query.groupBy.map((g, i) => {
    const values = choiceOrder(entity, g);
    return values ? `array_position(ARRAY[${values.map(quote).join(', ')}]::text[], "g${i}"::text) NULLS LAST` : `"g${i}" NULLS LAST`;
  });
  currencies.forEach((_, i) => order.push(`"c${i}" NULLS LAST`));
  const inner = base.clearSelect().select(base.client.raw(selects.join(', '), bindings));
  if (keyCount) inner.groupByRaw(Array.from({ length: keyCount }, (_, i) => String(i + 1)).join(', '));
  const { sql, bindings: innerBindings } = inner.toSQL();
  // Ordering by the output names needs an outer query (they are not visible inside expressions).
  const outer = `${PLANNED_WITH_VALUES}SELECT * FROM (${sql}) AS agg${order.length ? ` ORDER BY ${order.join(', ')}` : ''} LIMIT ${MAX_AGGREGATE_ROWS + 1}`;
  const result = (await db.raw(outer, innerBindings as Knex.RawBinding[])) as { rows: Record<string, unknown>[] };
  const truncated = result.rows.length > MAX_AGGREGATE_ROWS;
  return { rows: truncated ? result.rows.slice(0, MAX_AGGREGATE_ROWS) : result.rows, truncated };
}

/** The declared order of a choice group's values (enum values, machine states); null for other groups. */
function choiceOrder(entity: EntityModel, group: ResolvedGroup): string[] | null {
  if (group.bucket === 'age') return AGE_BANDS.map(([key]) => key);
  if (group.kind !== 'choice') return null;
  const field = group.fieldModel!;
  if (field.type === 'enum') return field.values.map((v) => v.value);
  const machine = entity.machines.get(field.name);
  return machine ? machine.states.map((s) => s.name) : null;
}

/** The label and colour of a choice value. */
export function choiceKey(entity: EntityModel, group: ResolvedGroup, value: string | null): GroupKey {
  if (value === null) return { value };
  const field = group.fieldModel!;
  const choice = field.type === 'enum' ? field.values.find((v) => v.value === value) : entity.machines.get(field.name)?.states.find((s) => s.name === value);
  return choice ? { value, label: choice.label, ...(choice.color ? { color: choice.color } : {}) } : { value };
}

const DAY = 86_400_000;

/** The first day of the bucket after the one starting on `start` (YYYY-MM-DD). */
export function nextBucket(start: string, bucket: DateBucket): string {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  const next =
    bucket === 'day' ? Date.UTC(y, m - 1, d + 1) : bucket === 'week' ? Date.UTC(y, m - 1, d + 7) : bucket === 'month' ? Date.UTC(y, m, 1) : bucket === 'quarter' ? Date.UTC(y, m + 2, 1) : Date.UTC(y + 1, 0, 1);
  return new Date(next).toISOString().slice(0, 10);
}

/** How far a time zone is ahead of UTC at an instant, in milliseconds. */
function zoneOffset(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - at;
}

/** The instant a local day (YYYY-MM-DD) starts in a time zone, as ISO text in UTC. */
export function dayStartUtc(day: string, timeZone: string): string {
  const guess = Date.parse(`${day}T00:00:00Z`);
  let at = guess - zoneOffset(guess, timeZone);
  at = guess - zoneOffset(at, timeZone);
  return new Date(at).toISOString();
}

/** The list filter term selecting a group's value (a bucket as its date range). */
export function groupFilter(group: ResolvedGroup, value: unknown, timeZone: string): Record<string, unknown> {
  if (value === null || value === undefined) return { [group.field]: { isNull: true } };
  if (group.bucket === 'age') return ageFilter(group, String(value), timeZone);
  if ((group.kind === 'date' || group.kind === 'datetime') && typeof value === 'string') {
    const next = nextBucket(value, group.bucket!);
    if (group.kind === 'date') return { [group.field]: { gte: value, lte: new Date(Date.parse(`${next}T00:00:00Z`) - DAY).toISOString().slice(0, 10) } };
    return { [group.field]: { gte: dayStartUtc(value, timeZone), lt: dayStartUtc(next, timeZone) } };
  }
  return { [group.field]: { eq: value } };
}

/** Names of the groups and measures as results describe them. */
export function describe(entity: EntityModel, query: ParsedAggregate): Pick<AggregateResult, 'groups' | 'measures'> {
  return {
    groups: query.groupBy.map((g) => ({ name: groupName(g), field: g.field, ...(g.bucket ? { bucket: g.bucket } : {}), kind: g.kind })),
    measures: query.measures.map((m) => ({ name: measureName(m), fn: m.fn, ...(m.field ? { field: m.field } : {}), ...(m.weight ? { weight: m.weight } : {}), money: m.money })),
  };
}

/**
 * A measure's value as JSON: numbers (PostgreSQL's numeric and bigint arrive as text), dates as
 * text; averages and converted money to the cent.
 */
export function measureValue(measure: ResolvedMeasure, entity: EntityModel, raw: unknown, converted = false): number | string | null {
  if (raw === null || raw === undefined) return measure.fn === 'count' ? 0 : null;
  const type = measure.field ? entity.fieldsByName.get(measure.field)?.type : undefined;
  if ((measure.fn === 'min' || measure.fn === 'max') && (type === 'date' || type === 'datetime')) return String(raw);
  const n = Number(raw);
  return measure.fn === 'avg' || measure.fn === 'weightedSum' || (converted && measure.money) ? Math.round(n * 100) / 100 : n;
}

/** The days `n` days before `day` (YYYY-MM-DD). */
const daysBefore = (day: string, n: number) => addDays(day, -n);

/** The filter of an age band: the value fell on one of its days (counted back from today in the business time zone). */
function ageFilter(group: ResolvedGroup, key: string, timeZone: string): Record<string, unknown> {
  const band = AGE_BANDS.find(([k]) => k === key);
  if (!band) return { [group.field]: { isNull: true } };
  const [, first, last] = band;
  const today = isoLocalDate(new Date(), timeZone);
  const range: Record<string, string> = {};
  // Oldest day of the band (inclusive) … newest day of the band (inclusive).
  if (last !== null) range.gte = group.kind === 'date' ? daysBefore(today, last) : dayStartUtc(daysBefore(today, last), timeZone);
  if (Number.isFinite(first)) {
    if (group.kind === 'date') range.lte = daysBefore(today, first);
    else range.lt = dayStartUtc(daysBefore(today, first - 1), timeZone);
  }
  return { [group.field]: range };
}
