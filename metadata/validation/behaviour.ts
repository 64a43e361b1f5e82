// What runs on records: status machines and pipelines, views, roles, triggers, kinds' short forms and
// defaults, exclusion rules, guards and their lookups.
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { ajvWithFormats } from './ajv.ts';
import { ACTIVITY_ENTITY } from '../activity.ts';
import { checkFeel } from '../feel.ts';
import { exclusionRuleProblems } from '../exclusions.ts';
import { lookupProblems } from '../lookup-problems.ts';
import { parseFilter, SYSTEM_FIELD_TYPES } from '../filter.ts';
import { RECORD_FORMATS } from '../field-formats.ts';
import { fieldsOfKind, USER_TARGET, type EntityModel, type Model } from '../model.ts';
import { fieldValueSchema } from '../record-schema.ts';
import type { Field, Lookup } from '../schema/types.generated.ts';
import { checkLayout } from './fields.ts';
import { report, type Ctx } from './context.ts';

export function checkMachines(ctx: Ctx, model: Model): void {
  const boundFields = new Map<string, string>();
  const machines = [
    ...ctx.pkg.pipelines.map((p) => ({ item: p, states: p.stages.map((s) => s.name), statesKey: 'stages' as const })),
    ...ctx.pkg.statusMachines.map((m) => ({ item: m, states: m.states.map((s) => s.name), statesKey: 'states' as const })),
  ];
  for (const { item, states, statesKey } of machines) {
    const entity = model.entities.get(item.entity);
    if (!entity || entity.platform) {
      report(ctx, 'META_UNKNOWN_ENTITY', item.id, ['entity'], `unknown entity type "${item.entity}"`);
      continue;
    }
    const field = entity.fieldsByName.get(item.field);
    if (!field) report(ctx, 'META_UNKNOWN_FIELD', item.id, ['field'], `entity type ${item.entity} has no field "${item.field}"`);
    else if (field.type !== 'state') report(ctx, 'META_STATE_BINDING', item.id, ['field'], `field ${item.entity}.${item.field} must be of type "state" to hold a ${item.kind === 'pipeline' ? 'stage' : 'status'}`);
    const key = `${item.entity}.${item.field}`;
    if (boundFields.has(key)) report(ctx, 'META_STATE_BINDING', item.id, ['field'], `${key} is already bound to ${boundFields.get(key)}`);
    boundFields.set(key, item.name);
    const seen = new Set<string>();
    const seenIds = new Set<string>();
    const list = item.kind === 'pipeline' ? item.stages : item.states;
    list.forEach((state, i) => {
      if (seen.has(state.name)) report(ctx, 'META_DUPLICATE_NAME', item.id, [statesKey, i, 'name'], `state "${state.name}" is listed twice`);
      seen.add(state.name);
      // State ids turn renames into data updates: one id naming two states would make them ambiguous.
      if (seenIds.has(state.id)) report(ctx, 'META_DUPLICATE_ID', item.id, [statesKey, i, 'id'], `state id "${state.id}" is listed twice`);
      seenIds.add(state.id);
      (state.requiredFields ?? []).forEach((name, j) => {
        if (!entity.fieldsByName.has(name)) report(ctx, 'META_UNKNOWN_FIELD', item.id, [statesKey, i, 'requiredFields', j], `unknown field "${name}"`);
      });
    });
    const known = new Set(states);
    (item.transitions ?? []).forEach((t, i) => {
      if (t.from !== '*') t.from.forEach((s, j) => {
        if (!known.has(s)) report(ctx, 'META_UNKNOWN_STATE', item.id, ['transitions', i, 'from', j], `unknown state "${s}"`);
      });
      if (!known.has(t.to)) report(ctx, 'META_UNKNOWN_STATE', item.id, ['transitions', i, 'to'], `unknown state "${t.to}"`);
      if (t.guard !== undefined) {
        const problem = checkFeel(t.guard);
        if (problem) report(ctx, 'META_FEEL_SYNTAX', item.id, ['transitions', i, 'guard'], `FEEL syntax error: ${problem.message}`);
      }
    });
    if (item.kind === 'statusMachine') {
      item.initial?.forEach((s, i) => {
        if (!known.has(s)) report(ctx, 'META_UNKNOWN_STATE', item.id, ['initial', i], `unknown state "${s}"`);
      });
    } else {
      if (!item.stages.some((s) => s.category === 'open')) report(ctx, 'META_UNKNOWN_STATE', item.id, ['stages'], 'a pipeline needs at least one open stage');
      for (const key of ['amountField', 'lostReasonField', 'lostCommentField'] as const) {
        const name = item[key];
        if (name === undefined) continue;
        const f = entity.fieldsByName.get(name);
        if (!f) report(ctx, 'META_UNKNOWN_FIELD', item.id, [key], `unknown field "${name}"`);
        else if (key === 'amountField' && f.type !== 'money' && f.type !== 'decimal' && f.type !== 'integer') report(ctx, 'META_FIELD_KIND', item.id, [key], 'the amount field must be money or a number');
        else if (key === 'lostCommentField' && f.type !== 'text' && f.type !== 'string') report(ctx, 'META_FIELD_KIND', item.id, [key], 'the lost comment field must be text or string');
      }
    }
  }
  for (const entity of model.entities.values()) {
    for (const field of entity.fields) {
      if (field.type === 'state' && !boundFields.has(`${entity.name}.${field.name}`)) {
        const index = entity.fields.indexOf(field);
        report(ctx, 'META_STATE_BINDING', entity.id, ['fields', index], `state field "${field.name}" is not bound to any pipeline or status machine`);
      }
    }
  }
}

export function checkViews(ctx: Ctx, model: Model): void {
  for (const view of ctx.pkg.views) {
    const entity = model.entities.get(view.entity);
    if (!entity) {
      report(ctx, 'META_UNKNOWN_ENTITY', view.id, ['entity'], `unknown entity type "${view.entity}"`);
      continue;
    }
    const known = (name: string) => entity.fieldsByName.has(name) || SYSTEM_FIELD_TYPES.has(name);
    view.columns?.forEach((c, i) => {
      if (!known(c)) report(ctx, 'META_UNKNOWN_FIELD', view.id, ['columns', i], `unknown field "${c}"`);
    });
    view.sort?.forEach((s, i) => {
      if (!known(s.field) || entity.fieldsByName.get(s.field)?.type === 'manyToMany') report(ctx, 'META_UNKNOWN_FIELD', view.id, ['sort', i, 'field'], `"${s.field}" is not a sortable field`);
    });
    if (view.filter !== undefined) {
      const { problems } = parseFilter(entity, view.filter, '/filter');
      for (const p of problems) ctx.errors.push({ code: 'META_FILTER', file: ctx.pkg.fileOf.get(view.id) ?? '', pointer: p.pointer, message: p.message });
    }
    // A board's columns come from a state or an enum field; its totals from a money or number field.
    if (view.groupBy !== undefined) {
      const type = entity.fieldsByName.get(view.groupBy)?.type;
      if (type !== 'state' && type !== 'enum') report(ctx, 'META_FIELD_KIND', view.id, ['groupBy'], `"${view.groupBy}" is not a state or enum field`);
    }
    if (view.total !== undefined && !['money', 'integer', 'decimal'].includes(entity.fieldsByName.get(view.total)?.type ?? '')) report(ctx, 'META_FIELD_KIND', view.id, ['total'], `"${view.total}" is not a money or number field`);
    for (const name of Object.keys(view.widths ?? {})) {
      if (!view.columns?.includes(name)) report(ctx, 'META_UNKNOWN_FIELD', view.id, ['widths', name], `"${name}" is not a column of the view`);
    }
    if (view.type === 'board' && entity.machines.size === 0 && view.groupBy === undefined) report(ctx, 'META_FIELD_KIND', view.id, ['type'], `a board needs a pipeline or status machine on ${entity.name}`);
    // A yearly date (a birthday) is a calendar view whose first column is a date.
    if (view.recurrence === 'yearly' && (view.type !== 'calendar' || entity.fieldsByName.get(view.columns?.[0] ?? '')?.type !== 'date')) report(ctx, 'META_FIELD_KIND', view.id, ['recurrence'], 'a yearly view is of type calendar with a date field as its first column');
  }
}

export function checkRoles(ctx: Ctx, model: Model): void {
  for (const role of ctx.pkg.roles) {
    role.permissions?.forEach((perm, i) => {
      const entity = perm.entity === '*' ? undefined : model.entities.get(perm.entity);
      if (perm.entity !== '*' && !entity) report(ctx, 'META_UNKNOWN_ENTITY', role.id, ['permissions', i, 'entity'], `unknown entity type "${perm.entity}"`);
      if (perm.condition !== undefined) {
        const problem = checkFeel(perm.condition);
        if (problem) report(ctx, 'META_FEEL_SYNTAX', role.id, ['permissions', i, 'condition'], `FEEL syntax error: ${problem.message}`);
      }
      for (const name of Object.keys(perm.fields ?? {})) {
        if (entity && !entity.fieldsByName.has(name)) report(ctx, 'META_UNKNOWN_FIELD', role.id, ['permissions', i, 'fields', name], `unknown field "${name}"`);
        if (!entity) report(ctx, 'META_UNKNOWN_FIELD', role.id, ['permissions', i, 'fields', name], 'field rights need a single entity type');
      }
    });
  }
}

/** Triggers name existing entity types, fields and states; their FEEL parses. Processes are checked when they run (deployed separately). */
export function checkTriggers(ctx: Ctx, model: Model): void {
  for (const trigger of ctx.pkg.triggers) {
    const entity = model.entities.get(trigger.entity);
    if (!entity) {
      report(ctx, 'META_UNKNOWN_ENTITY', trigger.id, ['entity'], `unknown entity type "${trigger.entity}"`);
      continue;
    }
    if (!trigger.start && !trigger.message) report(ctx, 'META_TRIGGER', trigger.id, [], 'a trigger needs "start" (a process to start) or "message" (a message to correlate), or both');
    const needsField = trigger.on === 'fieldChanged' || trigger.on === 'stateEntered';
    if (needsField && trigger.field === undefined) report(ctx, 'META_TRIGGER', trigger.id, ['field'], `"on": "${trigger.on}" needs "field"`);
    if (!needsField && trigger.field !== undefined) report(ctx, 'META_TRIGGER', trigger.id, ['field'], `"field" applies only to fieldChanged and stateEntered`);
    if (trigger.state !== undefined && trigger.on !== 'stateEntered') report(ctx, 'META_TRIGGER', trigger.id, ['state'], '"state" applies only to stateEntered');
    if (trigger.field !== undefined && needsField) {
      const field = entity.fieldsByName.get(trigger.field);
      const machine = entity.machines.get(trigger.field);
      if (!field) report(ctx, 'META_UNKNOWN_FIELD', trigger.id, ['field'], `entity type ${entity.name} has no field "${trigger.field}"`);
      else if (trigger.on === 'stateEntered' && !machine) report(ctx, 'META_STATE_BINDING', trigger.id, ['field'], `${entity.name}.${trigger.field} is not bound to a pipeline or status machine`);
      else if (trigger.state !== undefined && machine && !machine.states.some((s) => s.name === trigger.state)) {
        report(ctx, 'META_UNKNOWN_STATE', trigger.id, ['state'], `"${trigger.state}" is not a state of ${machine.name}`);
      }
    }
    const feel: [readonly (string | number)[], string | undefined][] = [
      [['condition'], trigger.condition],
      [['message', 'correlationKey'], trigger.message?.correlationKey],
      ...Object.entries(trigger.start?.variables ?? {}).map(([name, expr]): [readonly (string | number)[], string] => [['start', 'variables', name], expr]),
      ...Object.entries(trigger.message?.variables ?? {}).map(([name, expr]): [readonly (string | number)[], string] => [['message', 'variables', name], expr]),
    ];
    for (const [path, expr] of feel) {
      if (expr === undefined) continue;
      const problem = checkFeel(expr);
      if (problem) report(ctx, 'META_FEEL_SYNTAX', trigger.id, path, `FEEL syntax error: ${problem.message}`);
    }
  }
}

/** An activity kind's short form and defaults name fields an activity of that kind has, defaults of their type. */
export function checkKindForms(ctx: Ctx, model: Model): void {
  const activity = model.entities.get(ACTIVITY_ENTITY);
  if (!activity) return;
  for (const kind of ctx.pkg.activityKinds) {
    const own = new Set(fieldsOfKind(activity, kind.name) ?? []);
    const usable = (name: string) => own.has(name) && activity.fieldsByName.get(name)?.readOnly !== true;
    kind.form?.forEach((name, i) => {
      if (!usable(name)) report(ctx, 'META_UNKNOWN_FIELD', kind.id, ['form', i], `"${name}" is not a writable field of an activity of kind "${kind.name}"`);
    });
    if (kind.layout) checkLayout(ctx, kind.id, (name) => (own.has(name) ? activity.fieldsByName.get(name) : undefined), kind.layout, ['layout']);
    for (const [name, value] of Object.entries(kind.defaults ?? {})) {
      const field = activity.fieldsByName.get(name);
      if (!field || !usable(name) || name === 'kind') {
        report(ctx, 'META_UNKNOWN_FIELD', kind.id, ['defaults', name], `"${name}" is not a writable field of an activity of kind "${kind.name}"`);
        continue;
      }
      const problem = defaultProblem(model, activity, field, value);
      if (problem) report(ctx, 'META_INVALID_DEFAULT', kind.id, ['defaults', name], problem);
    }
  }
}

let defaultAjv: Ajv2020 | undefined;
/** Why a default does not fit its field (tokens by field type, literals by the field's value schema), or null. */
export function defaultProblem(model: Model, entity: EntityModel, field: Field, value: unknown): string | null {
  const token = typeof value === 'string' && value.startsWith('$') ? value : null;
  if (token === '$today') return field.type === 'date' ? null : '"$today" is a default of date fields';
  if (token === '$now') return field.type === 'datetime' ? null : '"$now" is a default of datetime fields';
  if (token === '$me') return field.type === 'reference' && field.target === USER_TARGET ? null : '"$me" is a default of references to "user"';
  if (field.type === 'manyToMany' || field.type === 'attachment' || field.type === 'state') return `a ${field.type} field takes no default`;
  if (!defaultAjv) {
    defaultAjv = ajvWithFormats({ strict: false });
    for (const [name, check] of Object.entries(RECORD_FORMATS)) defaultAjv.addFormat(name, { type: 'string', validate: check });
  }
  const currencies = model.pkg.manifest.currencies ?? [model.pkg.manifest.defaultCurrency ?? 'PLN'];
  return defaultAjv.validate(fieldValueSchema(model, entity, field, currencies), value) ? null : `the default does not fit the ${field.type} field (${defaultAjv.errorsText()})`;
}

/** Exclusion rules (metadata/exclusions.ts) and guards of entity types, the lookups of transition guards. */
export function checkCrossRecordRules(ctx: Ctx, model: Model): void {
  for (const entity of ctx.pkg.entities) {
    const resolved = model.entities.get(entity.name)!;
    const ids = new Set<string>();
    const names = new Set<string>();
    entity.exclusions?.forEach((rule, i) => {
      if (ids.has(rule.id)) report(ctx, 'META_DUPLICATE_ID', entity.id, ['exclusions', i, 'id'], `exclusion rule id "${rule.id}" is listed twice`);
      if (names.has(rule.name)) report(ctx, 'META_DUPLICATE_NAME', entity.id, ['exclusions', i, 'name'], `exclusion rule "${rule.name}" is listed twice`);
      ids.add(rule.id);
      names.add(rule.name);
      if (resolved.lineOf) report(ctx, 'META_FIELD_KIND', entity.id, ['exclusions', i], 'a line type cannot have exclusion rules; declare them on its record type');
      for (const p of exclusionRuleProblems(resolved, rule)) report(ctx, p.code, entity.id, ['exclusions', i, ...p.path], p.message);
    });
  }
  const machines = [
    ...ctx.pkg.pipelines.map((p) => ({ item: p, transitions: p.transitions ?? [] })),
    ...ctx.pkg.statusMachines.map((m) => ({ item: m, transitions: m.transitions ?? [] })),
  ];
  for (const { item, transitions } of machines) {
    const entity = model.entities.get(item.entity);
    if (!entity) continue;
    transitions.forEach((t, i) => checkLookups(ctx, model, entity, item.id, ['transitions', i, 'lookups'], t.lookups));
  }
  for (const entity of ctx.pkg.entities) {
    const resolved = model.entities.get(entity.name)!;
    const names = new Set<string>();
    entity.guards?.forEach((guard, i) => {
      if (names.has(guard.name)) report(ctx, 'META_DUPLICATE_NAME', entity.id, ['guards', i, 'name'], `guard "${guard.name}" is listed twice`);
      names.add(guard.name);
      if (resolved.lineOf) report(ctx, 'META_FIELD_KIND', entity.id, ['guards', i], 'a line type cannot have guards; declare them on its record type');
      const problem = checkFeel(guard.condition);
      if (problem) report(ctx, 'META_FEEL_SYNTAX', entity.id, ['guards', i, 'condition'], `FEEL syntax error: ${problem.message}`);
      if (!resolved.fieldsByName.has(guard.field)) report(ctx, 'META_UNKNOWN_FIELD', entity.id, ['guards', i, 'field'], `${entity.name} has no field "${guard.field}"`);
      guard.overrideRoles?.forEach((role, j) => {
        if (!ctx.pkg.roles.some((r) => r.name === role)) report(ctx, 'META_UNKNOWN_FIELD', entity.id, ['guards', i, 'overrideRoles', j], `unknown role "${role}"`);
      });
      checkLookups(ctx, model, resolved, entity.id, ['guards', i, 'lookups'], guard.lookups);
    });
    // Computed fields reading other records (engine/records/computed-fields.ts).
    entity.fields.forEach((field, i) => {
      if (field.lookups === undefined) return;
      if (field.computed === undefined) report(ctx, 'META_FIELD_KIND', entity.id, ['fields', i, 'lookups'], 'only a computed field reads lookups');
      checkLookups(ctx, model, resolved, entity.id, ['fields', i, 'lookups'], field.lookups);
    });
  }
}

/** The lookups of a guard (a transition's or an entity type's) or of a computed field (metadata/lookups.ts). */
export function checkLookups(ctx: Ctx, model: Model, entity: EntityModel, itemId: string, path: readonly (string | number)[], lookups: Readonly<Record<string, Lookup>> | undefined): void {
  for (const p of lookupProblems(model, entity, lookups)) report(ctx, p.code, itemId, [...path, ...p.path], p.message);
}
