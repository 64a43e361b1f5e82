// Text the database can store. PostgreSQL's text and jsonb cannot hold the NUL character (U+0000),
// and an unpaired UTF-16 surrogate has no UTF-8 form (the driver would write U+FFFD in its place):
// such strings are refused where they come in, with the pointer of the value, instead of failing in
// SQL (a 500) or being changed silently. Pure.

/** Why this text cannot be stored, or null when it can. */
export function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (!text.isWellFormed()) return 'contains an unpaired surrogate (not valid Unicode text)';
  return null;
}
