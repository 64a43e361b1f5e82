// The values a new record starts with, from one declaration: a field's `default` and, for an
// activity, its kind's `defaults` (only the fields of that kind). Tokens are resolved when the
// record is made: "$today" (the business's calendar day), "$now", "$me" (the signed-in user). The
// records service applies them on create; the forms prefill the same values.
import { isoLocalDate } from './calendar.ts';
import { fieldsOfKind, type EntityModel } from './model.ts';

export interface DefaultContext {
  readonly now: Date;
  /** IANA time zone of the business (the manifest's), for "$today". */
  readonly timeZone?: string;
  /** The user the record is made for; "$me" resolves to nothing without one. */
  readonly userId?: string | null;
}

/** A declared default as a value (undefined: nothing to set, e.g. "$me" for a system write). */
export function resolveDefault(declared: unknown, ctx: DefaultContext): unknown {
  if (declared === '$today') return isoLocalDate(ctx.now, ctx.timeZone ?? 'UTC');
  if (declared === '$now') return ctx.now.toISOString();
  if (declared === '$me') return ctx.userId ?? undefined;
  return structuredClone(declared);
}

/**
 * The declared (unresolved) defaults of a new record of the entity type; for an activity of
 * `kind`, only its kind's fields, then the kind's `defaults` over them. State fields are not here:
 * their machine's first initial state applies (see `defaultValues`).
 */
export function declaredDefaults(entity: EntityModel, kind?: unknown): Record<string, unknown> {
  const own = fieldsOfKind(entity, kind);
  const allowed = own ? new Set(own) : null;
  const kindSpecific = new Set([...(entity.kindFields?.values() ?? [])].flatMap((s) => [...s]));
  const result: Record<string, unknown> = {};
  for (const field of entity.fields) {
    if (field.default === undefined || field.type === 'state') continue;
    if (allowed ? !allowed.has(field.name) : kindSpecific.has(field.name)) continue;
    result[field.name] = field.default;
  }
  const kindDefaults = typeof kind === 'string' ? entity.kinds?.get(kind)?.defaults : undefined;
  if (kindDefaults) Object.assign(result, kindDefaults);
  return result;
}

/** The values a new record starts with (resolved), including each state field's first initial state. */
export function defaultValues(entity: EntityModel, kind: unknown, ctx: DefaultContext): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of entity.fields) {
    if (field.type !== 'state') continue;
    const machine = entity.machines.get(field.name);
    if (machine) values[field.name] = machine.initial[0];
  }
  for (const [name, declared] of Object.entries(declaredDefaults(entity, kind))) {
    const value = resolveDefault(declared, ctx);
    if (value !== undefined) values[name] = value;
  }
  return values;
}
