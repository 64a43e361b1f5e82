// The PDU codec against published vectors (python-gsmmodem's, gammu's and the dreamfabric
// examples, cross-checked by several decoders), the reference's real +CDS trace, and property
// tests: random Polish/Romanian text survives split → encode → decode → join.
import fc from 'fast-check';
import {
  countParts,
  decodePdu,
  deliveryOutcome,
  encodeDeliver,
  encodeStatusReport,
  encodeSubmit,
  encodeSubmitParts,
  MessageReferenceBook,
  nextMessageReference,
  splitMessage,
  type DecodedDeliver,
  type DecodedStatusReport,
  type DecodedSubmit,
} from '../../../connectors/sms/codec/index.ts';

describe('SMS-SUBMIT encoding matches published vectors', () => {
  test('GSM-7 without SMSC or validity', () => {
    const pdu = encodeSubmit({ destination: '+27820001111', text: 'Hello World!' });
    expect(pdu.hex).toBe('0001000B917228001011F100000CC8329BFD065DDF72363904');
    expect(pdu.tpduLength).toBe(pdu.hex.length / 2 - 1);
  });
  test('GSM-7 with SMSC, relative validity of 3 days, status report and TP-MR 13', () => {
    const pdu = encodeSubmit({ destination: '+31628870634', text: 'www.diafaan.com', messageReference: 13, validityMinutes: 3 * 24 * 60, smsc: '+31624000000', statusReport: true });
    expect(pdu.hex).toBe('07911326040000F0310D0B911326880736F40000A90FF7FBDD454E87CDE1B0DB357EB701');
    expect(pdu.tpduLength).toBe(pdu.hex.length / 2 - 8);
  });
  test('UCS-2 chosen for non-GSM text, validity 52 weeks', () => {
    const pdu = encodeSubmit({ destination: '+123456789', text: '世界您好！', validityMinutes: 52 * 7 * 24 * 60, smsc: '+44000000000' });
    expect(pdu.hex).toBe('07914400000000F01100099121436587F90008F40A4E16754C60A8597DFF01');
  });
  test('status-report request sets SRR (first octet 0x21), as in the real trace of the reference', () => {
    const pdu = encodeSubmit({ destination: '+48600100200', text: 'x', statusReport: true });
    expect(pdu.hex.slice(0, 4)).toBe('0021');
    expect((decodePdu(pdu.hex) as DecodedSubmit).statusReport).toBe(true);
  });
});

describe('decoding SMS-DELIVER and SMS-STATUS-REPORT vectors', () => {
  test('GSM-7 deliver with SMSC and time stamp', () => {
    const d = decodePdu('06917228195339040B917228214365F700003130805120618005D4F29C2E03') as DecodedDeliver;
    expect(d).toMatchObject({ type: 'deliver', smsc: '+2782913593', originator: '+27821234567', text: 'Test2', concatenation: null });
    expect(d.timestamp).toEqual({ utc: '2013-03-08T13:02:16.000Z', offsetMinutes: 120 });
  });
  test('long GSM-7 deliver', () => {
    const d = decodePdu('07915892000000F0040B915892214365F700007040213252242331493A283D0795C3F33C88FE06C9CB6132885EC6D341EDF27C1E3E97E7207B3A0C0A5241E377BB1D7693E72E') as DecodedDeliver;
    expect(d.text).toBe('It is easy to read text messages via AT commands.');
    expect(d.timestamp).toEqual({ utc: '2007-04-12T15:25:42.000Z', offsetMinutes: 480 });
  });
  test('extension table characters', () => {
    expect((decodePdu('06917228195339040B917228214365F70000313062315352800A800D8A5E98D337A910') as DecodedDeliver).text).toBe('@{tést}!');
  });
  test('concatenated part with an 8-bit reference and fill bits', () => {
    const d = decodePdu(
      '0591721891F1400781721881F800003160526104848059050003C30101916536FB1DCABEEB2074D85E064941B19CAB060319A5C522289C96D3D3ED32286C0FA7D96131BBEC024941B19CAB0603DDD36C36A88C87A7E565D0DB0D82C55EB0DB4B068BCD5C20',
    ) as DecodedDeliver;
    expect(d).toMatchObject({ originator: '2781188', smsc: '+2781191', concatenation: { reference: 0xc3, total: 1, sequence: 1 } });
    expect(d.text).toBe('Hello!You have R 19.50 FREE airtime available. R 19.50 will expire on 01/07/2013. ');
  });
  test('status report: TP-MR 214, recipient, delivered', () => {
    const r = decodePdu('0006D60B911326880736F4111011719551401110117195714000') as DecodedStatusReport;
    expect(r).toMatchObject({ type: 'status-report', smsc: null, messageReference: 214, recipient: '+31628870634', status: 0 });
    expect(r.submittedAt.utc).toBe('2011-01-11T16:59:15.000Z');
    expect(r.dischargedAt.utc).toBe('2011-01-11T16:59:17.000Z');
  });
  test('status report printed without the SMSC field', () => {
    const r = decodePdu('06D60B911326880736F4111011719551401110117195714000', { withSmsc: false }) as DecodedStatusReport;
    expect(r.messageReference).toBe(214);
  });
  test('malformed input is a typed error, not a crash', () => {
    expect(() => decodePdu('0006D6')).toThrow(expect.objectContaining({ code: 'sms.pdu.malformed' }));
    expect(() => decodePdu('zz')).toThrow(expect.objectContaining({ code: 'sms.pdu.malformed' }));
  });
});

describe('part counting', () => {
  test('160 GSM-7 characters are one part, 161 are two of 153', () => {
    expect(countParts('a'.repeat(160))).toMatchObject({ encoding: 'gsm7', parts: 1, perPart: 160, remainingInPart: 0 });
    expect(countParts('a'.repeat(161))).toMatchObject({ encoding: 'gsm7', parts: 2, perPart: 153, remainingInPart: 153 - 8 });
    expect(countParts('a'.repeat(306)).parts).toBe(2);
    expect(countParts('a'.repeat(307)).parts).toBe(3);
  });
  test('extension characters cost two septets and are never cut between parts', () => {
    expect(countParts('€'.repeat(80))).toMatchObject({ encoding: 'gsm7', units: 160, parts: 1 });
    const parts = splitMessage('a'.repeat(152) + '€' + 'b'.repeat(10));
    expect(parts).toEqual(['a'.repeat(152), '€' + 'b'.repeat(10)]);
  });
  test('one Polish letter switches the message to UCS-2 and names it', () => {
    const text = 'Zamowienie gotowe do odbioru, zapraszamy. Dziękujemy!';
    const c = countParts(text);
    expect(c).toMatchObject({ encoding: 'ucs2', perPart: 70, parts: 1, ucs2Trigger: { character: 'ę', index: text.indexOf('ę') }, nonGsmCharacters: ['ę'] });
    expect(countParts(text.replace('ę', 'e'))).toMatchObject({ encoding: 'gsm7', perPart: 160, remainingInPart: 160 - text.length });
    expect(countParts('é is GSM-7')).toMatchObject({ encoding: 'gsm7', ucs2Trigger: null });
    for (const ch of 'ąćęłńóśźżăâîșț') expect(countParts(ch).encoding).toBe('ucs2');
  });
  test('70 UCS-2 units are one part, 71 are two of 67; surrogate pairs stay whole', () => {
    expect(countParts('ą'.repeat(70)).parts).toBe(1);
    expect(countParts('ą'.repeat(71))).toMatchObject({ parts: 2, perPart: 67, remainingInPart: 63 });
    const parts = splitMessage('ą'.repeat(66) + '😀' + 'x'.repeat(5));
    expect(parts).toEqual(['ą'.repeat(66), '😀xxxxx']);
  });
});

describe('concatenated SUBMITs', () => {
  test('a 200-character Polish text is 3 UCS-2 parts with one reference and 6-octet header', () => {
    const text = 'Zażółć gęślą jaźń. '.repeat(11).slice(0, 200);
    const parts = encodeSubmitParts({ destination: '+48600100200', text, reference: 77, statusReport: true });
    expect(parts.map((p) => p.text.length)).toEqual([67, 67, 66]);
    const decoded = parts.map((p) => decodePdu(p.hex) as DecodedSubmit);
    expect(decoded.map((d) => d.concatenation)).toEqual([1, 2, 3].map((sequence) => ({ reference: 77, total: 3, sequence })));
    expect(decoded.every((d) => d.coding === 'ucs2' && d.statusReport)).toBe(true);
    expect(decoded.map((d) => d.text).join('')).toBe(text);
    expect(parts[0]!.tpduLength).toBe(1 + 1 + 8 + 2 + 1 + 140); // first, MR, DA (11 digits: length, type, 6 octets), PID+DCS, UDL, UD
  });
  test('GSM-7 parts carry 153 septets after the header (UDL 160)', () => {
    const parts = encodeSubmitParts({ destination: '+40722123456', text: 'x'.repeat(400), reference: 1 });
    expect(parts).toHaveLength(3);
    const udl = parseInt(parts[0]!.hex.slice(2 + 2 + 2 + 16 + 4, 2 + 2 + 2 + 16 + 4 + 2), 16);
    expect(udl).toBe(160);
  });
});

describe('delivery status', () => {
  test('TP-ST classes', () => {
    expect(deliveryOutcome(0x00)).toEqual({ outcome: 'delivered', final: true, status: 0 });
    expect(deliveryOutcome(0x21)).toMatchObject({ outcome: 'pending', final: false });
    expect(deliveryOutcome(0x46)).toMatchObject({ outcome: 'expired', final: true });
    expect(deliveryOutcome(0x41)).toMatchObject({ outcome: 'failed', final: true });
    expect(deliveryOutcome(0x62)).toMatchObject({ outcome: 'failed', final: true });
  });
  test('TP-MR wraps at 255 and reports correlate; temporary status keeps the entry', () => {
    expect(nextMessageReference(255)).toBe(0);
    const book = new MessageReferenceBook<string>();
    book.add(255, 'a');
    book.add(nextMessageReference(255), 'b');
    expect(book.match(0, 0x20)).toMatchObject({ value: 'b', verdict: { outcome: 'pending' } });
    expect(book.match(0, 0x00)).toMatchObject({ value: 'b', verdict: { outcome: 'delivered' } });
    expect(book.match(0, 0x00)).toBeNull();
    expect(book.match(255, 0x45)).toMatchObject({ value: 'a', verdict: { outcome: 'failed' } });
  });
  test('the reference trace: +CMGS: 64 correlates with a report carrying MR 0x40', () => {
    const report = encodeStatusReport({ messageReference: 64, recipient: '+48600100200', submittedAt: new Date(0), dischargedAt: new Date(0), status: 0 });
    expect(report.hex.slice(0, 6)).toBe('000640');
    const book = new MessageReferenceBook<string>();
    book.add(64, 'order 1');
    const r = decodePdu(report.hex) as DecodedStatusReport;
    expect(book.match(r.messageReference, r.status)?.value).toBe('order 1');
  });
});

// Polish and Romanian letters mixed with GSM-7 text, extension characters and an emoji now and then.
const letters = [...'ąćęłńóśźżĄĆĘŁŃÓŚŹŻăâîșțĂÂÎȘȚ', ...'abcdefXYZ 0123.,!?', ...'€[]{}|^~\\', 'é', 'ß', '😀'];
const polishRomanian = fc.array(fc.constantFrom(...letters), { minLength: 0, maxLength: 500 }).map((a) => a.join(''));
const gsmOnly = fc.array(fc.constantFrom(...'abcXYZ 019@£$_€[]{}|^~\\é\n'), { maxLength: 700 }).map((a) => a.join(''));

describe('round trips (property-based)', () => {
  test('SUBMIT parts decode back to the text, each within the part limit', () => {
    fc.assert(
      fc.property(polishRomanian, fc.integer({ min: 0, max: 255 }), (text, reference) => {
        const parts = encodeSubmitParts({ destination: '+48501234567', text, reference });
        const decoded = parts.map((p) => decodePdu(p.hex) as DecodedSubmit);
        expect(decoded.map((d) => d.text).join('')).toBe(text);
        expect(parts.length).toBe(countParts(text).parts);
        for (const p of parts) expect(p.tpduLength).toBeLessThanOrEqual(1 + 1 + 8 + 2 + 1 + 140);
        if (parts.length > 1) for (const d of decoded) expect(d.concatenation?.reference).toBe(reference);
      }),
      { numRuns: 300 },
    );
  });
  test('GSM-7 texts with extension characters survive the septet packing', () => {
    fc.assert(
      fc.property(gsmOnly, (text) => {
        const parts = encodeSubmitParts({ destination: '0722123456', text, reference: 9 });
        expect(parts.map((p) => (decodePdu(p.hex) as DecodedSubmit).text).join('')).toBe(text);
        expect(countParts(text).encoding).toBe('gsm7');
      }),
      { numRuns: 300 },
    );
  });
  test('DELIVER round trip keeps originator, time and text', () => {
    fc.assert(
      fc.property(polishRomanian.filter((t) => countParts(t).parts === 1), fc.integer({ min: 946684800 + 86400, max: 4102444799 - 86400 }) /* two-digit years: 2000–2099 local */, fc.integer({ min: -48, max: 56 }), (text, seconds, quarters) => {
        const at = new Date(seconds * 1000);
        const d = decodePdu(encodeDeliver({ originator: '+40722123456', text, at, offsetMinutes: quarters * 15 }).hex) as DecodedDeliver;
        expect(d).toMatchObject({ originator: '+40722123456', text, timestamp: { utc: at.toISOString(), offsetMinutes: quarters * 15 } });
      }),
      { numRuns: 200 },
    );
  });
});
