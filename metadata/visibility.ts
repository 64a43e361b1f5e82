// Conditional visibility, one rule for the form and the server: a field is hidden while its own
// `visibleWhen` or the `visibleWhen` of the layout section placing it does not hold over the record.
// A hidden field keeps its value (nothing clears it) and is not required: its `requiredWhen` is
// checked only while it is shown, so the server refuses exactly what the form marks. Fields with
// `required: true` always show (the database demands them; the validator keeps them out of
// conditional sections). A condition that cannot be evaluated hides nothing. Browser-safe.
import { feelConditionHolds, type FeelContext } from './feel.ts';
import type { Field, FormSection, LayoutVariant } from './schema/types.generated.ts';

export interface VisibilityRules {
  /** field → its own condition (the form adds an activity kind's fields' `kind = "…"`). */
  readonly fields: Readonly<Record<string, string>>;
  /** Conditional sections: the condition and the fields the section places. */
  readonly sections: readonly { readonly id: string; readonly when: string; readonly fields: readonly string[] }[];
  /** Fields no condition hides. */
  readonly alwaysShown: readonly string[];
}

/**
 * The layout a user's form uses: an activity kind's own layout for an activity of that kind, else
 * the first variant naming one of the user's roles, else the default. The platform itself (no
 * roles) and users of no variant's role get the default.
 */
export function layoutFor(
  entity: { readonly layout?: readonly FormSection[] | undefined; readonly layoutVariants?: readonly LayoutVariant[] | undefined; readonly kinds?: ReadonlyMap<string, { readonly layout?: readonly FormSection[] | undefined }> | undefined },
  roles: readonly string[] | undefined,
  kind?: unknown,
): readonly FormSection[] | undefined {
  const own = typeof kind === 'string' ? entity.kinds?.get(kind)?.layout : undefined;
  if (own) return own;
  const mine = new Set(roles ?? []);
  return (entity.layoutVariants ?? []).find((v) => v.roles.some((r) => mine.has(r)))?.layout ?? entity.layout;
}

/** The visibility rules of an entity type's fields under a layout. */
export function visibilityRules(fields: readonly Field[], layout: readonly FormSection[] | undefined): VisibilityRules {
  const own: Record<string, string> = {};
  for (const f of fields) if (f.visibleWhen) own[f.name] = f.visibleWhen;
  const sections = (layout ?? []).filter((s) => s.visibleWhen).map((s) => ({ id: s.id, when: s.visibleWhen!, fields: s.fields }));
  return { fields: own, sections, alwaysShown: fields.filter((f) => f.required === true).map((f) => f.name) };
}

function fails(expression: string, context: FeelContext): boolean {
  try {
    return !feelConditionHolds(expression, context);
  } catch {
    return false;
  }
}

/** The fields hidden for a record (`context`: recordFeelContext of its values). */
export function hiddenFields(rules: VisibilityRules, context: FeelContext): Set<string> {
  const hidden = new Set<string>();
  for (const [field, expression] of Object.entries(rules.fields)) if (fails(expression, context)) hidden.add(field);
  for (const section of rules.sections) if (fails(section.when, context)) section.fields.forEach((f) => hidden.add(f));
  for (const f of rules.alwaysShown) hidden.delete(f);
  return hidden;
}
