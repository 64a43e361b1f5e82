// Tax identifiers of the countries our users come from, checked by their official check-digit rules:
// Polish NIP (10 digits, weights 6,5,7,2,3,4,5,6,7, mod 11) and Romanian CUI/CIF (2–10 digits,
// key 753217532, ×10 mod 11, 10 → 0).

export type TaxIdCountry = 'PL' | 'RO';

export interface TaxIdResult {
  readonly valid: boolean;
  readonly country?: TaxIdCountry;
  /** Digits only, without the EU prefix. */
  readonly normalized?: string;
}

const NIP_WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7] as const;
const CUI_KEY = [7, 5, 3, 2, 1, 7, 5, 3, 2] as const;

export function isValidNip(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  const sum = NIP_WEIGHTS.reduce((acc, weight, i) => acc + weight * Number(digits[i]), 0);
  const check = sum % 11;
  return check !== 10 && check === Number(digits[9]);
}

export function isValidCui(digits: string): boolean {
  if (!/^\d{2,10}$/.test(digits) || digits.startsWith('0')) return false;
  const body = digits.slice(0, -1).padStart(9, '0');
  const sum = CUI_KEY.reduce((acc, weight, i) => acc + weight * Number(body[i]), 0);
  const check = ((sum * 10) % 11) % 10;
  return check === Number(digits[digits.length - 1]);
}

/**
 * Checks a tax id against the accepted systems. Separators (spaces, dashes, dots) are ignored and an
 * EU VAT prefix (PL, RO) selects the system; without a prefix every accepted system is tried.
 */
export function checkTaxId(value: string, accepted: readonly TaxIdCountry[] = ['PL', 'RO']): TaxIdResult {
  const compact = compactTaxId(value);
  const prefixed = /^(PL|RO)(\d+)$/.exec(compact);
  const candidates: TaxIdCountry[] = prefixed ? [prefixed[1] as TaxIdCountry] : [...accepted];
  const digits = prefixed ? prefixed[2]! : compact;
  for (const country of candidates) {
    if (!accepted.includes(country)) continue;
    if (country === 'PL' && isValidNip(digits)) return { valid: true, country, normalized: digits };
    if (country === 'RO' && isValidCui(digits)) return { valid: true, country, normalized: digits };
  }
  return { valid: false };
}

/** The stored form of a tax id: upper case, separators removed, EU prefix kept (in Romania it marks VAT registration). */
export function compactTaxId(value: string): string {
  return value.replace(/[\s.\-/]/g, '').toUpperCase();
}
