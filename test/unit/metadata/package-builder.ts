// Small metadata packages built in code for the metadata unit tests. Every helper returns fresh
// objects, so a test may change what it gets without affecting another test.
import {
  physicalSchema,
  validatePackage,
  formatMetadataError,
  type ActivityKind,
  type EntityModel,
  type EntityType,
  type EnumValue,
  type Field,
  type Label,
  type MetadataError,
  type MetadataItem,
  type Model,
  type PackageFiles,
  type PhysicalSchema,
  type PhysicalTable,
  type PhysicalColumn,
  type Pipeline,
  type Role,
  type Stage,
  type State,
  type StatusMachine,
  type Transition,
  type Trigger,
  type View,
} from '../../../metadata/index.ts';

export const MANIFEST = { kind: 'manifest', name: 'test-package', version: '1.0.0', defaultCurrency: 'PLN', currencies: ['PLN', 'EUR', 'RON'] } as const;

export const label = (en: string): Label => ({ en });

type FieldType = Field['type'];
type FieldOf<T extends FieldType> = Extract<Field, { type: T }>;
/** Everything of a field but its type and name; id and label default from the name. */
export type FieldExtra<T extends FieldType> = Partial<Omit<FieldOf<T>, 'type' | 'name'>>;

/** A field; its id defaults to `f.<name>` and its label to its name. */
export function field<T extends FieldType>(type: T, name: string, extra: FieldExtra<T> = {}): FieldOf<T> {
  return { id: `f.${name}`, label: label(name), ...extra, name, type } as FieldOf<T>;
}

/** Enum values with ids `v.<value>`. */
export function values(...names: string[]): EnumValue[] {
  return names.map((value) => ({ id: `v.${value}`, value, label: label(value) }));
}

export function entity(name: string, fields: Field[], extra: Partial<Omit<EntityType, 'kind' | 'name' | 'fields'>> = {}): EntityType {
  return { kind: 'entity', id: `e.${name}`, label: label(name), ...extra, name, fields };
}

export function activityKind(name: string, fields: Field[] = [], extra: Partial<Omit<ActivityKind, 'kind' | 'name' | 'fields'>> = {}): ActivityKind {
  return { kind: 'activityKind', id: `k.${name}`, label: label(name), ...extra, name, ...(fields.length ? { fields } : {}) };
}

export function stage(name: string, category: Stage['category'] = 'open', extra: Partial<Stage> = {}): Stage {
  return { id: `s.${name}`, label: label(name), category, ...extra, name };
}

export function state(name: string, extra: Partial<State> = {}): State {
  return { id: `s.${name}`, label: label(name), ...extra, name };
}

export function pipeline(name: string, target: { entity: string; field: string }, stages: Stage[], extra: Partial<Omit<Pipeline, 'kind' | 'name'>> = {}): Pipeline {
  return { kind: 'pipeline', id: `p.${name}`, label: label(name), ...target, stages, ...extra, name };
}

export function statusMachine(
  name: string,
  target: { entity: string; field: string },
  states: State[],
  transitions: Transition[],
  extra: Partial<Omit<StatusMachine, 'kind' | 'name'>> = {},
): StatusMachine {
  return { kind: 'statusMachine', id: `m.${name}`, label: label(name), ...target, states, transitions, ...extra, name };
}

export function view(name: string, entityName: string, extra: Partial<Omit<View, 'kind' | 'name' | 'entity'>> = {}): View {
  return { kind: 'view', id: `w.${entityName}.${name}`, label: label(name), ...extra, name, entity: entityName };
}

export function role(name: string, extra: Partial<Omit<Role, 'kind' | 'name'>> = {}): Role {
  return { kind: 'role', id: `r.${name}`, label: label(name), ...extra, name };
}

export function trigger(name: string, entityName: string, on: Trigger['on'], extra: Partial<Omit<Trigger, 'kind' | 'name' | 'entity' | 'on'>> = {}): Trigger {
  return { kind: 'trigger', id: `t.${name}`, label: label(name), ...extra, name, entity: entityName, on };
}

const FOLDERS: Record<Exclude<MetadataItem['kind'], 'manifest'>, string> = {
  entity: 'entities',
  activityKind: 'activity-kinds',
  pipeline: 'pipelines',
  statusMachine: 'status-machines',
  view: 'views',
  role: 'roles',
  trigger: 'triggers',
  documentTemplate: 'templates',
  report: 'reports',
  dashboard: 'dashboards',
};

/** The file an item gets in `packageOf` when no path is given: `<folder>/<name>.json`. */
export function fileFor(item: Exclude<MetadataItem, { kind: 'manifest' }>): string {
  return `${FOLDERS[item.kind]}/${item.kind === 'view' ? `${item.entity}.${item.name}` : item.name}.json`;
}

/**
 * A package: the manifest plus the items, each in its own file. An entry may be `[path, content]`
 * to choose the file or to pass raw (possibly invalid) content.
 */
export function packageOf(...entries: (Exclude<MetadataItem, { kind: 'manifest' }> | readonly [string, unknown])[]): PackageFiles {
  const files: Record<string, unknown> = { 'tessera.json': { ...MANIFEST, currencies: [...MANIFEST.currencies] } };
  for (const entry of entries) {
    const [path, content] = Array.isArray(entry) ? (entry as readonly [string, unknown]) : [fileFor(entry as Exclude<MetadataItem, { kind: 'manifest' }>), entry];
    if (path in files) throw new Error(`packageOf: ${path} given twice; pass [path, item] to choose another file`);
    files[path] = content;
  }
  return { files };
}

/** The resolved model of a package that must be valid (the test fails with the errors otherwise). */
export function modelOf(files: PackageFiles): Model {
  const result = validatePackage(files);
  if (!result.ok) throw new Error(`expected a valid package:\n${result.errors.map(formatMetadataError).join('\n')}`);
  return result.model;
}

/** The errors of a package that must be invalid. */
export function errorsOf(files: PackageFiles): readonly MetadataError[] {
  const result = validatePackage(files);
  if (result.ok) throw new Error('expected the package to be invalid, but it validated');
  return result.errors;
}

export function entityOf(model: Model, name: string): EntityModel {
  const found = model.entities.get(name);
  if (!found) throw new Error(`no entity type ${name} in the model`);
  return found;
}

export function physicalOf(files: PackageFiles): PhysicalSchema {
  return physicalSchema(modelOf(files));
}

export function tableOf(schema: PhysicalSchema, name: string): PhysicalTable {
  const found = schema.tables.find((t) => t.name === name);
  if (!found) throw new Error(`no table ${name}; tables: ${schema.tables.map((t) => t.name).join(', ')}`);
  return found;
}

export function columnOf(table: PhysicalTable, name: string): PhysicalColumn {
  const found = table.columns.find((c) => c.name === name);
  if (!found) throw new Error(`no column ${table.name}.${name}; columns: ${table.columns.map((c) => c.name).join(', ')}`);
  return found;
}

// ——— A small CRM: contractors with a NIP, persons, deals on a sales pipeline. ———

export function contractor(extraFields: Field[] = []): EntityType {
  return entity(
    'contractor',
    [
      field('string', 'name', { required: true, maxLength: 200, searchable: true }),
      field('taxId', 'nip', { unique: true, countries: ['PL'] }),
      field('enum', 'segment', { values: values('small', 'medium', 'large'), default: 'small' }),
      field('email', 'email'),
      ...extraFields,
    ],
    { activities: true, displayField: 'name' },
  );
}

export function person(): EntityType {
  return entity('person', [field('string', 'full_name', { required: true }), field('reference', 'employer', { target: 'contractor', onDelete: 'setNull' })], { activities: true });
}

export function deal(extraFields: Field[] = []): EntityType {
  return entity('deal', [
    field('string', 'title', { required: true }),
    field('reference', 'contractor', { target: 'contractor', required: true }),
    field('money', 'amount'),
    field('state', 'stage'),
    field('string', 'lost_reason'),
    ...extraFields,
  ]);
}

export function salesPipeline(extra: Partial<Omit<Pipeline, 'kind' | 'name'>> = {}): Pipeline {
  return pipeline(
    'sales',
    { entity: 'deal', field: 'stage' },
    [stage('new_opportunity'), stage('presentation'), stage('offering'), stage('negotiation'), stage('sale', 'won'), stage('lost', 'lost')],
    { amountField: 'amount', lostReasonField: 'lost_reason', ...extra },
  );
}

/** The CRM items: contractor, person, deal and the sales pipeline. */
export function crmItems(): Exclude<MetadataItem, { kind: 'manifest' }>[] {
  return [contractor(), person(), deal(), salesPipeline()];
}

export function crm(): PackageFiles {
  return packageOf(...crmItems());
}

/**
 * offer: an entity type with a field of every filterable kind (and a json and a many-to-many one),
 * its status on a machine, in a package with contractor and product. For filter and list tests.
 */
export function offerEntity(): EntityModel {
  const offer = entity('offer', [
    field('string', 'title', { searchable: true }),
    field('integer', 'qty'),
    field('decimal', 'discount'),
    field('money', 'total'),
    field('percent', 'margin'),
    field('boolean', 'signed'),
    field('date', 'valid_until'),
    field('datetime', 'sent_at'),
    field('enum', 'channel', { values: values('email', 'phone', 'visit') }),
    field('reference', 'contractor', { target: 'contractor' }),
    field('taxId', 'buyer_nip'),
    field('json', 'extra'),
    field('manyToMany', 'products', { target: 'product' }),
    field('state', 'status'),
  ]);
  const product = entity('product', [field('string', 'name')]);
  const machine = statusMachine('offer_status', { entity: 'offer', field: 'status' }, [state('draft'), state('sent'), state('accepted'), state('rejected')], [{ from: '*', to: 'sent' }]);
  return entityOf(modelOf(packageOf(contractor(), offer, product, machine)), 'offer');
}
