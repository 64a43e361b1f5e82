// Counts in the app's words take the language's plural form: "1 rekord", "3 rekordy", "5 rekordów",
// "22 rekordy"; "1 înregistrare", "3 înregistrări", "20 de înregistrări"; "1 record", "2 records".
import { formatMessage } from '../../../ui/src/app/message-format.ts';
import { LOCALES, MESSAGES } from '../../../ui/src/app/messages.ts';

const records = (language: 'pl' | 'en' | 'ro', n: number) => formatMessage(MESSAGES[language]['list.records'], { n }, LOCALES[language]).replace(/\u00a0/g, ' ');

test('Polish counts take one of three forms', () => {
  expect([1, 3, 5, 12, 22, 25, 1234].map((n) => records('pl', n))).toEqual(['1 rekord', '3 rekordy', '5 rekordów', '12 rekordów', '22 rekordy', '25 rekordów', '1234 rekordy']);
});

test('Romanian takes "de" from twenty on (but not after 101–119)', () => {
  expect([1, 3, 19, 20, 101, 120].map((n) => records('ro', n))).toEqual(['1 înregistrare', '3 înregistrări', '19 înregistrări', '20 de înregistrări', '101 înregistrări', '120 de înregistrări']);
});

test('English has one and other', () => {
  expect([1, 2, 0].map((n) => records('en', n))).toEqual(['1 record', '2 records', '0 records']);
});

test('plain placeholders still fill, exact values win, and a missing value leaves the text', () => {
  expect(formatMessage('{who} ma {n, plural, =0 {nic} one {# zadanie} few {# zadania} many {# zadań} other {# zadania}}', { who: 'Anna', n: 0 }, 'pl-PL')).toBe('Anna ma nic');
  expect(formatMessage('{n} x', undefined, 'pl-PL')).toBe('{n} x');
});
