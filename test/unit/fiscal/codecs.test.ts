// The fiscal codecs with the reference vectors (docs: ../shared/reference/hardware-sms.md §1):
// CRC-16/XMODEM and POSNET frames, the Thermal XOR checksum and framing, Mazovia, VAT slots, the
// receipt plan, and error codes with their pl/en/ro wording.
import { crc16Xmodem, crcHex } from '../../../connectors/fiscal/posnet/crc.ts';
import { PosnetDeframer, encodeCommand, frameOf, parseReply, replyBody } from '../../../connectors/fiscal/posnet/frame.ts';
import { checksumHex, encodeThermal, parseThermalCommand, ThermalDeframer, thermalAmount, parseThermalAmount } from '../../../connectors/fiscal/thermal/frame.ts';
import { decodeDle, decodeEnq, encodeDle, encodeEnq } from '../../../connectors/fiscal/thermal/status.ts';
import { decodeMazovia, encodeMazovia, mazoviaCanEncode } from '../../../connectors/fiscal/mazovia.ts';
import { textCodec } from '../../../connectors/fiscal/encoding.ts';
import { checkSlotMap, formatSlotRate, parseSlotRate, slotFor, slotsFromValues } from '../../../connectors/fiscal/vat.ts';
import { planReceipt, type Receipt } from '../../../connectors/fiscal/receipt.ts';
import { FiscalError, posnetCommandError, posnetFrameError, thermalError } from '../../../connectors/fiscal/errors.ts';
import { FISCAL_WORDING } from '../../../connectors/fiscal/wording.ts';

const cp1250 = textCodec('windows-1250');
const ascii = (s: string) => Buffer.from(s, 'latin1');

test('CRC-16/XMODEM: the check value and the POSNET vectors', () => {
  expect(crc16Xmodem(ascii('123456789'))).toBe(0x31c3);
  expect(crcHex(ascii('trinit\tbm0\t'))).toBe('4825');
  expect(crcHex(ascii('rtcget\t'))).toBe('7D61');
  expect(crcHex(ascii('ERR\t?5\t'))).toBe('7F84');
});

test('a POSNET command frame is byte-exact, with a token where asked', () => {
  const frame = encodeCommand({ command: 'trinit', params: [['bm', '0']] }, cp1250);
  expect(frame).toEqual(Buffer.concat([Buffer.of(2), ascii('trinit\tbm0\t#4825'), Buffer.of(3)]));
  const withToken = encodeCommand({ command: 'trline', token: 42, params: [['na', 'Jabłka'], ['vt', '1']] }, cp1250);
  const body = withToken.subarray(1, withToken.indexOf(0x23));
  expect(body).toEqual(Buffer.concat([ascii('trline\t@0042\tna'), Buffer.of(0x4a, 0x61, 0x62, 0xb3, 0x6b, 0x61), ascii('\tvt1\t')]));
  expect(withToken.subarray(withToken.indexOf(0x23) + 1, -1).toString('latin1')).toBe(crcHex(body));
  expect(() => encodeCommand({ command: 'trline', params: [['na', 'a\tb']] }, cp1250)).toThrow(/TAB/);
});

test('the deframer takes frames cut anywhere, skips noise and a truncated frame, and flags a bad CRC', () => {
  const good = frameOf(ascii('vatget\tva23,00\tvb8,00\t'));
  const bad = Buffer.from(frameOf(ascii('strns\tto1\t')));
  bad[bad.length - 2] = bad[bad.length - 2] === 0x30 ? 0x31 : 0x30;
  const stream = Buffer.concat([ascii('\x00\xff'), Buffer.of(2), ascii('trli'), good, bad]);
  const d = new PosnetDeframer();
  const results = [...stream].flatMap((b) => d.feed(Buffer.of(b)));
  expect(results).toHaveLength(2);
  expect(results[0]).toEqual({ ok: true, body: ascii('vatget\tva23,00\tvb8,00\t') });
  expect(results[1]).toMatchObject({ ok: false, reason: 'crc' });
});

test('replies: OK with fields and token, a command error ?nnnn, a frame error ERR (both ?n and ern)', () => {
  const ok = parseReply(replyBody('scnt', { token: 7, fields: [['bn', '12'], ['bt', '345'], ['nu', 'ABC12345678']] }, cp1250), cp1250);
  expect(ok).toMatchObject({ command: 'scnt', token: 7, error: null });
  expect(ok.fields.get('bt')).toBe('345');
  const refused = parseReply(ascii('trend\t@0012\t?2008'), cp1250);
  expect(refused).toMatchObject({ command: 'trend', token: 12, error: { kind: 'command', code: 2008 } });
  expect(parseReply(ascii('ERR\t?5\tcmtrline\tfdna\t'), cp1250)).toMatchObject({ command: 'ERR', error: { kind: 'frame', code: 5 }, failedCommand: 'trline', failedField: 'na' });
  expect(parseReply(ascii('ERR\t@8765\ter13\tcmrpt\t'), cp1250)).toMatchObject({ token: 8765, error: { kind: 'frame', code: 13 }, failedCommand: 'rpt' });
});

test('Thermal: the XOR vector, a frame round trip, status bytes', () => {
  expect(checksumHex(ascii('0#i100/'))).toBe('9B');
  const frame = encodeThermal({ params: [1, 0], command: '$l', data: encodeMazovia('Żółw\r1\rA/2.50/2.50/0.00/') });
  expect(frame.subarray(0, 2)).toEqual(Buffer.of(0x1b, 0x50));
  expect(frame.subarray(-2)).toEqual(Buffer.of(0x1b, 0x5c));
  const d = new ThermalDeframer();
  const got = [...Buffer.concat([Buffer.of(0x76), frame])].flatMap((b) => d.feed(Buffer.of(b)));
  expect(got[0]).toEqual({ kind: 'byte', value: 0x76 });
  const parsed = parseThermalCommand((got[1] as { body: Buffer }).body)!;
  expect(parsed).toMatchObject({ params: [1, 0], command: '$l', checksumOk: true });
  expect(decodeMazovia(parsed.data)).toBe('Żółw\r1\rA/2.50/2.50/0.00/');
  const tampered = Buffer.from((got[1] as { body: Buffer }).body);
  tampered[8] = tampered[8]! ^ 1;
  expect(parseThermalCommand(tampered)?.checksumOk).toBe(false);
  const enq = { fiscal: true, command: false, inTransaction: true, lastTransactionOk: false };
  expect(decodeEnq(encodeEnq(enq))).toEqual(enq);
  expect(decodeDle(0b110)).toEqual({ online: true, paperOut: true, error: false });
  expect(encodeDle({ online: true, paperOut: false, error: true })).toBe(0b101);
  expect(thermalAmount(1234)).toBe('12.34');
  expect(thermalAmount(5)).toBe('0.05');
  expect(parseThermalAmount('12.3')).toBe(1230);
});

test('Mazovia: the 18 Polish letters, ASCII as is, anything else as ?', () => {
  const letters = 'ĄĆĘŁŃÓŚŹŻąćęłńóśźż';
  expect([...encodeMazovia(letters)]).toEqual([143, 149, 144, 156, 165, 163, 152, 160, 161, 134, 141, 145, 146, 164, 162, 158, 166, 167]);
  expect(decodeMazovia(encodeMazovia(`Zażółć gęślą jaźń ${letters}`))).toBe(`Zażółć gęślą jaźń ${letters}`);
  expect(encodeMazovia('ăé€')).toEqual(ascii('???'));
  expect(mazoviaCanEncode('Łódź')).toBe(true);
  expect(mazoviaCanEncode('Brașov')).toBe(false);
  // CP852 and Windows-1250 through iconv-lite differ from Mazovia for the same letter.
  expect([...textCodec('cp852').encode('ą')]).toEqual([0xa5]);
  expect([...textCodec('windows-1250').encode('ą')]).toEqual([0xb9]);
});

test('VAT slots are read from the device and lines mapped by rate, never by letter', () => {
  expect(parseSlotRate('23,00')).toBe(23);
  expect(parseSlotRate('08.00')).toBe(8);
  expect(parseSlotRate('100,00')).toBe('exempt');
  expect(parseSlotRate('101,00')).toBe('inactive');
  expect(parseSlotRate('x')).toBeNull();
  expect(formatSlotRate(5, ',')).toBe('5,00');
  expect(formatSlotRate('exempt', '.')).toBe('100.00');
  // The spec's own example programming: 22 % on A, 7 % on B, exempt on G.
  const slots = slotsFromValues(['22,00', '7,00', '101,00', '101,00', '101,00', '101,00', '100,00']);
  expect(slotFor(slots, 7)?.letter).toBe('B');
  expect(slotFor(slots, 'exempt')?.index).toBe(6);
  expect(slotFor(slots, 23)).toBeNull();
  expect(checkSlotMap(slots, { A: 22, G: 'exempt' })).toBeNull();
  expect(checkSlotMap(slots, { A: 23 })?.info.detail).toBe('A: expected 23%, printer has 22%');
});

const SLOTS = slotsFromValues(['23,00', '8,00', '5,00', '0,00', '100,00', '101,00', '101,00']);
const receipt = (over: Partial<Receipt> = {}): Receipt => ({
  lines: [
    { name: 'Kawa ziarnista', quantity: 2, unitPrice: 2999, vatRate: 23 },
    { name: 'Chleb', quantity: 0.5, unitPrice: 899, vatRate: 5, discount: 50 },
  ],
  payments: [{ form: 'cash', amount: 10000 }],
  ...over,
});

test('a receipt plan: amounts, slots, change; refusals name the problem', () => {
  const plan = planReceipt(receipt(), SLOTS);
  if (plan instanceof FiscalError) throw plan;
  expect(plan.lines.map((l) => [l.gross, l.amount, l.slot.letter])).toEqual([[5998, 5998, 'A'], [450, 400, 'C']]);
  expect(plan).toMatchObject({ total: 6398, paid: 10000, change: 3602 });
  const missing = planReceipt(receipt({ lines: [{ name: 'Książka', quantity: 1, unitPrice: 100, vatRate: 7 }] }), SLOTS);
  expect(missing).toBeInstanceOf(FiscalError);
  expect((missing as FiscalError).info).toMatchObject({ code: 'fiscal.error.vatRateMissing', retry: false });
  expect((missing as FiscalError).info.detail).toContain('no slot for 7%');
  expect((planReceipt(receipt({ payments: [{ form: 'card', amount: 100 }] }), SLOTS) as FiscalError).info.reason).toBe('paymentShort');
  expect((planReceipt(receipt({ payments: [{ form: 'card', amount: 7000 }] }), SLOTS) as FiscalError).info.detail).toContain('change');
  expect((planReceipt(receipt({ buyerNip: '123' }), SLOTS) as FiscalError).info.detail).toContain('NIP');
  expect((planReceipt(receipt({ buyerNip: '526-000-12-46' }), SLOTS) as { buyerNip: string }).buyerNip).toBe('5260001246');
  expect((planReceipt(receipt({ lines: [{ name: 'x'.repeat(81), quantity: 1, unitPrice: 1, vatRate: 23 }] }), SLOTS) as FiscalError).info.reason).toBe('invalidReceipt');
});

test('printer error numbers become typed errors with a retry verdict and wording in pl/en/ro', () => {
  expect(posnetFrameError(5).info).toMatchObject({ reason: 'badChecksum', retry: true, source: 'posnet-frame', printerCode: 5 });
  expect(posnetFrameError(13).info.reason).toBe('tokenNotFound');
  expect(posnetCommandError(2106).info).toMatchObject({ reason: 'productRateLocked', retry: false });
  expect(posnetCommandError(382).info.reason).toBe('zeroDailyReport');
  expect(posnetCommandError(9999).info.reason).toBe('printerError');
  expect(thermalError(27).info.reason).toBe('totalMismatch');
  for (const lang of ['pl', 'en', 'ro'] as const) {
    for (const code of [posnetFrameError(5), posnetCommandError(2106), thermalError(40)].map((e) => e.info.code)) expect(FISCAL_WORDING[lang][code]).toMatch(/\S/);
    expect(Object.keys(FISCAL_WORDING[lang]).sort()).toEqual(Object.keys(FISCAL_WORDING.en).sort());
  }
  expect(FISCAL_WORDING.pl['fiscal.error.productRateLocked']).not.toBe(FISCAL_WORDING.en['fiscal.error.productRateLocked']);
});
