// The fields of a record a user may not read, and a copy of the record without them (the record
// itself stays whole for hooks and audit). One filter for records, lists and the role preview.
import type { EntityRights } from './permissions.ts';

/** Fields the user may not read. */
export function hiddenFields(rights: EntityRights): ReadonlySet<string> {
  const hidden = new Set<string>();
  for (const [name, level] of rights.fields) if (level === 'none') hidden.add(name);
  return hidden;
}

/** A copy of the record without the fields the user may not read. */
export function stripHidden<T extends Readonly<Record<string, unknown>>>(record: T, hidden: ReadonlySet<string>): T {
  if (hidden.size === 0) return record;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (!hidden.has(key)) copy[key] = value;
  return copy as T;
}
