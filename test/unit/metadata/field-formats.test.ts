// Web addresses and postal codes as the server and the forms check them (one registry of formats).
import { isValidPostalCode, normalizeUrl, postalCodeCountry, RECORD_FORMATS } from '../../../metadata/index.ts';

test('a bare domain is a web address stored with https://; other schemes stay; text is not an address', () => {
  expect(normalizeUrl('instal-serwis.pl')).toBe('https://instal-serwis.pl');
  expect(normalizeUrl(' www.firma.ro/kontakt?x=1 ')).toBe('https://www.firma.ro/kontakt?x=1');
  expect(normalizeUrl('firma.pl:8080/app')).toBe('https://firma.pl:8080/app');
  expect(normalizeUrl('http://instal-serwis.pl')).toBe('http://instal-serwis.pl');
  expect(normalizeUrl('mailto:biuro@firma.pl')).toBe('mailto:biuro@firma.pl');
  for (const bad of ['instal serwis', 'instal', 'http://', 'https:// firma.pl', '', '.pl']) expect(normalizeUrl(bad)).toBeNull();
  expect(RECORD_FORMATS['web-url']!('instal-serwis.pl')).toBe(true);
});

test('postal codes: PL NN-NNN, RO six digits, by the country a field holds in any case', () => {
  expect(postalCodeCountry('pl')).toBe('PL');
  expect(postalCodeCountry(' RO ')).toBe('RO');
  expect(postalCodeCountry('de')).toBeNull();
  expect(isValidPostalCode('31-864', 'PL')).toBe(true);
  expect(isValidPostalCode('31864', 'PL')).toBe(false);
  expect(isValidPostalCode('abc', 'PL')).toBe(false);
  expect(isValidPostalCode('010011', 'RO')).toBe(true);
  expect(isValidPostalCode('31-864', 'RO')).toBe(false);
  // Without a country: a Polish or Romanian one; with a country field naming another country, any plausible code.
  expect(RECORD_FORMATS['postal-code']!('010011')).toBe(true);
  expect(RECORD_FORMATS['postal-code']!('10115')).toBe(false);
  expect(RECORD_FORMATS['postal-code-any']!('10115')).toBe(true);
  expect(RECORD_FORMATS['postal-code-any']!('SW1A 1AA')).toBe(true);
  expect(RECORD_FORMATS['postal-code-any']!('#1')).toBe(false);
});
