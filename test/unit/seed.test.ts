// The default CRM configuration (seed/): the metadata package must validate, and the demo data must
// be something the engine could actually load — right fields, right references, valid states, tax ids
// and values — and be a pure function of `today`. Problems are collected into lists so a failure
// names every offending record at once.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import {
  ACTIVITY_ENTITY,
  allowedTargets,
  checkTaxId,
  duplicateOperand,
  feelConditionHolds,
  formatMetadataError,
  loadPackageDir,
  recordInputSchema,
  postalCodeProblems,
  RECORD_FORMATS,
  transitionsBetween,
  USER_TARGET,
  validatePackage,
  type EntityModel,
  type MachineModel,
  type Model,
  type PackageFiles,
} from '../../metadata/index.ts';
import { demoRecords, SEED_METADATA_DIR, type DemoRecord } from '../../seed/index.ts';
import { guardsOfSave } from '../../engine/rules/guards.ts';
import { guardHolds } from '../../engine/rules/lookups.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

const TODAY = '2025-06-15';

let files: PackageFiles;
let model: Model;
let records: DemoRecord[];

beforeAll(async () => {
  const loaded = await loadPackageDir(SEED_METADATA_DIR);
  expect(loaded.errors.map(formatMetadataError)).toEqual([]);
  files = loaded.package;
  const result = validatePackage(files);
  if (!result.ok) throw new Error(`seed package is invalid:\n${result.errors.map(formatMetadataError).join('\n')}`);
  model = result.model;
  records = demoRecords(TODAY);
});

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isRef = (v: unknown): v is { $ref: string; role?: unknown } => isObj(v) && typeof v.$ref === 'string';
const isUser = (v: unknown): v is { $user: string } => isObj(v) && typeof v.$user === 'string';

function entityOf(name: string): EntityModel {
  const entity = model.entities.get(name);
  if (!entity) throw new Error(`unknown entity ${name}`);
  return entity;
}

/** Values as the engine would receive them: references resolved to (fake) record ids. */
function materialise(values: Readonly<Obj>, ids: ReadonlyMap<string, string>): Obj {
  const idOf = (ref: string) => ids.get(ref) ?? '00000000-0000-4000-8000-000000000000';
  const out: Obj = {};
  for (const [key, value] of Object.entries(values)) {
    if (isRef(value)) out[key] = idOf(value.$ref);
    else if (isUser(value)) out[key] = 'ffffffff-ffff-4fff-bfff-ffffffffffff';
    else if (Array.isArray(value) && value.every(isRef)) out[key] = value.map((v) => ({ id: idOf(v.$ref), ...(typeof v.role === 'string' ? { role: v.role } : {}) }));
    // Lines: each line's references resolved too.
    else if (Array.isArray(value) && value.every(isObj)) out[key] = value.map((line) => materialise(line, ids));
    else out[key] = value;
  }
  return out;
}

/**
 * FEEL context of a record as stored: every field present, null when empty. An absent key is not the
 * same as null in FEEL: a field named like a built-in (e.g. `product`) would resolve to the function.
 */
function feelContext(entity: EntityModel, values: Readonly<Obj>, ids: ReadonlyMap<string, string>): Obj {
  return { ...Object.fromEntries(entity.fields.map((f) => [f.name, null])), ...materialise(values, ids) };
}

function fakeIds(list: readonly DemoRecord[]): Map<string, string> {
  return new Map(list.map((r, i) => [r.ref, `00000000-0000-4000-8000-${(i + 1).toString(16).padStart(12, '0')}`]));
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

describe('seed metadata package', () => {
  test('loads and validates with zero errors', () => {
    const result = validatePackage(files);
    expect(result.ok ? [] : result.errors.map(formatMetadataError)).toEqual([]);
  });

  test('manifest: tessera-crm, Polish default, four currencies', () => {
    const manifest = model.pkg.manifest;
    expect(manifest.name).toBe('tessera-crm');
    expect(manifest.defaultLanguage).toBe('pl');
    expect(manifest.defaultCurrency).toBe('PLN');
    expect([...(manifest.currencies ?? [])].sort()).toEqual(['EUR', 'PLN', 'RON', 'USD']);
  });

  test('covers the entity types of the domain model', () => {
    const required = ['contractor', 'contractor_group', 'person', 'employee', 'business_unit', 'lead', 'deal', 'lost_reason', 'offer', 'product', 'project', 'budget_line',
      'campaign', 'device', 'service_order', 'complaint', 'rental', 'resource', 'reservation', 'contract', 'marketing_action'];
    expect(required.filter((name) => !model.entities.has(name))).toEqual([]);
    const withActivities = [...model.entities.values()].filter((e) => e.activities).map((e) => e.name).sort();
    expect(withActivities).toEqual(expect.arrayContaining(['campaign', 'contract', 'contractor', 'deal', 'lead', 'offer', 'person', 'project', 'service_order']));
  });

  test('every label, help text and guard message is in en, pl and ro', () => {
    const problems: string[] = [];
    const walk = (node: unknown, file: string, path: string): void => {
      if (Array.isArray(node)) return node.forEach((item, i) => walk(item, file, `${path}/${i}`));
      if (!isObj(node)) return;
      for (const [key, value] of Object.entries(node)) {
        if (['label', 'pluralLabel', 'help', 'guardMessage'].includes(key) && isObj(value)) {
          for (const lang of ['en', 'pl', 'ro']) if (typeof value[lang] !== 'string' || (value[lang] as string).trim() === '') problems.push(`${file}#${path}/${key} lacks ${lang}`);
        } else walk(value, file, `${path}/${key}`);
      }
    };
    for (const [file, item] of Object.entries(files.files)) walk(item, file, '');
    expect(problems).toEqual([]);
  });

  test('ids are namespaced under crm. and never reused (shared activity fields excepted)', () => {
    const seen = new Map<string, { file: string; json: string }>();
    const problems: string[] = [];
    const walk = (node: unknown, file: string): void => {
      if (Array.isArray(node)) return node.forEach((item) => walk(item, file));
      if (!isObj(node)) return;
      if (typeof node.id === 'string') {
        if (!node.id.startsWith('crm.')) problems.push(`${file}: id ${node.id} is not under crm.`);
        const json = JSON.stringify(node);
        const other = seen.get(node.id);
        // Kinds share a column by declaring the same field (same id) identically.
        const shared = other && other.json === json && file.startsWith('activity-kinds/') && other.file.startsWith('activity-kinds/');
        if (other && !shared) problems.push(`${file}: id ${node.id} is also used in ${other.file}`);
        if (!other) seen.set(node.id, { file, json });
      }
      for (const value of Object.values(node)) walk(value, file);
    };
    for (const [file, item] of Object.entries(files.files)) walk(item, file);
    expect(problems).toEqual([]);
    expect(seen.size).toBeGreaterThan(500);
  });

  test('the sales pipeline is the one of domain.md §3', () => {
    const sales = model.machines.find((m) => m.name === 'sales')!;
    expect(sales).toBeDefined();
    expect(sales.kind).toBe('pipeline');
    expect(sales.entity).toBe('deal');
    expect(sales.states.map((s) => [s.name, s.probability, s.potential ?? null, s.category])).toEqual([
      ['new', 0, 'zero', 'open'],
      ['presentation', 20, 'low', 'open'],
      ['offering', 40, 'medium', 'open'],
      ['negotiation', 70, 'high', 'open'],
      ['sale', 100, 'very_high', 'won'],
      ['lost', 0, null, 'lost'],
    ]);
    expect(sales.amountField).toBe('estimated_revenue');
    expect(sales.lostReasonField).toBe('lost_reason');
    expect(sales.states.find((s) => s.name === 'lost')!.requiredFields).toContain('lost_reason');
    // Lost from any open stage, forward moves, and a lost deal can be reopened.
    for (const open of ['new', 'presentation', 'offering', 'negotiation']) expect(allowedTargets(sales, open)).toEqual(expect.arrayContaining(['lost', 'sale']));
    expect(allowedTargets(sales, 'negotiation')).not.toContain('presentation');
    expect(allowedTargets(sales, 'lost')).toEqual(['new']);
    expect(allowedTargets(sales, 'sale')).toEqual([]);
  });

  test('a confirmed sales order is held to the contractor\'s credit limit (with its unpaid invoices), sales managers may override', () => {
    const order = entityOf('sales_order');
    const [guard] = order.guards;
    expect(guard).toMatchObject({ field: 'gross_total', overrideRoles: ['sales_manager'] });
    const lookups = { credit_limit: 10_000, unpaid_invoices: 4_000 };
    const holds = (values: Record<string, unknown>, read = lookups) => guardHolds(guard!.condition, values, null, read);
    expect(holds({ status: 'confirmed', gross_total: 6_500 })).toBe(false);
    expect(holds({ status: 'confirmed', gross_total: 6_000 })).toBe(true);
    expect(holds({ status: 'open', gross_total: 60_000 })).toBe(true);
    expect(holds({ status: 'confirmed', gross_total: 60_000 }, { credit_limit: null, unpaid_invoices: 0 } as never)).toBe(true);
    // Checked on confirming and on a change of the total or the contractor, not on a note.
    const confirmed = { status: 'confirmed', gross_total: 100, contractor: 'a', notes: null };
    expect(guardsOfSave(order, { ...confirmed, status: 'open' }, confirmed)).toHaveLength(1);
    expect(guardsOfSave(order, confirmed, { ...confirmed, gross_total: 200 })).toHaveLength(1);
    expect(guardsOfSave(order, confirmed, { ...confirmed, contractor: 'b' })).toHaveLength(1);
    expect(guardsOfSave(order, confirmed, { ...confirmed, notes: 'Rano' })).toHaveLength(0);
    expect(guardsOfSave(order, null, confirmed)).toHaveLength(1);
  });

  test('service orders cannot enter repair without a technician', () => {
    const machine = model.machines.find((m) => m.entity === 'service_order')!;
    expect(machine.states.map((s) => s.name)).toEqual(['received', 'in_repair', 'waiting_for_parts', 'ready', 'released', 'invoiced', 'cancelled']);
    const [start] = transitionsBetween(machine, 'received', 'in_repair');
    expect(start?.guard).toBeDefined();
    expect(feelConditionHolds(start!.guard!, { status: 'in_repair', technician: null })).toBe(false);
    expect(feelConditionHolds(start!.guard!, { status: 'in_repair', technician: '0b8f6a52-6f4e-4d7e-9a44-0d4f7c1f2a10' })).toBe(true);
    expect(allowedTargets(machine, 'received')).not.toContain('invoiced');
  });

  test('activity kinds of domain.md §2 with their rules', () => {
    const kinds = new Map(model.activityKinds.map((k) => [k.name, k]));
    expect([...kinds.keys()].sort()).toEqual(['call', 'email', 'event', 'letter', 'meeting', 'note', 'planned_contact', 'sms', 'task']);
    expect([...(kinds.get('note')!.requiresLink ?? [])].sort()).toEqual(['contractor', 'person']);
    expect([...kinds.values()].filter((k) => k.calendar).map((k) => k.name).sort()).toEqual(['call', 'event', 'meeting', 'planned_contact', 'task']);
    expect([...kinds.values()].filter((k) => !k.color).map((k) => k.name)).toEqual([]);
    const kindFields = entityOf(ACTIVITY_ENTITY).kindFields!;
    expect([...kindFields.get('call')!]).toEqual(expect.arrayContaining(['direction', 'duration_minutes']));
    expect([...kindFields.get('task')!]).toEqual(expect.arrayContaining(['billable', 'invoiced', 'estimated_value']));
    expect([...kindFields.get('email')!]).toEqual(expect.arrayContaining(['message_id', 'from_address', 'to_addresses']));
  });
});

describe('demo records', () => {
  test('refs are unique and every entity type exists', () => {
    const refs = records.map((r) => r.ref);
    expect(refs.filter((r, i) => refs.indexOf(r) !== i)).toEqual([]);
    expect(records.filter((r) => !model.entities.has(r.entity)).map((r) => `${r.ref}: ${r.entity}`)).toEqual([]);
  });

  test('references point to earlier records of the target type; users are the admin', () => {
    const earlier = new Map<string, string>();
    const problems: string[] = [];
    for (const record of records) {
      const entity = entityOf(record.entity);
      for (const [name, value] of Object.entries(record.values)) {
        const field = entity.fieldsByName.get(name);
        if (!field) continue; // reported by the schema test
        const check = (target: string, v: unknown, at: string) => {
          if (isUser(v)) {
            if (target !== USER_TARGET || v.$user !== 'admin') problems.push(`${at}: $user ${v.$user} for target ${target}`);
          } else if (isRef(v)) {
            const type = earlier.get(v.$ref);
            if (type === undefined) problems.push(`${at}: ${v.$ref} is not an earlier record`);
            else if (type !== target) problems.push(`${at}: ${v.$ref} is a ${type}, not a ${target}`);
          } else problems.push(`${at}: expected a reference, got ${JSON.stringify(v)}`);
        };
        if (field.type === 'reference') check(field.target, value, `${record.ref}.${name}`);
        else if (field.type === 'manyToMany') {
          if (!Array.isArray(value)) problems.push(`${record.ref}.${name}: many-to-many values are arrays`);
          else value.forEach((v, i) => check(field.target, v, `${record.ref}.${name}[${i}]`));
        } else if (isRef(value) || isUser(value)) problems.push(`${record.ref}.${name}: ${field.type} field holds a reference`);
      }
      earlier.set(record.ref, record.entity);
    }
    expect(problems).toEqual([]);
  });

  test('values satisfy the record schema derived from the field definitions', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    for (const [format, check] of Object.entries(RECORD_FORMATS)) ajv.addFormat(format, check);
    const validators = new Map([...model.entities.values()].map((e) => [e.name, ajv.compile(recordInputSchema(model, e, { mode: 'create' }))]));
    const ids = fakeIds(records);
    const problems: string[] = [];
    for (const record of records) {
      const validate = validators.get(record.entity)!;
      const values = materialise(record.values, ids);
      if (!validate(values)) {
        for (const e of validate.errors ?? []) problems.push(`${record.ref}${e.instancePath}: ${e.message} ${JSON.stringify(e.params)}`);
      }
      // Postal codes against the record's country, as the records service checks them.
      for (const p of postalCodeProblems(model.entities.get(record.entity)!.fields, values as Record<string, unknown>)) problems.push(`${record.ref}${p.pointer}: ${p.detail}`);
    }
    expect(problems).toEqual([]);
  });

  test('read-only fields (numbers, realised values) are left to the platform', () => {
    const problems = records.flatMap((r) => Object.keys(r.values).filter((name) => entityOf(r.entity).fieldsByName.get(name)?.readOnly).map((name) => `${r.ref}.${name}`));
    expect(problems).toEqual([]);
  });

  test('conditionally required fields are present when their condition holds', () => {
    const ids = fakeIds(records);
    const problems: string[] = [];
    for (const record of records) {
      const entity = entityOf(record.entity);
      const context = feelContext(entity, record.values, ids);
      for (const field of entity.fields) {
        if (field.requiredWhen && feelConditionHolds(field.requiredWhen, context) && !present(record.values[field.name])) problems.push(`${record.ref}.${field.name}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('activities: known kind, kind-specific fields only on their kind, linked to something', () => {
    const activity = entityOf(ACTIVITY_ENTITY);
    const kindFields = activity.kindFields!;
    const allKindFields = new Set([...kindFields.values()].flatMap((s) => [...s]));
    const linkNames = [...model.entities.values()].filter((e) => e.activities).map((e) => e.name);
    const problems: string[] = [];
    const activities = records.filter((r) => r.entity === ACTIVITY_ENTITY);
    for (const r of activities) {
      const kind = String(r.values.kind);
      const own = kindFields.get(kind);
      if (!own) {
        problems.push(`${r.ref}: unknown kind ${kind}`);
        continue;
      }
      for (const name of Object.keys(r.values)) if (allKindFields.has(name) && !own.has(name)) problems.push(`${r.ref}: ${name} is not a field of ${kind}`);
      if (r.values.assignee === undefined) problems.push(`${r.ref}: no assignee`);
      if (!linkNames.some((link) => present(r.values[link]))) problems.push(`${r.ref}: linked to nothing`);
      const requires = model.activityKinds.find((k) => k.name === kind)?.requiresLink ?? [];
      if (requires.length > 0 && !requires.some((link) => present(r.values[link]))) problems.push(`${r.ref}: ${kind} needs one of ${requires.join(', ')}`);
    }
    expect(problems).toEqual([]);
    expect(new Set(activities.map((r) => r.values.kind))).toEqual(new Set(model.activityKinds.map((k) => k.name)));
  });

  test('records in later states can be walked there from an initial state, every step allowed', () => {
    // The engine creates records in an initial state only; a loader reaches later states through
    // transitions, each passing its guard and finding the fields its target state requires.
    const ids = fakeIds(records);
    const problems: string[] = [];
    for (const record of records) {
      const entity = entityOf(record.entity);
      for (const [fieldName, machine] of entity.machines) {
        const state = record.values[fieldName];
        const at = `${record.ref}.${fieldName}=${String(state)}`;
        const def = machine.states.find((s) => s.name === state);
        if (!def) {
          problems.push(`${at}: not a state of ${machine.name}`);
          continue;
        }
        const missing = requiredFor(machine, def.name).filter((name) => !present(record.values[name]));
        if (missing.length > 0) problems.push(`${at}: needs ${missing.join(', ')}`);
        else if (!walkTo(machine, fieldName, def.name, feelContext(entity, record.values, ids))) problems.push(`${at}: no allowed path from ${machine.initial.join('/')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('tax ids are valid NIP/CUI and match the contractor country', () => {
    const problems: string[] = [];
    for (const record of records) {
      const entity = entityOf(record.entity);
      for (const [name, value] of Object.entries(record.values)) {
        const field = entity.fieldsByName.get(name);
        if (field?.type !== 'taxId') continue;
        const result = checkTaxId(String(value), field.countries ?? ['PL', 'RO']);
        if (!result.valid) problems.push(`${record.ref}.${name}=${String(value)} is invalid`);
        const country = record.values.country;
        if (typeof country === 'string' && result.country !== country.toUpperCase()) problems.push(`${record.ref}.${name}=${String(value)} is a ${String(result.country)} id for a ${country} contractor`);
      }
    }
    expect(problems).toEqual([]);
    const companies = records.filter((r) => r.entity === 'contractor' && r.values.contractor_type === 'company');
    expect(companies.filter((r) => !present(r.values.tax_id)).map((r) => r.ref)).toEqual([]);
  });

  test('unique fields and unique indexes hold across the demo data', () => {
    const problems: string[] = [];
    for (const entity of model.entities.values()) {
      const rows = records.filter((r) => r.entity === entity.name);
      const keys = [...entity.fields.filter((f) => f.unique).map((f) => [f.name]), ...entity.indexes.filter((i) => i.unique).map((i) => [...i.fields])];
      for (const key of keys) {
        const seen = new Set<string>();
        for (const row of rows) {
          if (key.some((k) => !present(row.values[k]))) continue;
          const value = JSON.stringify(key.map((k) => row.values[k]));
          if (seen.has(value)) problems.push(`${entity.name}(${key.join(', ')}) = ${value} twice`);
          seen.add(value);
        }
      }
      // Refusing duplicate rules (a contractor's NIP): `tessera seed` would be refused otherwise.
      for (const rule of entity.duplicates.filter((r) => r.action === 'refuse')) {
        const seen = new Set<string>();
        for (const row of rows) {
          const operands = rule.fields.map((name) => duplicateOperand(entity.fieldsByName.get(name)!, row.values[name]));
          if (operands.some((o) => o === null)) continue;
          const value = JSON.stringify(operands);
          if (seen.has(value)) problems.push(`${entity.name} duplicate rule ${rule.id}: ${value} twice`);
          seen.add(value);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('volumes: Polish and Romanian companies with 1–3 contacts, deals on every stage', () => {
    const contractors = records.filter((r) => r.entity === 'contractor');
    const companies = (country: string) => contractors.filter((r) => r.values.country === country && r.values.contractor_type === 'company').length;
    expect(companies('pl')).toBeGreaterThanOrEqual(15);
    expect(companies('ro')).toBeGreaterThanOrEqual(10);
    const persons = records.filter((r) => r.entity === 'person');
    for (const c of contractors) {
      const count = persons.filter((p) => isRef(p.values.contractor) && p.values.contractor.$ref === c.ref).length;
      const allowed = c.values.contractor_type === 'natural_person' ? [1] : [1, 2, 3];
      expect({ contractor: c.ref, persons: allowed.includes(count) }).toEqual({ contractor: c.ref, persons: true });
    }
    const deals = records.filter((r) => r.entity === 'deal');
    expect(deals.length).toBeGreaterThanOrEqual(25);
    const sales = model.machines.find((m) => m.name === 'sales')!;
    expect(sales.states.filter((s) => !deals.some((d) => d.values.stage === s.name)).map((s) => s.name)).toEqual([]);
    const serviceStatuses = new Set(records.filter((r) => r.entity === 'service_order').map((r) => r.values.status));
    expect(serviceStatuses.size).toBeGreaterThanOrEqual(5);
    for (const entity of ['employee', 'campaign', 'lead', 'offer', 'project', 'device', 'reservation', 'rental', 'complaint', 'contract']) {
      expect({ entity, some: records.some((r) => r.entity === entity) }).toEqual({ entity, some: true });
    }
  });

  test('is deterministic: the same day gives the same records', () => {
    expect(demoRecords(TODAY)).toEqual(demoRecords(TODAY));
    expect(JSON.stringify(demoRecords(TODAY))).toBe(JSON.stringify(records));
  });

  test('dates move with today; everything else stays put', () => {
    const a = demoRecords('2025-03-10');
    const b = demoRecords('2025-03-17');
    expect(b.map((r) => r.ref)).toEqual(a.map((r) => r.ref));
    const week = 7 * 86_400_000;
    // Birthdays are facts, name days fall on the same calendar day every year.
    const fixed = new Set(['birthday', 'name_day']);
    const problems: string[] = [];
    a.forEach((ra, i) => {
      const rb = b[i]!;
      const entity = entityOf(ra.entity);
      for (const [name, va] of Object.entries(ra.values)) {
        const vb = rb.values[name];
        const type = entity.fieldsByName.get(name)?.type;
        if ((type === 'date' || type === 'datetime') && !fixed.has(name)) {
          if (Date.parse(String(vb)) - Date.parse(String(va)) !== week) problems.push(`${ra.ref}.${name}: ${String(va)} → ${String(vb)}`);
        } else if (name !== 'message_id' && JSON.stringify(va) !== JSON.stringify(vb)) problems.push(`${ra.ref}.${name} changed`);
      }
    });
    expect(problems).toEqual([]);
    const deadlines = records.filter((r) => r.entity === ACTIVITY_ENTITY && typeof r.values.deadline === 'string').map((r) => String(r.values.deadline).slice(0, 10));
    expect(deadlines.some((d) => d < TODAY)).toBe(true);
    expect(deadlines.some((d) => d > TODAY)).toBe(true);
  });

  test('refuses a malformed or impossible today', () => {
    expect(() => demoRecords('15.06.2025')).toThrow(RangeError);
    expect(() => demoRecords('2025-02-30')).toThrow(RangeError);
  });
});

function requiredFor(machine: MachineModel, stateName: string): string[] {
  const state = machine.states.find((s) => s.name === stateName)!;
  return [...state.requiredFields, ...(state.category === 'lost' && machine.lostReasonField ? [machine.lostReasonField] : [])];
}

/** Whether `target` is reachable from an initial state through transitions whose guards hold and whose targets' required fields are present. */
function walkTo(machine: MachineModel, field: string, target: string, record: Obj): boolean {
  const enterable = (state: string) => requiredFor(machine, state).every((name) => present(record[name]));
  const seen = new Set(machine.initial.filter(enterable));
  const queue = [...seen];
  while (queue.length > 0) {
    const from = queue.shift()!;
    for (const to of allowedTargets(machine, from)) {
      if (seen.has(to) || !enterable(to)) continue;
      const context = { ...record, [field]: to, previous: { ...record, [field]: from } };
      if (transitionsBetween(machine, from, to).some((t) => t.guard === undefined || feelConditionHolds(t.guard, context))) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen.has(target);
}
