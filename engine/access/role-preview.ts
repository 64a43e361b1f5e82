// "View as this role": the access one role gives, for the designer's preview of lists and forms
// (GET /api/meta/roles/:name/preview). Pure. The preview never shows the caller more than their own
// rights let them see: rows the caller may not read are left out and fields hidden from the caller
// stripped, whatever the previewed role grants. No session is taken over: the subject is built here.
import type { Model } from '../../metadata/index.ts';
import { hiddenFields, stripHidden } from './field-visibility.ts';
import { accessFor, admits, type Access, type Subject } from './permissions.ts';

/** The subject of the preview: a real user's identity (owner, teams) holding only the previewed role. */
export function previewSubject(identity: Subject, role: string): Subject {
  return { ...identity, admin: false, roles: [role] };
}

/** The access of a user holding only `role` under the model (no administrator bypass, no token scopes). */
export function roleAccess(model: Model, identity: Subject, role: string): Access {
  return accessFor(model, previewSubject(identity, role));
}

/** Rows as the role sees them, narrowed to what the caller may read themselves, without the fields hidden from the caller. */
export function withinCaller(caller: Access, entity: string, rows: readonly Readonly<Record<string, unknown>>[]): Record<string, unknown>[] {
  if (caller.unrestricted || caller.subject?.admin) return rows.map((r) => ({ ...r }));
  const rights = caller.entity(entity);
  const hidden = hiddenFields(rights);
  return rows.filter((row) => admits(rights.read, caller.subject, entity, row)).map((row) => ({ ...stripHidden(row, hidden) }));
}
