// Checks of report and dashboard definitions against the resolved model: a report's groups,
// measures and filter are an aggregate query of its entity type (metadata/aggregate.ts, the same
// checks the API applies), its type fits its groups, and its parameters and capacity name fields of
// the right kind; a dashboard names reports and roles of the package. Pure.
import { parseAggregate } from './aggregate.ts';
import type { MetadataErrorCode } from './errors.ts';
import type { EntityModel, Model } from './model.ts';
import { reportIndexFields } from './report-indexes.ts';
import type { Dashboard, Report } from './schema/types.generated.ts';

export interface ItemProblem {
  readonly code: MetadataErrorCode;
  readonly id: string;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** "/groupBy/0/field" → ["groupBy", "0", "field"]. */
const pathOf = (pointer: string) => pointer.split('/').slice(1);

export function reportProblems(report: Report, model: Model): ItemProblem[] {
  const problems: ItemProblem[] = [];
  const add = (code: MetadataErrorCode, path: readonly (string | number)[], message: string) => problems.push({ code, id: report.id, path, message });
  const entity = model.entities.get(report.entity);
  if (!entity) {
    add('META_UNKNOWN_ENTITY', ['entity'], `unknown entity type "${report.entity}"`);
    return problems;
  }
  const { query, problems: queryProblems } = parseAggregate(entity, { groupBy: report.groupBy ?? [], measures: report.measures, ...(report.filter ? { filter: report.filter } : {}) });
  for (const p of queryProblems) add(p.pointer.startsWith('/filter') ? 'META_FILTER' : 'META_UNKNOWN_FIELD', pathOf(p.pointer), p.message);
  if (!query) return problems;
  const groups = query.groupBy.length;
  if (report.type === 'pivot' && groups < 2) add('META_FIELD_KIND', ['type'], 'a pivot needs two or three groups: rows, then columns');
  if (['bar', 'line', 'pie'].includes(report.type) && (groups < 1 || groups > 2)) add('META_FIELD_KIND', ['type'], `a ${report.type} chart needs one or two groups (categories, then series)`);
  if (report.type === 'pie' && groups !== 1) add('META_FIELD_KIND', ['type'], 'a pie chart needs one group');
  if (report.type === 'funnel' && (groups < 1 || !entity.machines.has(query.groupBy[0]!.field))) add('META_FIELD_KIND', ['type'], 'a funnel groups first by the stage field of a pipeline');
  checkParameters(report, entity, add);
  if (report.indexed) {
    const fields = report.parameters?.period ? reportIndexFields(report, entity) : null;
    if (!report.parameters?.period) add('META_FIELD_KIND', ['indexed'], 'an indexed report needs parameters.period: the field its index is keyed by');
    // Well inside PostgreSQL's 32 columns per index (INDEX_MAX_KEYS), stored ones included; money takes two.
    else if (fields && fields.stored.length + 1 > 16) add('META_FIELD_KIND', ['indexed'], `an indexed report reads ${fields.stored.length + 1} fields; an index holds at most 16 of them`);
    else if (fields) {
      // An index entry holds at most about 2.7 kB: a long text stored in it would make saving its record fail.
      const unbounded = [fields.key, ...fields.stored].filter((name) => ['text', 'json'].includes(entity.fieldsByName.get(name)?.type ?? ''));
      if (unbounded.length) add('META_FIELD_KIND', ['indexed'], `an indexed report cannot store text or json fields (no length limit): ${unbounded.join(', ')}`);
    }
  }
  if (report.capacity) {
    const people = model.entities.get(report.capacity.entity);
    if (!people) add('META_UNKNOWN_ENTITY', ['capacity', 'entity'], `unknown entity type "${report.capacity.entity}"`);
    else {
      const user = people.fieldsByName.get(report.capacity.userField);
      if (!user || user.type !== 'reference' || user.target !== 'user') add('META_FIELD_KIND', ['capacity', 'userField'], `"${report.capacity.userField}" is not a reference to users of ${people.name}`);
      const hours = people.fieldsByName.get(report.capacity.hoursField);
      if (!hours || !['decimal', 'integer'].includes(hours.type)) add('META_FIELD_KIND', ['capacity', 'hoursField'], `"${report.capacity.hoursField}" is not a number field of ${people.name}`);
    }
    const [first, second] = query.groupBy;
    if (first?.kind !== 'user' || second?.bucket !== 'day') add('META_FIELD_KIND', ['capacity'], 'a capacity report groups by a user, then by day');
  }
  return problems;
}

function checkParameters(report: Report, entity: EntityModel, add: (code: MetadataErrorCode, path: readonly (string | number)[], message: string) => void): void {
  const { period, owner, campaign } = report.parameters ?? {};
  if (period !== undefined) {
    const type = entity.fieldsByName.get(period)?.type ?? (['created_at', 'updated_at'].includes(period) ? 'datetime' : undefined);
    if (type !== 'date' && type !== 'datetime') add('META_FIELD_KIND', ['parameters', 'period'], `"${period}" is not a date or datetime field of ${entity.name}`);
  }
  if (owner !== undefined && owner !== 'owner') {
    const field = entity.fieldsByName.get(owner);
    if (!field || field.type !== 'reference') add('META_FIELD_KIND', ['parameters', 'owner'], `"${owner}" is not a reference field of ${entity.name}`);
  }
  if (campaign !== undefined) {
    const field = entity.fieldsByName.get(campaign);
    if (!field || field.type !== 'reference') add('META_FIELD_KIND', ['parameters', 'campaign'], `"${campaign}" is not a reference field of ${entity.name}`);
  }
}

export function dashboardProblems(dashboard: Dashboard, model: Model): ItemProblem[] {
  const problems: ItemProblem[] = [];
  const reports = new Set(model.pkg.reports.map((r) => r.name));
  const roles = new Set(model.roles.map((r) => r.name));
  dashboard.widgets.forEach((w, i) => {
    if (!reports.has(w.report)) problems.push({ code: 'META_UNKNOWN_FIELD', id: dashboard.id, path: ['widgets', i, 'report'], message: `unknown report "${w.report}"` });
  });
  dashboard.roles?.forEach((r, i) => {
    if (!roles.has(r)) problems.push({ code: 'META_UNKNOWN_FIELD', id: dashboard.id, path: ['roles', i], message: `unknown role "${r}"` });
  });
  return problems;
}
