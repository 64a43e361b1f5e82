// The designer's form layout editor, as pure operations on an entity type's `layout` (a list of
// sections `{id, label, tab, columns, fields}`, docs/metadata.md). Every operation returns a new
// layout in which each field of the type is placed at most once and unknown fields are dropped, so
// what the editor writes into the draft is always one the validator can check field by field.
import type { FormSection, Label } from '../metadata/browser.ts';

export type LayoutSection = FormSection;

/** Where a field goes: a section (at an index, default the end), or null for "not placed". */
export interface LayoutTarget {
  readonly section: string | null;
  readonly index?: number;
}

export const MIN_COLUMNS = 1;
export const MAX_COLUMNS = 4;

/** The layout with unknown fields dropped and each field kept only where it is first placed. */
export function normalizeLayout(layout: readonly LayoutSection[] | undefined, fields: readonly string[]): LayoutSection[] {
  const known = new Set(fields);
  const placed = new Set<string>();
  return (layout ?? []).map((section) => ({
    ...section,
    fields: section.fields.filter((f) => {
      if (!known.has(f) || placed.has(f)) return false;
      placed.add(f);
      return true;
    }),
  }));
}

/** Fields of the type no section places, in the type's order (the form shows them at the end). */
export function unplacedFields(layout: readonly LayoutSection[], fields: readonly string[]): string[] {
  const placed = new Set(layout.flatMap((s) => s.fields));
  return fields.filter((f) => !placed.has(f));
}

/** The section a field is placed in, or null. */
export function sectionOf(layout: readonly LayoutSection[], field: string): string | null {
  return layout.find((s) => s.fields.includes(field))?.id ?? null;
}

/** Moves a field to a section (at an index) or out of the layout; a move to an unknown section changes nothing. */
export function moveField(layout: readonly LayoutSection[], fields: readonly string[], field: string, target: LayoutTarget): LayoutSection[] {
  const current = normalizeLayout(layout, fields);
  if (!fields.includes(field)) return current;
  if (target.section !== null && !current.some((s) => s.id === target.section)) return current;
  const from = current.find((s) => s.fields.includes(field));
  const fromIndex = from ? from.fields.indexOf(field) : -1;
  return current.map((section) => {
    let list = section.fields.filter((f) => f !== field);
    if (section.id === target.section) {
      let index = target.index ?? list.length;
      // An index counted in the list that still held the field (a drop after itself in its own section).
      if (from?.id === section.id && target.index !== undefined && target.index > fromIndex) index -= 1;
      index = Math.max(0, Math.min(index, list.length));
      list = [...list.slice(0, index), field, ...list.slice(index)];
    }
    return { ...section, fields: list };
  });
}

/** Moves a field up (-1) or down (+1) within its section. */
export function shiftField(layout: readonly LayoutSection[], fields: readonly string[], field: string, by: -1 | 1): LayoutSection[] {
  const current = normalizeLayout(layout, fields);
  const section = current.find((s) => s.fields.includes(field));
  if (!section) return current;
  const index = section.fields.indexOf(field) + by;
  if (index < 0 || index >= section.fields.length) return current;
  // moveField counts a later index in the list that still holds the field.
  return moveField(current, fields, field, { section: section.id, index: by > 0 ? index + 1 : index });
}

/** A stable id for a new section: `<item id>.s.<n>`, not used by another section. */
export function newSectionId(itemId: string, layout: readonly LayoutSection[]): string {
  const used = new Set(layout.map((s) => s.id));
  for (let n = layout.length + 1; ; n++) {
    const id = `${itemId}.s.${n}`;
    if (!used.has(id)) return id;
  }
}

/** Adds an empty section at the end (it must get a field before the package validates). */
export function addSection(layout: readonly LayoutSection[], section: { id: string; label?: Label; tab?: string; columns?: number }): LayoutSection[] {
  if (layout.some((s) => s.id === section.id)) return [...layout];
  return [...layout, { ...section, columns: clampColumns(section.columns ?? 1), fields: [] }];
}

/** Removes a section; its fields become unplaced. */
export function removeSection(layout: readonly LayoutSection[], id: string): LayoutSection[] {
  return layout.filter((s) => s.id !== id);
}

/** Moves a section up (-1) or down (+1). */
export function shiftSection(layout: readonly LayoutSection[], id: string, by: -1 | 1): LayoutSection[] {
  const index = layout.findIndex((s) => s.id === id);
  const to = index + by;
  if (index < 0 || to < 0 || to >= layout.length) return [...layout];
  const next = [...layout];
  const [section] = next.splice(index, 1);
  next.splice(to, 0, section!);
  return next;
}

const clampColumns = (n: number) => Math.max(MIN_COLUMNS, Math.min(MAX_COLUMNS, Math.round(Number.isFinite(n) ? n : 1)));

/** Changes a section's label, tab (empty: the main tab), columns (1–4) or condition (blank: always shown); absent optional parts are left out. */
export function updateSection(layout: readonly LayoutSection[], id: string, patch: { label?: Label; tab?: string; columns?: number; visibleWhen?: string }): LayoutSection[] {
  return layout.map((section) => {
    if (section.id !== id) return section;
    const next: LayoutSection = { ...section };
    if ('label' in patch) {
      // Empty languages are left out; a label without English is kept for the validator to point at.
      const texts = Object.entries(patch.label ?? {}).filter(([, text]) => typeof text === 'string' && text !== '');
      if (texts.length > 0) next.label = { en: '', ...Object.fromEntries(texts) } as Label;
      else delete next.label;
    }
    if ('tab' in patch) {
      const tab = patch.tab?.trim() ?? '';
      if (tab) next.tab = tab;
      else delete next.tab;
    }
    if (patch.columns !== undefined) next.columns = clampColumns(patch.columns);
    // Kept as typed (not trimmed) while it is being edited; only a blank condition is left out.
    if ('visibleWhen' in patch) {
      if (patch.visibleWhen?.trim()) next.visibleWhen = patch.visibleWhen;
      else delete next.visibleWhen;
    }
    return next;
  });
}

/** A role's form layout (metadata `layoutVariants`). */
export interface LayoutVariantDraft {
  readonly roles: readonly string[];
  readonly layout: readonly LayoutSection[];
}

/** The variants with one added for a role, starting from a copy of `from` (the default layout). */
export function addVariant(variants: readonly LayoutVariantDraft[], role: string, from: readonly LayoutSection[]): LayoutVariantDraft[] {
  return [...variants, { roles: [role], layout: from.map((s) => ({ ...s, fields: [...s.fields] })) }];
}

/** The variants with variant `index`'s layout replaced. */
export function setVariantLayout(variants: readonly LayoutVariantDraft[], index: number, layout: readonly LayoutSection[]): LayoutVariantDraft[] {
  return variants.map((v, i) => (i === index ? { ...v, layout } : v));
}

/** The variants with a role given to or taken from variant `index`; a variant left without roles is removed. */
export function toggleVariantRole(variants: readonly LayoutVariantDraft[], index: number, role: string): LayoutVariantDraft[] {
  return variants
    .map((v, i) => (i !== index ? v : { ...v, roles: v.roles.includes(role) ? v.roles.filter((r) => r !== role) : [...v.roles, role] }))
    .filter((v) => v.roles.length > 0);
}

/** The variants without variant `index`. */
export function removeVariant(variants: readonly LayoutVariantDraft[], index: number): LayoutVariantDraft[] {
  return variants.filter((_, i) => i !== index);
}
