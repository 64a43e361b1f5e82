// The string formats of record schemas beyond JSON Schema's own: tax ids (check digits), web
// addresses (a bare domain is accepted and stored with https://) and postal codes per country. One
// registry: the server's ajv and the browser's schema check register the same functions, and the
// records service and the forms normalise with the same code, so both word a value alike.
import type { Field } from './schema/types.generated.ts';
import { checkTaxId, type TaxIdCountry } from './tax-id.ts';

export type FormatCheck = (value: string) => boolean;

/** Countries whose postal codes we check, and their shape. */
export const POSTAL_CODE_PATTERNS = { PL: /^\d{2}-\d{3}$/, RO: /^\d{6}$/ } as const;
export type PostalCodeCountry = keyof typeof POSTAL_CODE_PATTERNS;
export const POSTAL_CODE_SHAPES: Readonly<Record<PostalCodeCountry, string>> = { PL: 'NN-NNN', RO: 'NNNNNN' };

/** A postal code of some country: letters, digits, spaces and dashes (the per-country check is stricter). */
const ANY_POSTAL_CODE = /^[A-Za-z0-9](?:[A-Za-z0-9 -]{0,10}[A-Za-z0-9])?$/;

/** The country a value of a country field names, when we check its postal codes ("pl", "PL"). */
export function postalCodeCountry(country: unknown): PostalCodeCountry | null {
  const code = typeof country === 'string' ? country.trim().toUpperCase() : '';
  return code in POSTAL_CODE_PATTERNS ? (code as PostalCodeCountry) : null;
}

/** Whether a postal code is valid for the country (null: any country we know, or the generic shape when `any`). */
export function isValidPostalCode(value: string, country: PostalCodeCountry | null, options: { anyCountry?: boolean } = {}): boolean {
  const code = value.trim();
  if (country) return POSTAL_CODE_PATTERNS[country].test(code);
  if (options.anyCountry) return ANY_POSTAL_CODE.test(code);
  return Object.values(POSTAL_CODE_PATTERNS).some((re) => re.test(code));
}

/** The problem detail of a postal code that does not fit its country (the same words in browser and server). */
export const postalCodeDetail = (country: PostalCodeCountry | null): string =>
  country ? `is not a valid postal code in ${country} (${POSTAL_CODE_SHAPES[country]})` : 'is not a valid postal code';

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?(?::\d{1,5})?(?:[/?#]\S*)?$/i;

/**
 * A web address as stored: with a scheme it must parse as a URL; without one it must look like a
 * host name (instal-serwis.pl, www.firma.ro/kontakt) and gets https:// in front. Null when invalid.
 */
export function normalizeUrl(value: string): string | null {
  const text = value.trim();
  if (text === '' || /\s/.test(text)) return null;
  if (SCHEME.test(text)) {
    try {
      const url = new URL(text);
      // "http:" alone, or "firma.pl:8080" read as a scheme: a web URL needs a host.
      if ((url.protocol === 'http:' || url.protocol === 'https:') && !url.hostname) return null;
      if (/^[a-z0-9.-]+\.[a-z]{2,63}:\d+/i.test(text)) return HOST.test(text) ? `https://${text}` : null;
      return text;
    } catch {
      return null;
    }
  }
  return HOST.test(text) ? `https://${text}` : null;
}

export const isValidUrl: FormatCheck = (value) => normalizeUrl(value) !== null;

/** Tax id formats of taxId fields, by accepted countries. */
export const TAX_ID_FORMATS = { 'tax-id': ['PL', 'RO'], 'tax-id-pl': ['PL'], 'tax-id-ro': ['RO'] } as const;
export type TaxIdFormat = keyof typeof TAX_ID_FORMATS;

/** Every custom format of record schemas: name → check. */
export const RECORD_FORMATS: Readonly<Record<string, FormatCheck>> = {
  ...Object.fromEntries(Object.entries(TAX_ID_FORMATS).map(([name, countries]) => [name, (value: string) => checkTaxId(value, countries as readonly TaxIdCountry[]).valid])),
  'web-url': isValidUrl,
  'postal-code': (value) => isValidPostalCode(value, null),
  'postal-code-any': (value) => isValidPostalCode(value, null, { anyCountry: true }),
};

/** The problem detail of a value that does not match a custom format (undefined: not one of ours). */
export function formatDetail(format: string): string | undefined {
  if (format.startsWith('tax-id')) return 'is not a valid tax id (NIP or CUI check digit)';
  if (format === 'web-url') return 'must be a valid web address';
  if (format.startsWith('postal-code')) return 'is not a valid postal code';
  return undefined;
}

/**
 * Postal code fields whose country is another field: the value must fit that country (checked over
 * the whole record). `written`: only where the write sets the code or its country, so a record
 * stored before the check can still be edited elsewhere.
 */
export function postalCodeProblems(fields: readonly Field[], record: Readonly<Record<string, unknown>>, written?: Readonly<Record<string, unknown>>): { pointer: string; detail: string; code: string }[] {
  const problems: { pointer: string; detail: string; code: string }[] = [];
  for (const field of fields) {
    if (field.type !== 'string' || field.format !== 'postalCode' || !field.countryField) continue;
    if (written && !(field.name in written) && !(field.countryField in written)) continue;
    const value = record[field.name];
    const country = postalCodeCountry(record[field.countryField]);
    if (typeof value === 'string' && value !== '' && country && !isValidPostalCode(value, country)) problems.push({ pointer: `/${field.name}`, detail: postalCodeDetail(country), code: 'FORMAT' });
  }
  return problems;
}
