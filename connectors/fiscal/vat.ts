// VAT letters A–G are per-device slots: the device is programmed with a rate per slot (100 =
// exempt, 101 = inactive). Lines are mapped by rate after reading the slots from the device, never
// by a hard-coded letter; a rate the device lacks refuses the receipt with a clear message.
import { fiscalError, type FiscalError } from './errors.ts';

/** A rate in percent (23, 8, 5, 0) or exempt ("zw"). */
export type VatRate = number | 'exempt';
export const VAT_LETTERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G'] as const;
export type VatLetter = (typeof VAT_LETTERS)[number];

export interface VatSlot {
  readonly letter: VatLetter;
  /** 0–6: POSNET's `vt`. */
  readonly index: number;
  readonly rate: VatRate | 'inactive';
}

/** Parses a device's rate value (`23,00`, `08.00`, `100,00`, `101,00`). */
export function parseSlotRate(text: string): VatRate | 'inactive' | null {
  const m = /^\s*(\d{1,3})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const basis = Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
  if (basis === 10000) return 'exempt';
  if (basis === 10100) return 'inactive';
  if (basis > 9999) return null;
  return basis / 100;
}

/** The rate value as devices write it: `23,00` (POSNET) or `23.00` (Thermal). */
export function formatSlotRate(rate: VatRate | 'inactive', separator: ',' | '.'): string {
  const basis = rate === 'exempt' ? 10000 : rate === 'inactive' ? 10100 : Math.round(rate * 100);
  return `${Math.floor(basis / 100)}${separator}${String(basis % 100).padStart(2, '0')}`;
}

export function slotsFromValues(values: readonly string[]): VatSlot[] {
  return VAT_LETTERS.map((letter, index) => ({ letter, index, rate: parseSlotRate(values[index] ?? '101,00') ?? 'inactive' }));
}

function sameRate(a: VatRate, b: VatRate | 'inactive'): boolean {
  if (a === 'exempt' || b === 'exempt' || b === 'inactive') return a === b;
  return Math.round(a * 100) === Math.round(b * 100);
}

/** The slot of a rate: the first active slot holding it (devices may hold a rate twice). */
export function slotFor(slots: readonly VatSlot[], rate: VatRate): VatSlot | null {
  return slots.find((s) => s.rate !== 'inactive' && sameRate(rate, s.rate)) ?? null;
}

export function describeRate(rate: VatRate): string {
  return rate === 'exempt' ? 'zw' : `${rate}%`;
}

/** Every rate of `rates` the device lacks, as an error naming them; null when all are present. */
export function missingRates(slots: readonly VatSlot[], rates: readonly VatRate[]): FiscalError | null {
  const missing = [...new Set(rates.filter((r) => !slotFor(slots, r)).map(describeRate))];
  if (missing.length === 0) return null;
  const present = slots.filter((s) => s.rate !== 'inactive').map((s) => `${s.letter}=${describeRate(s.rate as VatRate)}`).join(', ');
  return fiscalError('vatRateMissing', false, 'tessera', null, `the printer has no slot for ${missing.join(', ')} (it has ${present || 'none'})`);
}

/**
 * The configured slot map (letter → rate), when the administrator wrote one, must match the
 * device: a device reprogrammed behind our back must not print lines under the wrong letter.
 */
export function checkSlotMap(slots: readonly VatSlot[], expected: Readonly<Partial<Record<VatLetter, VatRate | 'inactive'>>>): FiscalError | null {
  const wrong: string[] = [];
  for (const slot of slots) {
    const want = expected[slot.letter];
    if (want === undefined) continue;
    const same = want === 'inactive' ? slot.rate === 'inactive' : sameRate(want, slot.rate);
    if (!same) wrong.push(`${slot.letter}: expected ${want === 'inactive' ? 'inactive' : describeRate(want)}, printer has ${slot.rate === 'inactive' ? 'inactive' : describeRate(slot.rate)}`);
  }
  return wrong.length ? fiscalError('vatSlotsMismatch', false, 'tessera', null, wrong.join('; ')) : null;
}
