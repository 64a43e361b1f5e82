import { ACTIVITY_ENTITY, activityEntity } from './activity.ts';
import type { MetadataPackage } from './package.ts';
import type {
  ActivityKind,
  DuplicateRule,
  EntityType,
  ExclusionRule,
  RecordGuard,
  Field,
  FormSection,
  LayoutVariant,
  Index,
  Label,
  Numbering,
  ExchangeRate,
  Conversion,
  RecordAction,
  Pipeline,
  Pricing,
  Role,
  SortKey,
  StatusMachine,
  Transition,
  View,
} from './schema/types.generated.ts';

/** Reference target naming the platform's users table rather than an entity type. */
export const USER_TARGET = 'user';
/** Reference target naming the platform's teams table (tessera.teams). */
export const TEAM_TARGET = 'team';

/**
 * A platform table that reference fields may name as their target beside entity types: its table
 * in the platform schema and the identity the physical schema's foreign keys carry.
 */
export interface PlatformTarget {
  readonly name: typeof USER_TARGET | typeof TEAM_TARGET;
  readonly table: 'users' | 'teams';
  readonly identity: string;
}

export const PLATFORM_TARGETS: ReadonlyMap<string, PlatformTarget> = new Map(
  ([
    { name: USER_TARGET, table: 'users', identity: 'platform.users' },
    { name: TEAM_TARGET, table: 'teams', identity: 'platform.teams' },
  ] as const).map((t) => [t.name, t]),
);

/** The platform table a reference target names, or undefined for an entity type. */
export const platformTarget = (target: string): PlatformTarget | undefined => PLATFORM_TARGETS.get(target);

export type FieldType = Field['type'];

/** A state of a pipeline or status machine, with the attributes of both. */
export interface MachineState {
  readonly id: string;
  readonly name: string;
  readonly label: Label;
  readonly color?: string;
  readonly category: 'open' | 'won' | 'lost';
  readonly probability?: number;
  readonly potential?: string;
  readonly final: boolean;
  readonly requiredFields: readonly string[];
}

/** A pipeline or status machine, resolved: one shape, so one checker serves both. */
export interface MachineModel {
  readonly id: string;
  readonly name: string;
  readonly kind: 'pipeline' | 'statusMachine';
  readonly label: Label;
  readonly entity: string;
  readonly field: string;
  readonly states: readonly MachineState[];
  /** null: any state may follow any other. */
  readonly transitions: readonly Transition[] | null;
  readonly initial: readonly string[];
  readonly amountField?: string;
  readonly lostReasonField?: string;
  readonly lostCommentField?: string;
}

export interface EntityModel {
  readonly id: string;
  readonly name: string;
  readonly table: string;
  readonly label: Label;
  readonly pluralLabel: Label;
  readonly module?: string;
  readonly icon?: string;
  readonly fields: readonly Field[];
  readonly fieldsByName: ReadonlyMap<string, Field>;
  readonly displayField: string;
  readonly defaultSort: readonly SortKey[];
  readonly searchFields: readonly string[];
  readonly numbering?: Numbering;
  /** The central bank's rate filled on save (engine/exchange-rates/document-rate.ts). */
  readonly exchangeRate?: ExchangeRate;
  /** Declared conversions into other types (metadata/conversions.ts); empty when none. */
  readonly conversions: readonly Conversion[];
  /** Buttons of the record page: a conversion or a workflow; empty when none. */
  readonly actions: readonly RecordAction[];
  readonly indexes: readonly Index[];
  /** Duplicate rules (metadata/duplicates.ts); empty when none are declared. */
  readonly duplicates: readonly DuplicateRule[];
  /** Exclusion rules (metadata/exclusions.ts); empty when none are declared. */
  readonly exclusions: readonly ExclusionRule[];
  /** Guards checked on every save (engine/rules/guards.ts); empty when none are declared. */
  readonly guards: readonly RecordGuard[];
  readonly layout?: readonly FormSection[];
  /** Layouts of some roles' users (`layoutFor` picks one); empty when none. */
  readonly layoutVariants: readonly LayoutVariant[];
  /** Activities can link to records of this type. */
  readonly activities: boolean;
  /** Related records whose activities roll into this record's timeline (`timeline.include`). */
  readonly timelineIncludes: readonly TimelineInclude[];
  /** State field name → the machine bound to it. */
  readonly machines: ReadonlyMap<string, MachineModel>;
  /** Activity only: kind name → the kind-specific fields it accepts. */
  readonly kindFields?: ReadonlyMap<string, ReadonlySet<string>>;
  /** Activity only: kind name → the kind (its short form and defaults). */
  readonly kinds?: ReadonlyMap<string, ActivityKind>;
  readonly platform: boolean;
  /** A line type: the lines field of its parent type that owns its records, and its reference to the parent. */
  readonly lineOf?: LineOwner;
  /** A line type: how its lines get their price and discount from price lists (metadata/pricing.ts). */
  readonly pricing?: Pricing;
}

/** Activities of `from` records whose reference `via` points at the record show on its timeline. */
export interface TimelineInclude {
  readonly from: string;
  readonly via: string;
}

export interface LineOwner {
  readonly parent: string;
  readonly field: string;
  readonly parentField: string;
}

/** The resolved model the engine, forms and docs work from. */
export interface Model {
  readonly pkg: MetadataPackage;
  readonly entities: ReadonlyMap<string, EntityModel>;
  readonly machines: readonly MachineModel[];
  readonly activityKinds: readonly ActivityKind[];
  readonly views: readonly View[];
  readonly roles: readonly Role[];
}

export function machineFromPipeline(p: Pipeline): MachineModel {
  return {
    id: p.id,
    name: p.name,
    kind: 'pipeline',
    label: p.label,
    entity: p.entity,
    field: p.field,
    states: p.stages.map((s) => ({
      id: s.id,
      name: s.name,
      label: s.label,
      ...(s.color ? { color: s.color } : {}),
      category: s.category,
      ...(s.probability !== undefined ? { probability: s.probability } : {}),
      ...(s.potential ? { potential: s.potential } : {}),
      final: s.category !== 'open',
      requiredFields: s.requiredFields ?? [],
    })),
    transitions: p.transitions ?? null,
    initial: p.stages.filter((s) => s.category === 'open').map((s) => s.name),
    ...(p.amountField ? { amountField: p.amountField } : {}),
    ...(p.lostReasonField ? { lostReasonField: p.lostReasonField } : {}),
    ...(p.lostCommentField ? { lostCommentField: p.lostCommentField } : {}),
  };
}

export function machineFromStatusMachine(m: StatusMachine): MachineModel {
  return {
    id: m.id,
    name: m.name,
    kind: 'statusMachine',
    label: m.label,
    entity: m.entity,
    field: m.field,
    states: m.states.map((s) => ({
      id: s.id,
      name: s.name,
      label: s.label,
      ...(s.color ? { color: s.color } : {}),
      category: 'open',
      final: s.final ?? false,
      requiredFields: s.requiredFields ?? [],
    })),
    transitions: m.transitions,
    initial: m.initial ?? [m.states[0]!.name],
  };
}

function entityModel(entity: EntityType, machines: readonly MachineModel[], platform: boolean, kinds?: readonly ActivityKind[], lineOf?: LineOwner): EntityModel {
  const fieldsByName = new Map(entity.fields.map((f) => [f.name, f]));
  const firstText = entity.fields.find((f) => f.type === 'string' || f.type === 'text');
  const displayField = entity.displayField ?? firstText?.name ?? 'id';
  const searchFields = entity.fields.filter((f) => 'searchable' in f && f.searchable).map((f) => f.name);
  if (searchFields.length === 0 && fieldsByName.has(displayField)) searchFields.push(displayField);
  const bound = new Map(machines.filter((m) => m.entity === entity.name).map((m) => [m.field, m]));
  return {
    id: entity.id,
    name: entity.name,
    table: entity.name,
    label: entity.label,
    pluralLabel: entity.pluralLabel ?? entity.label,
    ...(entity.module ? { module: entity.module } : {}),
    ...(entity.icon ? { icon: entity.icon } : {}),
    fields: entity.fields,
    fieldsByName,
    displayField,
    defaultSort: entity.defaultSort ?? [{ field: 'created_at', direction: 'desc' }],
    searchFields,
    ...(entity.numbering ? { numbering: entity.numbering } : {}),
    ...(entity.exchangeRate ? { exchangeRate: entity.exchangeRate } : {}),
    conversions: entity.conversions ?? [],
    actions: entity.actions ?? [],
    indexes: entity.indexes ?? [],
    duplicates: entity.duplicates ?? [],
    exclusions: entity.exclusions ?? [],
    guards: entity.guards ?? [],
    ...(entity.layout ? { layout: entity.layout } : {}),
    layoutVariants: entity.layoutVariants ?? [],
    activities: entity.activities ?? false,
    timelineIncludes: entity.timeline?.include ?? [],
    machines: bound,
    ...(kinds ? { kindFields: new Map(kinds.map((k) => [k.name, new Set((k.fields ?? []).map((f) => f.name))])), kinds: new Map(kinds.map((k) => [k.name, k])) } : {}),
    platform,
    ...(lineOf ? { lineOf } : {}),
    ...(entity.pricing ? { pricing: entity.pricing } : {}),
  };
}

/** Resolves a validated package into the model (adds the platform's activity entity type). */
export function buildModel(pkg: MetadataPackage): Model {
  const machines = [...pkg.pipelines.map(machineFromPipeline), ...pkg.statusMachines.map(machineFromStatusMachine)];
  const entities = new Map<string, EntityModel>();
  const owners = new Map<string, LineOwner>();
  for (const entity of pkg.entities) {
    for (const f of entity.fields) if (f.type === 'lines' && !owners.has(f.target)) owners.set(f.target, { parent: entity.name, field: f.name, parentField: f.parentField });
  }
  for (const entity of pkg.entities) entities.set(entity.name, entityModel(entity, machines, false, undefined, owners.get(entity.name)));
  const activity = activityEntity(pkg.activityKinds, pkg.entities.filter((e) => e.activities));
  entities.set(ACTIVITY_ENTITY, entityModel(activity, machines, true, pkg.activityKinds));
  return { pkg, entities, machines, activityKinds: pkg.activityKinds, views: pkg.views, roles: pkg.roles };
}

/**
 * The fields an activity of `kind` has, in the entity's order: kind, the common fields, the links
 * and the kind's own fields (not those of other kinds). Null for other entity types or an unknown kind.
 */
export function fieldsOfKind(entity: EntityModel, kind: unknown): string[] | null {
  const own = typeof kind === 'string' ? entity.kindFields?.get(kind) : undefined;
  if (!entity.kindFields || !own) return null;
  const kindSpecific = new Set([...entity.kindFields.values()].flatMap((s) => [...s]));
  return entity.fields.map((f) => f.name).filter((name) => !kindSpecific.has(name) || own.has(name));
}

/** Machine states a record may move to from `from` (without guards). */
export function allowedTargets(machine: MachineModel, from: string): string[] {
  if (machine.transitions === null) return machine.states.map((s) => s.name).filter((s) => s !== from);
  const targets = new Set<string>();
  for (const t of machine.transitions) if (t.from === '*' || t.from.includes(from)) targets.add(t.to);
  targets.delete(from);
  return [...targets];
}

/** Transitions from → to (several may exist with different guards); empty when not allowed. */
export function transitionsBetween(machine: MachineModel, from: string, to: string): readonly Transition[] {
  if (machine.transitions === null) return from === to ? [] : [{ from: [from], to }];
  return machine.transitions.filter((t) => t.to === to && (t.from === '*' || t.from.includes(from)));
}

export function labelText(label: Label | undefined, language: 'en' | 'pl' | 'ro'): string {
  if (!label) return '';
  return label[language] ?? label.en;
}
