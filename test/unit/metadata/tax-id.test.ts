// Polish NIP and Romanian CUI/CIF. Valid numbers come from published examples and from an
// independent implementation of each check-digit rule written here.
import { checkTaxId, compactTaxId, isValidCui, isValidNip } from '../../../metadata/index.ts';

/** NIP check digit of 9 digits, or null when the weighted sum leaves 10 (no valid NIP starts so). */
function nipCheckDigit(body: string): number | null {
  const weights = '657234567';
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(body.charAt(i)) * Number(weights.charAt(i));
  const rest = sum % 11;
  return rest === 10 ? null : rest;
}

/** CUI check digit: body digits and the key 753217532 aligned on the right, sum × 10 mod 11, 10 → 0. */
function cuiCheckDigit(body: string): number {
  const key = '753217532';
  let sum = 0;
  for (let k = 1; k <= body.length; k++) sum += Number(body.charAt(body.length - k)) * Number(key.charAt(key.length - k));
  const rest = (sum * 10) % 11;
  return rest === 10 ? 0 : rest;
}

/** Deterministic digits, so a failure can be reproduced. */
function* digitStrings(length: number, count: number, seed = 20240601): Generator<string> {
  let x = seed;
  for (let n = 0; n < count; n++) {
    let s = '';
    for (let i = 0; i < length; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      s += String(Math.floor((x / 2147483648) * 10));
    }
    yield s;
  }
}

describe('Polish NIP', () => {
  test.each(['5260250274', '1234563218', '7251801126'])('published example %s is valid', (nip) => {
    expect(isValidNip(nip)).toBe(true);
  });

  test('every NIP built by the rule is valid and every other check digit is not', () => {
    let checked = 0;
    for (const body of digitStrings(9, 300)) {
      const check = nipCheckDigit(body);
      for (let d = 0; d <= 9; d++) expect(isValidNip(`${body}${d}`)).toBe(d === check);
      checked++;
    }
    expect(checked).toBe(300);
  });

  test('a body whose weighted sum leaves 10 has no valid NIP', () => {
    const body = [...digitStrings(9, 500, 7)].find((b) => nipCheckDigit(b) === null);
    expect(body).toBeDefined();
    for (let d = 0; d <= 9; d++) expect(isValidNip(`${body}${d}`)).toBe(false);
  });

  test.each(['526025027', '52602502740', '526025027a', '', '526 025 02 74'])('%p is not 10 digits', (value) => {
    expect(isValidNip(value)).toBe(false);
  });
});

describe('Romanian CUI/CIF', () => {
  test.each(['18547290', '14399840'])('published example %s is valid', (cui) => {
    expect(isValidCui(cui)).toBe(true);
  });

  test('every CUI of 2 to 10 digits built by the rule is valid and every other check digit is not', () => {
    for (let length = 1; length <= 9; length++) {
      for (const raw of digitStrings(length, 40, length)) {
        const body = raw.replace(/^0/, '1');
        const check = cuiCheckDigit(body);
        for (let d = 0; d <= 9; d++) expect(isValidCui(`${body}${d}`)).toBe(d === check);
      }
    }
  });

  test('the shortest CUI has two digits', () => {
    expect(isValidCui('19')).toBe(true);
    expect(isValidCui('9')).toBe(false);
  });

  test('a CUI does not start with 0 and has at most 10 digits', () => {
    expect(isValidCui(`0${'18547290'}`)).toBe(false);
    const body = '1234567890';
    expect(isValidCui(`${body}${cuiCheckDigit(body)}`)).toBe(false);
    expect(isValidCui('RO18547290')).toBe(false);
  });
});

describe('checkTaxId', () => {
  test('separators are ignored: spaces, dashes, dots, slashes', () => {
    for (const value of ['526-025-02-74', '526 025 02 74', '526.025.02.74', '526/025/02/74', ' 5260250274 ']) {
      expect(checkTaxId(value)).toEqual({ valid: true, country: 'PL', normalized: '5260250274' });
    }
  });

  test('the EU prefix selects the system, in any case, with separators', () => {
    expect(checkTaxId('PL5260250274')).toEqual({ valid: true, country: 'PL', normalized: '5260250274' });
    expect(checkTaxId('pl 526-025-02-74')).toEqual({ valid: true, country: 'PL', normalized: '5260250274' });
    expect(checkTaxId('RO18547290')).toEqual({ valid: true, country: 'RO', normalized: '18547290' });
    expect(checkTaxId('ro 1854 7290')).toEqual({ valid: true, country: 'RO', normalized: '18547290' });
  });

  test('a prefix for the wrong system is invalid even when the digits are valid elsewhere', () => {
    expect(checkTaxId('PL18547290')).toEqual({ valid: false });
    expect(isValidCui('5260250274')).toBe(cuiCheckDigit('526025027') === 4);
    expect(checkTaxId('RO5260250274').valid).toBe(isValidCui('5260250274'));
  });

  test('without a prefix every accepted system is tried', () => {
    expect(checkTaxId('18547290')).toEqual({ valid: true, country: 'RO', normalized: '18547290' });
    expect(checkTaxId('18547290', ['PL'])).toEqual({ valid: false });
    expect(checkTaxId('5260250274', ['RO']).valid).toBe(isValidCui('5260250274'));
  });

  test('a prefix of a system that is not accepted is invalid', () => {
    expect(checkTaxId('RO18547290', ['PL'])).toEqual({ valid: false });
    expect(checkTaxId('PL5260250274', ['RO'])).toEqual({ valid: false });
  });

  test('a number valid in both systems takes the first accepted one', () => {
    const both = [...digitStrings(9, 2000, 99)].map((b) => (b.startsWith('0') ? `1${b.slice(1)}` : b)).find((b) => nipCheckDigit(b) !== null && nipCheckDigit(b) === cuiCheckDigit(b));
    expect(both).toBeDefined();
    const value = `${both}${nipCheckDigit(both!)}`;
    expect(checkTaxId(value)).toMatchObject({ valid: true, country: 'PL' });
    expect(checkTaxId(value, ['RO', 'PL'])).toMatchObject({ valid: true, country: 'RO' });
  });

  test.each(['', 'PL', 'DE123456789', 'NIP 5260250274', '5260250275', 'PL526025027'])('%p is invalid', (value) => {
    expect(checkTaxId(value)).toEqual({ valid: false });
  });

  test('compactTaxId keeps the prefix, upper-cases and drops separators', () => {
    expect(compactTaxId('pl 526-025-02-74')).toBe('PL5260250274');
    expect(compactTaxId('RO 18.547.290')).toBe('RO18547290');
    expect(compactTaxId('526/025/02/74')).toBe('5260250274');
  });
});
