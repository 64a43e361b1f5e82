// Opt-out replies and who may get which SMS. Pure. Transactional messages (a repair is ready, an
// appointment reminder) go to everyone with a number; marketing ones not to a number that replied
// STOP, nor to a person/contractor marked as opted out or, where the type has the field, without
// marketing consent (GDPR: consent is given, not presumed).

export type SmsPurpose = 'transactional' | 'marketing';

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .toUpperCase()
    .replace(/[^A-Z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether an incoming text is an opt-out: the whole message is one of the words (any case,
 * diacritics and punctuation ignored: "Stop.", "nie", "NU!", "Rezygnuję"). A sentence that merely
 * contains the word is not. */
export function isOptOutReply(text: string, words: readonly string[]): boolean {
  const reply = fold(text);
  return reply !== '' && words.some((w) => fold(w) === reply);
}

export interface ContactConsent {
  /** The record's own opt-out flag (`sms_opt_out`), when the type has it. */
  readonly optedOut?: boolean | null;
  /** The record's `marketing_consent`, when the type has it (undefined: the type has no such field). */
  readonly marketingConsent?: boolean | null;
}

export type ConsentVerdict = { allowed: true } | { allowed: false; code: 'sms.error.optedOut'; reason: 'number' | 'record' | 'noConsent' };

export function mayReceive(purpose: SmsPurpose, numberOptedOut: boolean, contact: ContactConsent | null): ConsentVerdict {
  if (purpose === 'transactional') return { allowed: true };
  if (numberOptedOut) return { allowed: false, code: 'sms.error.optedOut', reason: 'number' };
  if (contact?.optedOut === true) return { allowed: false, code: 'sms.error.optedOut', reason: 'record' };
  if (contact && contact.marketingConsent !== undefined && contact.marketingConsent !== true) return { allowed: false, code: 'sms.error.optedOut', reason: 'noConsent' };
  return { allowed: true };
}
