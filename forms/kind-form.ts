// Activities are one entity type with many kinds: the form of an activity shows and sends only the
// fields of its kind (common fields, links, the kind's own fields), and a new activity opens on its
// kind's short form (metadata `form`), the rest one click away. Pure.
import { fieldsOfKind, type EntityModel, type FormSection, declaredDefaults } from '../metadata/browser.ts';
import type { FormTabLayout } from './record-form.ts';

export interface KindForm {
  /** Every field an activity of this kind has (kind, common fields, links, its own fields). */
  readonly fields: readonly string[];
  /** The short form: kind first, then the kind's `form` (fields the user may see); null without one. */
  readonly short: readonly string[] | null;
  readonly shortLayout: readonly FormTabLayout[] | null;
  /** Declared defaults of a new activity of this kind (tokens unresolved). */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** The kind's full form (its own `layout`); null: the activity type's layout. */
  readonly layout: readonly FormTabLayout[] | null;
}

/** Per kind of the activity entity type: its fields, short form and defaults; undefined for other types. */
export function kindForms(entity: EntityModel, mode: 'create' | 'update', shown: readonly string[], layoutOf: (fields: readonly string[], sections?: readonly FormSection[]) => FormTabLayout[]): Record<string, KindForm> | undefined {
  if (!entity.kinds) return undefined;
  const visible = new Set(shown);
  const result: Record<string, KindForm> = {};
  for (const [name, kind] of entity.kinds) {
    const fields = fieldsOfKind(entity, name) ?? [];
    const short = mode === 'create' && kind.form ? ['kind', ...kind.form.filter((f) => f !== 'kind')].filter((f) => visible.has(f)) : null;
    const layout = kind.layout ? layoutOf(fields.filter((f) => visible.has(f)), kind.layout) : null;
    result[name] = { fields, short, shortLayout: short ? layoutOf(short) : null, defaults: declaredDefaults(entity, name), layout };
  }
  return result;
}

export interface KindView {
  /** Fields not shown now: of another kind, or outside the short form. */
  readonly hidden: ReadonlySet<string>;
  /** The short form's layout while it is shown, else the kind's own layout, else null (the form's own layout). */
  readonly layout: readonly FormTabLayout[] | null;
  /** Whether the short form is shown and fields are behind "all fields". */
  readonly short: boolean;
}

const NONE: KindView = { hidden: new Set(), layout: null, short: false };

/**
 * What the form shows for the current kind: `expanded` shows all of the kind's fields; the short
 * form also shows links that have a value (the record the activity is logged for).
 */
export function kindView(kinds: Readonly<Record<string, KindForm>> | undefined, links: readonly string[], values: Readonly<Record<string, unknown>>, expanded: boolean): KindView {
  const kind = kinds && typeof values.kind === 'string' ? kinds[values.kind] : undefined;
  if (!kinds || !kind) return NONE;
  const all = new Set(Object.values(kinds).flatMap((k) => k.fields));
  const own = new Set(kind.fields);
  const hidden = new Set([...all].filter((f) => !own.has(f)));
  if (expanded || !kind.short) return { hidden, layout: kind.layout, short: false };
  const filledLinks = links.filter((l) => own.has(l) && !kind.short!.includes(l) && values[l] !== undefined && values[l] !== null && values[l] !== '');
  const shown = new Set([...kind.short, ...filledLinks]);
  for (const f of own) if (!shown.has(f)) hidden.add(f);
  const layout = filledLinks.length ? kind.shortLayout!.map((tab, i) => (i === 0 ? { ...tab, sections: tab.sections.map((s, j) => (j === 0 ? { ...s, fields: [...s.fields, ...filledLinks] } : s)) } : tab)) : kind.shortLayout;
  return { hidden, layout, short: true };
}
