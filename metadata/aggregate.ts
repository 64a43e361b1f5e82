// Aggregate queries over an entity type (reports, dashboards, GET/POST /api/records/<type>/aggregate):
// what to group by, what to measure and which rows, validated against the entity type. Pure and
// browser-safe: the engine compiles the parsed query to one GROUP BY (engine/records/aggregate.ts),
// metadata validation checks report definitions with it, the app builds queries of its shape.
//
//   { "groupBy": ["stage", {"field": "deal_date", "bucket": "month"}],
//     "measures": ["count", {"fn": "sum", "field": "estimated_revenue"}],
//     "filter": { … the list filter language … } }
import { parseFilter, queryField, SYSTEM_FIELD_TYPES, type FilterExpr, type FilterProblem } from './filter.ts';
import type { EntityModel } from './model.ts';
import type { Field } from './schema/types.generated.ts';

export const DATE_BUCKETS = ['day', 'week', 'month', 'quarter', 'year'] as const;
/**
 * Besides calendar periods, `age`: how many days ago the date was, in bands (AGE_BANDS), counted in
 * the business time zone (service orders by age).
 */
export const BUCKETS = [...DATE_BUCKETS, 'age'] as const;
export type DateBucket = (typeof BUCKETS)[number];

/** The age bands of the `age` bucket: [key, first day, last day] (days ago; the last band is open). */
export const AGE_BANDS: readonly (readonly [string, number, number | null])[] = [
  ['0-7', Number.NEGATIVE_INFINITY, 7],
  ['8-30', 8, 30],
  ['31-90', 31, 90],
  ['91+', 91, null],
];

export const MEASURE_FUNCTIONS = ['count', 'sum', 'avg', 'min', 'max', 'weightedSum'] as const;
export type MeasureFunction = (typeof MEASURE_FUNCTIONS)[number];

/** How a group's values are keyed: a plain value, a date bucket, a choice (enum/state) or a record (reference). */
export type GroupKind = 'value' | 'date' | 'datetime' | 'choice' | 'reference' | 'user';

export interface AggregateGroup {
  readonly field: string;
  /** Date and datetime fields: the calendar period (datetimes in the business time zone). */
  readonly bucket?: DateBucket;
}

export interface AggregateMeasure {
  readonly fn: MeasureFunction;
  /** Every function but count. */
  readonly field?: string;
  /** weightedSum: the percent field weighting each value (default: the type's `probability` percent field). */
  readonly weight?: string;
}

/** An aggregate query as clients send it (and report definitions hold it). */
export interface AggregateQuery {
  readonly groupBy: readonly (AggregateGroup | string)[];
  readonly measures: readonly (AggregateMeasure | string)[];
  readonly filter?: unknown;
  /**
   * Convert money to this currency with the central banks' rates (tessera.currency_rates): each
   * amount at the rate of `rateDate`, the last published on or before it.
   */
  readonly convertTo?: string;
  /** With convertTo: a date or datetime field (each record's own day) or a day (YYYY-MM-DD); default today. */
  readonly rateDate?: string;
}

/** Whose day an amount is converted at: a field of the record (its local day), or one day for all. */
export type RateDate = { readonly field: string; readonly kind: 'date' | 'datetime' } | { readonly day: string } | { readonly today: true };

/** A group resolved against the entity type. */
export interface ResolvedGroup extends AggregateGroup {
  readonly kind: GroupKind;
  readonly fieldModel?: Field;
}

/** A measure resolved against the entity type; `money`: the field is money, so its currency groups the rows too. */
export interface ResolvedMeasure extends AggregateMeasure {
  readonly money: boolean;
}

export interface ParsedAggregate {
  readonly groupBy: readonly ResolvedGroup[];
  readonly measures: readonly ResolvedMeasure[];
  readonly filter: FilterExpr | null;
  readonly convertTo?: string;
  /** Present with convertTo. */
  readonly rateDate?: RateDate;
}

export const MAX_GROUPS = 3;
export const MAX_MEASURES = 8;

const NUMERIC: ReadonlySet<string> = new Set(['integer', 'decimal', 'percent', 'money']);
const ORDERED: ReadonlySet<string> = new Set([...NUMERIC, 'date', 'datetime']);
const GROUPABLE: ReadonlySet<string> = new Set(['string', 'integer', 'boolean', 'date', 'datetime', 'enum', 'state', 'reference', 'email', 'phone', 'url', 'taxId']);
const USER_SYSTEM: ReadonlySet<string> = new Set(['owner', 'created_by', 'updated_by']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "deal_date:month" → {field, bucket}; objects pass through. */
function groupOf(raw: unknown): Record<string, unknown> | null {
  if (typeof raw === 'string') {
    const [field, bucket] = raw.split(':');
    return bucket === undefined ? { field } : { field, bucket };
  }
  return isObject(raw) ? raw : null;
}

/** "count", "sum:estimated_revenue", "weightedSum:estimated_revenue:probability"; objects pass through. */
function measureOf(raw: unknown): Record<string, unknown> | null {
  if (typeof raw === 'string') {
    const [fn, field, weight] = raw.split(':');
    return { fn, ...(field ? { field } : {}), ...(weight ? { weight } : {}) };
  }
  return isObject(raw) ? raw : null;
}

function resolveGroup(entity: EntityModel, raw: unknown, at: string, problems: FilterProblem[]): ResolvedGroup | null {
  const spec = groupOf(raw);
  if (!spec || typeof spec.field !== 'string') {
    problems.push({ pointer: at, message: 'give a field name, "field:bucket" or {"field", "bucket"}' });
    return null;
  }
  for (const key of Object.keys(spec)) if (key !== 'field' && key !== 'bucket') problems.push({ pointer: `${at}/${key}`, message: `unknown property "${key}"` });
  const name = spec.field;
  const bucket = spec.bucket;
  if (bucket !== undefined && !(BUCKETS as readonly unknown[]).includes(bucket)) {
    problems.push({ pointer: `${at}/bucket`, message: `must be one of ${BUCKETS.join(', ')}` });
    return null;
  }
  const resolved = queryField(entity, name);
  if (!resolved) {
    problems.push({ pointer: `${at}/field`, message: `unknown field "${name}" of ${entity.name}` });
    return null;
  }
  const field = resolved.field;
  const type = field?.type ?? (SYSTEM_FIELD_TYPES.get(name) === 'datetime' ? 'datetime' : USER_SYSTEM.has(name) ? 'user' : 'other');
  const dated = type === 'date' || type === 'datetime';
  if (bucket !== undefined && !dated) {
    problems.push({ pointer: `${at}/bucket`, message: `"${name}" is not a date; only dates have buckets` });
    return null;
  }
  if (type === 'datetime' && bucket === undefined) {
    problems.push({ pointer: `${at}/bucket`, message: `"${name}" is a date and time: give a bucket (${BUCKETS.join(', ')})` });
    return null;
  }
  const withBucket = bucket === undefined ? {} : { bucket: bucket as DateBucket };
  if (type === 'user') return { field: name, kind: 'user', ...withBucket };
  if (!field || !GROUPABLE.has(field.type) || (field.type === 'reference' && field.target === 'team')) {
    problems.push({ pointer: `${at}/field`, message: `cannot group by "${name}"${field ? ` (a ${field.type} field)` : ''}` });
    return null;
  }
  const kind: GroupKind = field.type === 'enum' || field.type === 'state' ? 'choice' : field.type === 'reference' ? (field.target === 'user' ? 'user' : 'reference') : field.type === 'date' ? (bucket ? 'date' : 'value') : field.type === 'datetime' ? 'datetime' : 'value';
  return { field: name, kind, fieldModel: field, ...withBucket };
}

function resolveMeasure(entity: EntityModel, raw: unknown, at: string, problems: FilterProblem[]): ResolvedMeasure | null {
  const spec = measureOf(raw);
  if (!spec || !(MEASURE_FUNCTIONS as readonly unknown[]).includes(spec.fn)) {
    problems.push({ pointer: spec ? `${at}/fn` : at, message: `give a function, one of ${MEASURE_FUNCTIONS.join(', ')}` });
    return null;
  }
  for (const key of Object.keys(spec)) if (!['fn', 'field', 'weight'].includes(key)) problems.push({ pointer: `${at}/${key}`, message: `unknown property "${key}"` });
  const fn = spec.fn as MeasureFunction;
  if (fn === 'count') {
    if (spec.field !== undefined) problems.push({ pointer: `${at}/field`, message: 'count counts records; it takes no field' });
    return { fn, money: false };
  }
  if (typeof spec.field !== 'string') {
    problems.push({ pointer: `${at}/field`, message: `${fn} needs a field` });
    return null;
  }
  const field = entity.fieldsByName.get(spec.field);
  const allowed = fn === 'min' || fn === 'max' ? ORDERED : NUMERIC;
  if (!field || !allowed.has(field.type)) {
    problems.push({ pointer: `${at}/field`, message: field ? `${fn} needs a ${fn === 'min' || fn === 'max' ? 'number or date' : 'number'} field; "${spec.field}" is a ${field.type} field` : `unknown field "${spec.field}" of ${entity.name}` });
    return null;
  }
  const money = field.type === 'money';
  if (fn !== 'weightedSum') {
    if (spec.weight !== undefined) problems.push({ pointer: `${at}/weight`, message: 'only weightedSum takes a weight' });
    return { fn, field: field.name, money };
  }
  const weightName = typeof spec.weight === 'string' ? spec.weight : entity.fieldsByName.get('probability')?.type === 'percent' ? 'probability' : undefined;
  const weight = weightName === undefined ? undefined : entity.fieldsByName.get(weightName);
  if (!weight || weight.type !== 'percent') {
    problems.push({ pointer: `${at}/weight`, message: weightName ? `"${weightName}" is not a percent field of ${entity.name}` : `${entity.name} has no probability field: give a percent field as weight` });
    return null;
  }
  return { fn, field: field.name, weight: weight.name, money };
}

/**
 * Checks an aggregate query against an entity type. Problems point below `base` (e.g. "" for a
 * request body, "/query" for a query string, a report's file pointer).
 */
export function parseAggregate(entity: EntityModel, input: unknown, base = ''): { query: ParsedAggregate | null; problems: FilterProblem[] } {
  const problems: FilterProblem[] = [];
  if (!isObject(input)) return { query: null, problems: [{ pointer: base || '/', message: 'must be an object with groupBy and measures' }] };
  for (const key of Object.keys(input)) if (!['groupBy', 'measures', 'filter', 'convertTo', 'rateDate'].includes(key)) problems.push({ pointer: `${base}/${key}`, message: `unknown property "${key}"` });
  const groupsRaw = input.groupBy ?? [];
  const measuresRaw = input.measures ?? ['count'];
  const groupBy: ResolvedGroup[] = [];
  const measures: ResolvedMeasure[] = [];
  if (!Array.isArray(groupsRaw) || groupsRaw.length > MAX_GROUPS) problems.push({ pointer: `${base}/groupBy`, message: `must be a list of at most ${MAX_GROUPS} groups` });
  else
    groupsRaw.forEach((g, i) => {
      const group = resolveGroup(entity, g, `${base}/groupBy/${i}`, problems);
      if (group && groupBy.some((o) => o.field === group.field && o.bucket === group.bucket)) problems.push({ pointer: `${base}/groupBy/${i}`, message: `"${group.field}" is grouped by twice` });
      else if (group) groupBy.push(group);
    });
  if (!Array.isArray(measuresRaw) || measuresRaw.length === 0 || measuresRaw.length > MAX_MEASURES) problems.push({ pointer: `${base}/measures`, message: `must be a list of 1 to ${MAX_MEASURES} measures` });
  else
    measuresRaw.forEach((m, i) => {
      const measure = resolveMeasure(entity, m, `${base}/measures/${i}`, problems);
      if (measure) measures.push(measure);
    });
  let filter: FilterExpr | null = null;
  if (input.filter !== undefined && input.filter !== null && input.filter !== '') {
    const parsed = parseFilter(entity, input.filter, `${base}/filter`);
    problems.push(...parsed.problems);
    filter = parsed.filter;
  }
  let convertTo: string | undefined;
  if (input.convertTo !== undefined) {
    if (typeof input.convertTo !== 'string' || !/^[A-Z]{3}$/.test(input.convertTo)) problems.push({ pointer: `${base}/convertTo`, message: 'must be a currency code (e.g. PLN)' });
    else convertTo = input.convertTo;
  }
  const rateDate = parseRateDate(entity, input.rateDate, convertTo !== undefined, `${base}/rateDate`, problems);
  if (problems.length) return { query: null, problems };
  return { query: { groupBy, measures, filter, ...(convertTo ? { convertTo, rateDate: rateDate ?? { today: true } } : {}) }, problems };
}

function parseRateDate(entity: EntityModel, raw: unknown, converting: boolean, at: string, problems: FilterProblem[]): RateDate | null {
  if (raw === undefined || raw === null || raw === '') return null;
  if (!converting) {
    problems.push({ pointer: at, message: 'only with convertTo' });
    return null;
  }
  // A real day: 2026-02-30 parses (as 2 March), so the day must come back unchanged.
  if (typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw) && new Date(Date.parse(`${raw}T00:00:00Z`) || 0).toISOString().slice(0, 10) === raw) return { day: raw };
  const name = typeof raw === 'string' ? raw : '';
  const type = entity.fieldsByName.get(name)?.type ?? SYSTEM_FIELD_TYPES.get(name);
  if (type === 'date' || type === 'datetime') return { field: name, kind: type };
  problems.push({ pointer: at, message: 'give a day (YYYY-MM-DD) or a date field of the record' });
  return null;
}

/** A measure's column name in results: "count", "sum:estimated_revenue", "weightedSum:estimated_revenue". */
export const measureName = (m: AggregateMeasure): string => (m.field ? `${m.fn}:${m.field}` : m.fn);

/** A group's name in results: "stage", "deal_date:month". */
export const groupName = (g: AggregateGroup): string => (g.bucket ? `${g.field}:${g.bucket}` : g.field);
