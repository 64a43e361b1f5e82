// Phone numbers to E.164 with libphonenumber-js (full metadata, so the number type is known: an
// SMS to a landline is refused before it costs anything). Pure: the default region comes from the
// caller (the business country), never from the machine.
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString, validatePhoneNumberLength } from 'libphonenumber-js/max';

export type PhoneNumberType = 'mobile' | 'fixed-line' | 'fixed-line-or-mobile' | 'other' | 'unknown';

export type PhoneNumberResult =
  | { ok: true; e164: string; country: string | null; type: PhoneNumberType; national: string; international: string }
  | { ok: false; code: 'phone.empty' | 'phone.invalid' | 'phone.tooShort' | 'phone.tooLong' | 'phone.unknownRegion' };

function typeOf(raw: string | undefined): PhoneNumberType {
  switch (raw) {
    case 'MOBILE':
      return 'mobile';
    case 'FIXED_LINE':
      return 'fixed-line';
    case 'FIXED_LINE_OR_MOBILE':
      return 'fixed-line-or-mobile';
    case undefined:
      return 'unknown';
    default:
      return 'other';
  }
}

/** Any way a person writes a number (`600 100 200`, `0048 600-100-200`, `+40 722 123 456`,
 * `0722 123 456`) → E.164. `defaultRegion` (ISO 3166 alpha-2, e.g. PL, RO) is used when the
 * number has no country code. */
export function normalisePhoneNumber(input: string, defaultRegion: string): PhoneNumberResult {
  const text = input.trim();
  if (!text) return { ok: false, code: 'phone.empty' };
  const region = defaultRegion.toUpperCase();
  if (!isSupportedCountry(region)) return { ok: false, code: 'phone.unknownRegion' };
  const parsed = parsePhoneNumberFromString(text, region as CountryCode);
  if (!parsed || !parsed.isValid()) {
    const length = validatePhoneNumberLength(text, region as CountryCode);
    if (length === 'TOO_SHORT' || length === 'NOT_A_NUMBER') return { ok: false, code: 'phone.tooShort' };
    if (length === 'TOO_LONG') return { ok: false, code: 'phone.tooLong' };
    return { ok: false, code: 'phone.invalid' };
  }
  return {
    ok: true,
    e164: parsed.number,
    country: parsed.country ?? null,
    type: typeOf(parsed.getType()),
    national: parsed.formatNational(),
    international: parsed.formatInternational(),
  };
}

/** Whether a number can receive SMS as far as the numbering plan tells: mobile, or a plan that
 * does not distinguish (e.g. the US). */
export function canReceiveSms(result: PhoneNumberResult): boolean {
  return result.ok && (result.type === 'mobile' || result.type === 'fixed-line-or-mobile' || result.type === 'unknown');
}

/** Whether two written numbers are the same line (for matching an incoming SMS to a person). */
export function samePhoneNumber(a: string, b: string, defaultRegion: string): boolean {
  const x = normalisePhoneNumber(a, defaultRegion);
  const y = normalisePhoneNumber(b, defaultRegion);
  return x.ok && y.ok && x.e164 === y.e164;
}
