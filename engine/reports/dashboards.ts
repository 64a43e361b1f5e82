// Dashboards a user opens: those their roles get from metadata (kind "dashboard") and their own one
// (tessera.user_dashboards, migration 030), built from the package's reports. What a widget shows
// is computed by the aggregate API with the user's rights; a dashboard only names reports.
import type { Knex } from 'knex';
import { DASHBOARD_FILTERS, type Dashboard, type DashboardFilter, type DashboardView, type DashboardWidget } from '../../metadata/index.ts';
import type { Access } from '../access/index.ts';
import { TesseraError, type Problem } from '../errors.ts';
import type { LiveMetadata } from '../records/index.ts';

const WIDGET_TYPES = ['table', 'pivot', 'bar', 'line', 'pie', 'funnel'] as const;
export const MAX_WIDGETS = 24;
/** The name of a user's own dashboard among the others. */
export const OWN_DASHBOARD = 'mine';

export { DASHBOARD_FILTERS, type DashboardFilter, type DashboardView };

interface OwnDefinition {
  readonly widgets: readonly DashboardWidget[];
  readonly filters: readonly DashboardFilter[];
}

const invalid = (problems: Problem[]) => new TesseraError('VALIDATION_FAILED', `invalid dashboard: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class Dashboards {
  readonly #knex: Knex;
  readonly #runtime: LiveMetadata;

  constructor(knex: Knex, runtime: LiveMetadata) {
    this.#knex = knex;
    this.#runtime = runtime;
  }

  /** The dashboards of the user's roles (all of them for an administrator), then their own, the default first. */
  async list(access: Access): Promise<DashboardView[]> {
    const subject = access.subject;
    const roles = new Set(subject?.roles ?? []);
    const declared = this.#runtime.snapshot.model.pkg.dashboards.filter((d: Dashboard) => access.unrestricted || subject?.admin || !d.roles?.length || d.roles.some((r) => roles.has(r)));
    // A role's default wins only for the users of that role; an administrator's is the first declared default.
    const defaultOf = declared.find((d) => d.default && (d.roles ?? []).some((r) => roles.has(r))) ?? declared.find((d) => d.default) ?? declared[0];
    const views: DashboardView[] = declared.map((d) => ({ name: d.name, label: d.label, source: 'role', default: d === defaultOf, filters: d.filters ?? [], widgets: d.widgets }));
    const own = subject ? await this.#own(subject.userId) : null;
    if (own) views.push({ name: OWN_DASHBOARD, source: 'user', default: false, ...own });
    return views.sort((a, b) => Number(b.default) - Number(a.default));
  }

  async #own(userId: string): Promise<OwnDefinition | null> {
    const row = (await this.#knex('tessera.user_dashboards').where({ user_id: userId }).first('definition')) as { definition: OwnDefinition } | undefined;
    if (!row) return null;
    // Reports removed from the metadata since it was saved are left out.
    const reports = new Set(this.#runtime.snapshot.model.pkg.reports.map((r) => r.name));
    return { filters: row.definition.filters, widgets: row.definition.widgets.filter((w) => reports.has(w.report)) };
  }

  /** Saves the user's own dashboard: widgets naming reports of the package, and the filters it offers. */
  async saveOwn(access: Access, body: unknown): Promise<DashboardView> {
    if (!access.subject) throw new TesseraError('UNAUTHENTICATED', 'sign in to keep a dashboard of your own');
    const definition = this.#check(body);
    await this.#knex.raw(
      `INSERT INTO tessera.user_dashboards (user_id, definition) VALUES (?, ?::jsonb)
       ON CONFLICT (user_id) DO UPDATE SET definition = EXCLUDED.definition, updated_at = now()`,
      [access.subject.userId, JSON.stringify(definition)],
    );
    return { name: OWN_DASHBOARD, source: 'user', default: false, ...definition };
  }

  async removeOwn(access: Access): Promise<void> {
    if (!access.subject) throw new TesseraError('UNAUTHENTICATED', 'sign in to keep a dashboard of your own');
    await this.#knex('tessera.user_dashboards').where({ user_id: access.subject.userId }).delete();
  }

  #check(body: unknown): OwnDefinition {
    const problems: Problem[] = [];
    if (!isObject(body)) throw invalid([{ pointer: '', detail: 'must be an object with widgets and filters' }]);
    for (const key of Object.keys(body)) if (key !== 'widgets' && key !== 'filters') problems.push({ pointer: `/${key}`, detail: 'unknown property' });
    const reports = new Set(this.#runtime.snapshot.model.pkg.reports.map((r) => r.name));
    const widgets: DashboardWidget[] = [];
    if (!Array.isArray(body.widgets) || body.widgets.length === 0 || body.widgets.length > MAX_WIDGETS) problems.push({ pointer: '/widgets', detail: `must be a list of 1 to ${MAX_WIDGETS} widgets` });
    else
      body.widgets.forEach((w: unknown, i) => {
        if (!isObject(w) || typeof w.report !== 'string') return problems.push({ pointer: `/widgets/${i}/report`, detail: 'must name a report' });
        if (!reports.has(w.report)) problems.push({ pointer: `/widgets/${i}/report`, detail: `unknown report "${w.report}"` });
        if (w.type !== undefined && !(WIDGET_TYPES as readonly unknown[]).includes(w.type)) problems.push({ pointer: `/widgets/${i}/type`, detail: `must be one of ${WIDGET_TYPES.join(', ')}` });
        if (w.wide !== undefined && typeof w.wide !== 'boolean') problems.push({ pointer: `/widgets/${i}/wide`, detail: 'must be true or false' });
        for (const key of Object.keys(w)) if (!['report', 'type', 'wide'].includes(key)) problems.push({ pointer: `/widgets/${i}/${key}`, detail: 'unknown property' });
        widgets.push({ report: w.report, ...(typeof w.type === 'string' ? { type: w.type as DashboardWidget['type'] & string } : {}), ...(w.wide === true ? { wide: true } : {}) });
      });
    const filters = body.filters ?? [];
    if (!Array.isArray(filters) || !filters.every((f) => (DASHBOARD_FILTERS as readonly unknown[]).includes(f))) problems.push({ pointer: '/filters', detail: `must be a list of ${DASHBOARD_FILTERS.join(', ')}` });
    if (problems.length) throw invalid(problems);
    return { widgets, filters: [...new Set(filters as DashboardFilter[])] };
  }
}
