// The activity model shared by every activity kind (task, event, call, meeting, e-mail, note…).
// Its common fields are the platform's; the package adds kinds (with kind-specific fields) and
// chooses which entity types activities link to (`"activities": true`). All kinds live in one
// table, so one query lists everything done with or for a contractor, across kinds.
import type { ActivityKind, EntityType, Field } from './schema/types.generated.ts';

export const ACTIVITY_ENTITY = 'activity';

const label = (en: string, pl: string, ro: string) => ({ en, pl, ro });

/**
 * The level of the platform's own part of the schema (the activity table's common fields and
 * indexes). It goes up whenever the platform adds one; every applied metadata version records the
 * level it was applied at, so the migration of a database applied at a lower level adds what came
 * since (engine/schema-sync: on start, and with the next package applied).
 */
export const PLATFORM_LEVEL = 3;

/** Platform fields and indexes (stable ids) that came after level 1, with the level that brought them. */
export const PLATFORM_ADDITIONS: ReadonlyMap<string, number> = new Map([
  ['platform.activity.team', 2],
  ['platform.activity.ix.team_status', 2],
]);

/** Stable id prefix of the timeline index of each entity type activities link to (level 3). */
const TIMELINE_INDEX = 'platform.activity.ix.timeline.';
const TIMELINE_INDEX_LEVEL = 3;

/** Whether a platform field or index (by stable id) exists at this platform level. */
export const atPlatformLevel = (id: string, level: number): boolean =>
  (id.startsWith(TIMELINE_INDEX) ? TIMELINE_INDEX_LEVEL : (PLATFORM_ADDITIONS.get(id) ?? 1)) <= level;

/** Common activity fields, in form order. Stable ids are fixed forever. */
export const ACTIVITY_COMMON_FIELDS: readonly Field[] = [
  { id: 'platform.activity.subject', name: 'subject', type: 'string', maxLength: 300, required: true, searchable: true, label: label('Subject', 'Temat', 'Subiect') },
  { id: 'platform.activity.status', name: 'status', type: 'enum', required: true, default: 'open', indexed: true, label: label('Status', 'Status', 'Stare'),
    values: [
      { value: 'open', label: label('Open', 'Otwarte', 'Deschis'), color: '#2563eb' },
      { value: 'resolved', label: label('Resolved', 'Zrealizowane', 'Rezolvat'), color: '#16a34a' },
      { value: 'cancelled', label: label('Cancelled', 'Anulowane', 'Anulat'), color: '#6b7280' },
    ] },
  { id: 'platform.activity.priority', name: 'priority', type: 'enum', required: true, default: 'normal', label: label('Priority', 'Priorytet', 'Prioritate'),
    values: [
      { value: 'low', label: label('Low', 'Niski', 'Scăzută'), color: '#6b7280' },
      { value: 'normal', label: label('Normal', 'Normalny', 'Normală'), color: '#2563eb' },
      { value: 'high', label: label('High', 'Wysoki', 'Ridicată'), color: '#ea580c' },
      { value: 'urgent', label: label('Urgent', 'Pilny', 'Urgentă'), color: '#dc2626' },
    ] },
  { id: 'platform.activity.assignee', name: 'assignee', type: 'reference', target: 'user', onDelete: 'setNull', label: label('Assignee', 'Wykonawca', 'Executant') },
  { id: 'platform.activity.team', name: 'team', type: 'reference', target: 'team', onDelete: 'setNull', label: label('Team', 'Zespół', 'Echipă') },
  { id: 'platform.activity.start_at', name: 'start_at', type: 'datetime', indexed: true, label: label('Start', 'Początek', 'Început') },
  { id: 'platform.activity.end_at', name: 'end_at', type: 'datetime', label: label('End', 'Koniec', 'Sfârșit') },
  { id: 'platform.activity.deadline', name: 'deadline', type: 'datetime', indexed: true, label: label('Deadline', 'Termin', 'Termen') },
  { id: 'platform.activity.percent_done', name: 'percent_done', type: 'percent', default: 0, label: label('% done', '% wykonania', '% realizat') },
  { id: 'platform.activity.resolved_at', name: 'resolved_at', type: 'datetime', readOnly: true, label: label('Resolved at', 'Data realizacji', 'Rezolvat la') },
  { id: 'platform.activity.parent', name: 'parent', type: 'reference', target: ACTIVITY_ENTITY, onDelete: 'cascade', label: label('Main task', 'Zadanie główne', 'Sarcină principală') },
  { id: 'platform.activity.description', name: 'description', type: 'text', searchable: true, label: label('Description', 'Opis', 'Descriere') },
  { id: 'platform.activity.resolution', name: 'resolution', type: 'text', label: label('Resolution', 'Rozwiązanie', 'Rezolvare') },
];

export const ACTIVITY_COMMON_FIELD_NAMES: ReadonlySet<string> = new Set(['kind', ...ACTIVITY_COMMON_FIELDS.map((f) => f.name)]);

/**
 * Builds the activity entity type: common fields, a `kind` enum over the package's kinds, one link
 * per entity type that accepts activities, and the union of kind-specific fields (a field name shared
 * by several kinds is one column; validation guarantees their definitions agree).
 */
export function activityEntity(kinds: readonly ActivityKind[], linkedEntities: readonly EntityType[]): EntityType {
  const kindField: Field = {
    id: 'platform.activity.kind',
    name: 'kind',
    type: 'enum',
    required: true,
    indexed: true,
    label: label('Kind', 'Rodzaj', 'Tip'),
    values: kinds.map((k) => ({ id: k.id, value: k.name, label: k.label, ...(k.color ? { color: k.color } : {}) })),
  };
  const links: Field[] = linkedEntities.map((entity) => ({
    id: `platform.activity.link.${entity.id}`,
    name: entity.name,
    type: 'reference',
    target: entity.name,
    onDelete: 'cascade',
    label: entity.label,
  }));
  const kindFields = new Map<string, Field>();
  for (const kind of kinds) for (const field of kind.fields ?? []) if (!kindFields.has(field.name)) kindFields.set(field.name, field);
  return {
    kind: 'entity',
    id: 'platform.activity',
    name: ACTIVITY_ENTITY,
    label: label('Activity', 'Czynność', 'Activitate'),
    pluralLabel: label('Activities', 'Czynności', 'Activități'),
    module: 'activities',
    displayField: 'subject',
    defaultSort: [{ field: 'created_at', direction: 'desc' }],
    fields: [kindField, ...ACTIVITY_COMMON_FIELDS, ...links, ...kindFields.values()],
    indexes: [
      { id: 'platform.activity.ix.assignee_status', fields: ['assignee', 'status'] },
      // A team's open tasks (its queue in "my tasks").
      { id: 'platform.activity.ix.team_status', fields: ['team', 'status'] },
      // A record's timeline (records.timeline: its activities, newest first): the first page is read
      // from the index in order instead of sorting every activity the record has. Over every row (not
      // live only), it stands in for the link's foreign key index (metadata/physical.ts).
      ...linkedEntities.map((entity) => ({ id: `${TIMELINE_INDEX}${entity.id}`, fields: [entity.name], sort: ['-created_at'] })),
    ],
  };
}
