// AT response framing and error mapping, without a port: chunks cut anywhere, unsolicited codes in
// the middle of a response, the +CMGS prompt, +CMS/+CME codes with their retry verdicts.
import { AtLineDecoder, parseMessageList, parseRegistration, parseSignal, parseStoredMessage, type AtEvent } from '../../../connectors/sms/modem/at-lines.ts';
import { SMS_ERROR_REASONS, cmeError, cmsError } from '../../../connectors/sms/errors.ts';
import { MESSAGES } from '../../../ui/src/app/messages.ts';
import { IncomingAssembly } from '../../../connectors/sms/modem/incoming-assembly.ts';
import { decodePdu, encodeDeliver, type DecodedDeliver } from '../../../connectors/sms/codec/index.ts';

function feedBytewise(decoder: AtLineDecoder, text: string): AtEvent[] {
  return [...text].flatMap((ch) => decoder.feed(ch));
}

test('a response with a +CDS report and a +CMTI interleaved, fed one byte at a time', () => {
  const d = new AtLineDecoder();
  d.commandPending = true;
  const events = feedBytewise(d, '\r\n+CSQ: 21,99\r\n\r\n+CMTI: "SM",3\r\n\r\n+CDS: 25\r\n0006D60B911326880736F4111011719551401110117195714000\r\n\r\nOK\r\n');
  expect(events).toEqual([
    { type: 'line', text: '+CSQ: 21,99' },
    { type: 'urc', urc: { type: 'cmti', storage: 'SM', index: 3 } },
    { type: 'urc', urc: { type: 'cds', pdu: '0006D60B911326880736F4111011719551401110117195714000' } },
    { type: 'final', result: { ok: true } },
  ]);
});

test('the > prompt ends no line and is only taken after AT+CMGS', () => {
  const d = new AtLineDecoder();
  expect(d.feed('\r\n> ')).toEqual([]);
  d.expectPrompt = true;
  expect(d.feed('')).toEqual([{ type: 'prompt' }]);
  expect(d.feed('\r\n+CMGS: 64\r\n\r\nOK\r\n')).toEqual([
    { type: 'line', text: '+CMGS: 64' },
    { type: 'final', result: { ok: true } },
  ]);
});

test('final result codes and noise', () => {
  const d = new AtLineDecoder();
  expect(d.feed('\u0000\u00ff\r\n+CMS ERROR: 330\r\n+CME ERROR: 16\r\nERROR\r\n')).toEqual([
    { type: 'final', result: { ok: false, kind: 'cms', code: 330 } },
    { type: 'final', result: { ok: false, kind: 'cme', code: 16 } },
    { type: 'final', result: { ok: false, kind: 'error', code: null } },
  ]);
});

test('signal, registration, stored messages', () => {
  expect(parseSignal(['+CSQ: 31,0'])).toBe(-51);
  expect(parseSignal(['+CSQ: 99,99'])).toBeNull();
  expect(parseRegistration(['+CREG: 0,5'])).toBe('roaming');
  expect(parseRegistration(['+CREG: 3'])).toBe('denied');
  expect(parseStoredMessage(['+CMGR: 0,,25', 'abcd'])).toBe('ABCD');
  expect(parseMessageList(['+CMGL: 1,0,,3', '00AA', '+CMGL: 4,1,,3', '00BB'])).toEqual([
    { index: 1, pdu: '00AA' },
    { index: 4, pdu: '00BB' },
  ]);
});

test('+CMS/+CME codes: reason, retry verdict, wording in pl/en/ro', () => {
  expect(cmsError(330).info).toMatchObject({ code: 'sms.error.smscUnknown', retry: false });
  expect(cmsError(42).info).toMatchObject({ code: 'sms.error.congestion', retry: true });
  expect(cmsError(38).info).toMatchObject({ code: 'sms.error.networkOutOfOrder', retry: true });
  expect(cmsError(99).info).toMatchObject({ code: 'sms.error.networkOther', retry: false });
  expect(cmsError(600).info).toMatchObject({ code: 'sms.error.unknown', retry: true });
  expect(cmeError(16).info).toMatchObject({ code: 'sms.error.pinWrong', retry: false });
  // Every reason is worded in the app's three languages (ui/src/app/messages.ts).
  for (const lang of ['pl', 'en', 'ro'] as const) {
    for (const reason of SMS_ERROR_REASONS) expect(`${lang} ${reason}: ${(MESSAGES[lang] as Record<string, string>)[`sms.error.${reason}`] ?? ''}`).toMatch(/: \S/);
  }
  expect(MESSAGES.pl['sms.error.pinWrong']).not.toBe(MESSAGES.en['sms.error.pinWrong']);
});

test('incoming parts out of order are joined once all arrived', () => {
  const at = new Date('2026-12-03T10:00:00Z');
  const part = (sequence: number, text: string): DecodedDeliver =>
    decodePdu(encodeDeliver({ originator: '+48501234567', text, at, concatenation: { reference: 9, total: 2, sequence } }).hex) as DecodedDeliver;
  const a = new IncomingAssembly();
  expect(a.add(part(2, 'świat'))).toBeNull();
  expect(a.add(part(1, 'Witaj '))).toEqual({ originator: '+48501234567', text: 'Witaj świat', receivedAt: at.toISOString(), parts: 2, reference: 9 });
  expect(a.add(part(1, 'sam'))).toBeNull();
  expect(a.expire(Date.now() + 25 * 3600_000)).toEqual([expect.objectContaining({ text: 'sam', parts: 1 })]);
});

test('a message’s status from its parts', async () => {
  const { combinePartStatuses } = await import('../../../connectors/sms/provider.ts');
  expect(combinePartStatuses(['queued', 'queued'])).toBe('queued');
  expect(combinePartStatuses(['delivered', 'queued'])).toBe('sent');
  expect(combinePartStatuses(['delivered', 'sent'])).toBe('sent');
  expect(combinePartStatuses(['delivered', 'delivered'])).toBe('delivered');
  expect(combinePartStatuses(['delivered', 'expired'])).toBe('expired');
  expect(combinePartStatuses(['expired', 'failed'])).toBe('failed');
});
