// A record number in square brackets in the subject ("Re: [TR/2026/0031] Awaria pompy") links the
// message to that record explicitly, whatever its addresses say. Brackets are required: a bare
// "2026/0031" in prose is too easily something else (an invoice of the client's own, a date).

/** Default shape of a record number: a letter prefix and one or more /-separated parts, e.g. TR/2026/0031. */
export const DEFAULT_RECORD_NUMBER = /[A-Z][A-Z0-9]{0,9}(?:[/-][A-Z0-9]{1,12}){1,4}/;

/** Record numbers named in the subject, in order, without duplicates. */
export function subjectRecordNumbers(subject: string, numberPattern: RegExp = DEFAULT_RECORD_NUMBER): string[] {
  const token = new RegExp(`\\[\\s*(${numberPattern.source})\\s*\\]`, 'g');
  const found: string[] = [];
  for (const match of subject.matchAll(token)) {
    const number = match[1]!;
    if (!found.includes(number)) found.push(number);
  }
  return found;
}

/** The subject with a record token added (for outgoing mail from a record), unless it already has it. */
export function withRecordToken(subject: string, recordNumber: string): string {
  return subject.includes(`[${recordNumber}]`) ? subject : `${subject} [${recordNumber}]`.trim();
}
