// The CRM side of the sync: the owner's activities read as CalendarFields, and written back through
// the records service as the owner (their rights, the audit names them). Attendees become the
// activity's person link where a person's e-mail matches.
import type { Knex } from 'knex';
import type { Actor, RecordService } from '../../engine/connectors/index.ts';
import type { CalendarFields, Priority, Reminder } from './activity-ical.ts';

export interface ActivityRow {
  readonly id: string;
  readonly version: number;
  readonly kind: string;
  readonly updatedAt: string | null;
  readonly fields: CalendarFields;
}

export interface ActivityStore {
  /** Live activities assigned to the owner, of these kinds. */
  listOwn(kinds: readonly string[]): Promise<ActivityRow[]>;
  /** One activity if it is live and still the owner's; null otherwise. */
  get(id: string, trx?: Knex.Transaction): Promise<ActivityRow | null>;
  create(kind: string, fields: CalendarFields, trx: Knex.Transaction): Promise<{ id: string; version: number }>;
  update(id: string, kind: string, version: number, changes: Partial<CalendarFields>, trx?: Knex.Transaction): Promise<number>;
  remove(id: string, trx?: Knex.Transaction): Promise<void>;
  /** A visible note on the activity (a comment by the platform). */
  note(id: string, text: string): Promise<void>;
  readonly kinds: ReadonlySet<string>;
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
const PRIORITIES: ReadonlySet<string> = new Set(['low', 'normal', 'high', 'urgent']);
const REMINDERS: ReadonlySet<string> = new Set(['at_deadline', 'one_day_before', 'two_days_before', 'three_days_before']);

export function activityStore(options: { knex: Knex; records: RecordService; actor: Actor; owner: string }): ActivityStore {
  const { knex, records, actor, owner } = options;
  const model = records.runtime.snapshot.model;
  const activity = model.entities.get('activity');
  const columns = new Set((activity?.fields ?? []).map((f) => f.name));
  const kindField = activity?.fields.find((f) => f.name === 'kind');
  const kinds = new Set(kindField && 'values' in kindField ? (kindField.values ?? []).map((v) => v.value) : []);
  const person = model.entities.get('person');
  const personEmail = columns.has('person') && person?.fields.some((f) => f.name === 'email') ? 'email' : null;
  const has = (name: string) => columns.has(name);
  // A kind-specific field (a meeting's location) is written only on activities of its kinds.
  const kindSpecific = new Set([...(activity?.kindFields?.values() ?? [])].flatMap((set) => [...set]));
  const allowed = (name: string, kind: string) => has(name) && (!kindSpecific.has(name) || activity?.kindFields?.get(kind)?.has(name) === true);
  const SELECT = ['id', 'version', 'kind', 'updated_at', 'subject', 'description', 'start_at', 'end_at', 'deadline', 'status', 'percent_done', 'priority', ...['location', 'reminder', 'person'].filter(has)];

  const emailsOf = async (db: Knex | Knex.Transaction, personIds: readonly string[]): Promise<Map<string, string>> => {
    if (!personEmail || personIds.length === 0) return new Map();
    const rows = (await db('public.person').whereIn('id', personIds).whereNotNull(personEmail).select('id', personEmail)) as Record<string, unknown>[];
    return new Map(rows.map((r) => [String(r.id), String(r[personEmail]).toLowerCase()]));
  };
  const personBy = async (db: Knex | Knex.Transaction, emails: readonly string[]): Promise<string | null> => {
    if (!personEmail || emails.length === 0) return null;
    const row = (await db('public.person').whereNull('deleted_at').whereRaw(`lower(${personEmail}) = ANY(?)`, [[...emails]]).orderBy('created_at').first('id')) as { id: string } | undefined;
    return row?.id ?? null;
  };

  const toRows = async (db: Knex | Knex.Transaction, raw: Record<string, unknown>[]): Promise<ActivityRow[]> => {
    const emails = await emailsOf(db, raw.map((r) => r.person).filter((p): p is string => typeof p === 'string'));
    return raw.map((r) => {
      const email = typeof r.person === 'string' ? emails.get(r.person) : undefined;
      return {
        id: String(r.id),
        version: Number(r.version),
        kind: String(r.kind),
        updatedAt: iso(r.updated_at),
        fields: {
          subject: String(r.subject ?? ''),
          description: (r.description as string | null) ?? null,
          location: has('location') ? ((r.location as string | null) ?? null) : null,
          start_at: iso(r.start_at),
          end_at: iso(r.end_at),
          deadline: iso(r.deadline),
          status: r.status === 'resolved' || r.status === 'cancelled' ? r.status : 'open',
          percent_done: r.percent_done === null || r.percent_done === undefined ? null : Number(r.percent_done),
          priority: PRIORITIES.has(String(r.priority)) ? (r.priority as Priority) : 'normal',
          reminder: has('reminder') && REMINDERS.has(String(r.reminder)) ? (r.reminder as Reminder) : null,
          attendees: email ? [email] : [],
        },
      };
    });
  };

  /** Activity values of (some of) the synced fields. */
  const valuesOf = async (db: Knex | Knex.Transaction, changes: Partial<CalendarFields>, kind: string): Promise<Record<string, unknown>> => {
    const values: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(changes)) {
      if (name === 'attendees') {
        if (has('person')) values.person = await personBy(db, value as string[]);
      } else if (allowed(name, kind)) values[name] = name === 'subject' ? String(value || '—').slice(0, 300) : value;
    }
    return values;
  };

  return {
    kinds,
    async listOwn(wanted) {
      const usable = wanted.filter((k) => kinds.has(k));
      if (usable.length === 0) return [];
      const raw = (await knex('public.activity').where({ assignee: owner }).whereIn('kind', usable).whereNull('deleted_at').select(SELECT)) as Record<string, unknown>[];
      return toRows(knex, raw);
    },
    async get(id, trx) {
      const db = trx ?? knex;
      const raw = (await db('public.activity').where({ id, assignee: owner }).whereNull('deleted_at').select(SELECT)) as Record<string, unknown>[];
      return (await toRows(db, raw))[0] ?? null;
    },
    async create(kind, fields, trx) {
      const values = await valuesOf(trx, fields, kind);
      const made = await records.create({ actor, trx }, 'activity', { ...values, kind, assignee: owner });
      return { id: String(made.id), version: Number(made.version) };
    },
    async update(id, kind, version, changes, trx) {
      const values = await valuesOf(trx ?? knex, changes, kind);
      if (Object.keys(values).length === 0) return version;
      const updated = await records.update({ actor, ...(trx ? { trx } : {}) }, 'activity', id, values, { expectedVersion: version });
      return Number(updated.version);
    },
    async remove(id, trx) {
      await records.remove({ actor, ...(trx ? { trx } : {}) }, 'activity', id);
    },
    async note(id, text) {
      await knex('tessera.comments').insert({ entity: 'activity', record_id: id, author: null, body: text.slice(0, 10_000) });
    },
  };
}
