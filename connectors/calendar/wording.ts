// pl/en/ro texts the calendar connector writes for people: the conflict note left on an activity
// when the CRM and the calendar changed the same field. Kept beside the connector until connectors
// get a place in the app's messages.
import type { FieldConflict, FieldName } from './field-merge.ts';

export type Language = 'pl' | 'en' | 'ro';

const FIELD: Record<FieldName, Record<Language, string>> = {
  subject: { en: 'subject', pl: 'temat', ro: 'subiect' },
  description: { en: 'description', pl: 'opis', ro: 'descriere' },
  location: { en: 'location', pl: 'miejsce', ro: 'locație' },
  start_at: { en: 'start', pl: 'początek', ro: 'început' },
  end_at: { en: 'end', pl: 'koniec', ro: 'sfârșit' },
  deadline: { en: 'deadline', pl: 'termin', ro: 'termen' },
  status: { en: 'status', pl: 'status', ro: 'stare' },
  percent_done: { en: '% done', pl: '% wykonania', ro: '% realizat' },
  priority: { en: 'priority', pl: 'priorytet', ro: 'prioritate' },
  reminder: { en: 'reminder', pl: 'przypomnienie', ro: 'reamintire' },
  attendees: { en: 'attendees', pl: 'uczestnicy', ro: 'participanți' },
};

const TEXT: Record<Language, { title: string; line: (field: string, crm: string, calendar: string, kept: string) => string; crm: string; calendar: string }> = {
  en: { title: 'Calendar sync: the CRM and the calendar both changed', line: (f, c, k, w) => `${f}: CRM “${c}”, calendar “${k}” — kept the ${w} value (changed later)`, crm: 'CRM', calendar: 'calendar' },
  pl: { title: 'Synchronizacja kalendarza: CRM i kalendarz zmieniły to samo', line: (f, c, k, w) => `${f}: CRM „${c}”, kalendarz „${k}” — zostaje wartość z: ${w} (późniejsza zmiana)`, crm: 'CRM', calendar: 'kalendarz' },
  ro: { title: 'Sincronizare calendar: CRM-ul și calendarul au schimbat același câmp', line: (f, c, k, w) => `${f}: CRM „${c}”, calendar „${k}” — s-a păstrat valoarea din ${w} (modificată mai târziu)`, crm: 'CRM', calendar: 'calendar' },
};

const show = (value: unknown): string => (value === null || value === undefined ? '—' : Array.isArray(value) ? value.join(', ') : String(value));

export function conflictNote(language: Language, conflicts: readonly FieldConflict[]): string {
  const t = TEXT[language];
  return [t.title, ...conflicts.map((c) => `• ${t.line(FIELD[c.field][language], show(c.local), show(c.remote), c.winner === 'local' ? t.crm : t.calendar)}`)].join('\n');
}

export const languageOf = (value: unknown): Language => (value === 'pl' || value === 'ro' ? value : 'en');

/** The invitation mail (subject and lines) and the note an attendee's answer leaves on the activity. */
const INVITATION: Record<Language, { request: string; cancel: string; when: string; where: string; answer: Record<string, string>; note: (who: string, answer: string) => string }> = {
  en: {
    request: 'Invitation',
    cancel: 'Cancelled',
    when: 'When',
    where: 'Where',
    answer: { ACCEPTED: 'accepted', DECLINED: 'declined', TENTATIVE: 'tentatively accepted', DELEGATED: 'delegated', 'NEEDS-ACTION': 'has not answered' },
    note: (who, answer) => `Invitation: ${who} ${answer}`,
  },
  pl: {
    request: 'Zaproszenie',
    cancel: 'Odwołane',
    when: 'Kiedy',
    where: 'Gdzie',
    answer: { ACCEPTED: 'przyjmuje zaproszenie', DECLINED: 'odrzuca zaproszenie', TENTATIVE: 'wstępnie przyjmuje zaproszenie', DELEGATED: 'przekazuje zaproszenie innej osobie', 'NEEDS-ACTION': 'jeszcze nie odpowiedział(a)' },
    note: (who, answer) => `Zaproszenie: ${who} ${answer}`,
  },
  ro: {
    request: 'Invitație',
    cancel: 'Anulat',
    when: 'Când',
    where: 'Unde',
    answer: { ACCEPTED: 'a acceptat', DECLINED: 'a refuzat', TENTATIVE: 'a acceptat provizoriu', DELEGATED: 'a delegat', 'NEEDS-ACTION': 'nu a răspuns încă' },
    note: (who, answer) => `Invitație: ${who} ${answer}`,
  },
};

export const invitationWords = (language: Language) => INVITATION[language];

/** The note left on the activity when an attendee answers. */
export function replyNote(language: Language, who: string, partstat: string): string {
  const t = INVITATION[language];
  return t.note(who, t.answer[partstat] ?? partstat);
}
