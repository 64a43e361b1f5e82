// A BPMN file's bytes → text: the encoding its byte order mark or XML declaration names, and the
// characters XML does not allow.
import { ENCODED_BPMN, encodedBpmn as encoded } from '../../support/bpmn-encodings.ts';
import { bpmnText } from '../../../engine/workflows/bpmn-text.ts';
import { loadDefinitions } from '../../../engine/workflows/index.ts';
import { prepareDeployment } from '../../../engine/workflows/runtime/index.ts';
import { fixtureXml } from './driver.ts';

const latin1 = (text: string) => Buffer.from(text, 'latin1');

describe('decoding', () => {
  test.each(ENCODED_BPMN)('%s: decoded as %s; the text declares UTF-8 and parses', async (fixture, encoding, _, name) => {
    const text = bpmnText(encoded(fixture));
    expect(text).toMatchObject({ ok: true, encoding });
    if (!text.ok) return;
    expect(text.xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions')).toBe(true);
    expect(text.xml).toContain(`name="${name}"`);
    const loaded = await loadDefinitions(encoded(fixture));
    expect(loaded.ok ? loaded.processes.map((p) => p.name) : loaded.problems).toEqual([name]);
  });

  test('a deployment of bytes stores the decoded text', async () => {
    const prepared = await prepareDeployment(encoded('windows-1250'));
    expect(prepared.xml).toContain('Zażółć gęślą jaźń');
    expect(prepared.processes.map((p) => p.graph.processId)).toEqual(['encodedWindows1250']);
    // The stored text parses again as it is (what the engine does when it loads a version).
    expect((await loadDefinitions(prepared.xml)).ok).toBe(true);
  });

  test('UTF-8 is the default, with or without a byte order mark or a declaration', () => {
    const xml = fixtureXml('start-none');
    for (const bytes of [Buffer.from(xml), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml)]), Buffer.from(xml.replace(/^<\?xml[^>]*>\n/, ''))]) {
      const text = bpmnText(bytes);
      expect(text).toMatchObject({ ok: true, encoding: 'utf-8' });
      expect(text.ok && text.xml.startsWith('<')).toBe(true);
    }
  });

  test('a string is text already: its declaration no longer counts', async () => {
    const xml = fixtureXml('start-none').replace('encoding="UTF-8"', "encoding='ISO-8859-1'");
    expect(bpmnText(xml)).toMatchObject({ ok: true, encoding: null, xml: fixtureXml('start-none').replace('encoding="UTF-8"', "encoding='UTF-8'") });
    expect((await loadDefinitions(fixtureXml('start-none').replace('UTF-8', 'ISO-8859-1'))).ok).toBe(true);
  });

  test.each([
    ['an unknown encoding', latin1('<?xml version="1.0" encoding="EBCDIC-XYZ"?>\n<a/>'), 1, 31, /"EBCDIC-XYZ", which is not supported/],
    ['bytes that are not UTF-8', latin1('<?xml version="1.0"?>\n<bpmn:definitions name="Größe"/>'), 2, 27, /not valid UTF-8/],
    ['bytes that are not what the declaration says', Buffer.concat([latin1('<?xml version="1.0" encoding="UTF-8"?>\n<a>\n x'), Buffer.from([0xc3, 0x28]), latin1('</a>')]), 3, 3, /not valid UTF-8 \(the encoding its XML declaration names\)/],
    ['a byte order mark against the declaration', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), latin1('<?xml version="1.0" encoding="windows-1250"?><a/>')]), 1, 31, /UTF-8 \(by its first bytes\) but its XML declaration says "windows-1250"/],
    ['UTF-16 declared on one-byte text', latin1('<?xml version="1.0" encoding="UTF-16"?><a/>'), 1, 31, /does not start like UTF-16/],
  ])('%s is refused with its line and column', (_, bytes, line, column, message) => {
    const text = bpmnText(bytes);
    expect(text).toMatchObject({ ok: false, code: 'BPMN_ENCODING', line, column });
    expect(text.ok ? '' : text.message).toMatch(message);
  });
});

describe('characters XML does not allow', () => {
  const withName = (name: string) => fixtureXml('start-none').replace('id="start"', `id="start" name="${name}"`);
  const lineOf = (xml: string, needle: string) => xml.slice(0, xml.indexOf(needle)).split('\n').length;

  test.each([
    ['a NUL reference', 'a&#0;b', '&#0;'],
    ['a hexadecimal NUL reference', 'a&#x0000;b', '&#x0000;'],
    ['a control character reference', 'a&#x1B;b', '&#x1B;'],
    ['a reference past Unicode', 'a&#x110000;b', '&#x110000;'],
    ['a raw NUL', 'a\u0000b', '\u0000'],
    ['a raw control character', 'a\u0007b', '\u0007'],
    // Built at run time: a lone surrogate does not survive the test's compilation as a literal.
    ['a lone surrogate', `a${String.fromCharCode(0xd800)}b`, String.fromCharCode(0xd800)],
  ])('%s is refused with its line and column', async (_, name, needle) => {
    const xml = withName(name);
    const at = { line: lineOf(xml, needle), column: xml.indexOf(needle) - xml.lastIndexOf('\n', xml.indexOf(needle)) };
    expect(bpmnText(xml)).toMatchObject({ ok: false, code: 'BPMN_INVALID_CHARACTER', ...at });
    // As bytes too (UTF-8 cannot carry a lone surrogate: it becomes U+FFFD, which XML allows).
    if (Buffer.from(xml).toString() === xml) expect(bpmnText(Buffer.from(xml))).toMatchObject({ ok: false, ...at });
    const loaded = await loadDefinitions(xml);
    expect(loaded.ok ? [] : loaded.problems).toEqual([expect.objectContaining({ code: 'BPMN_INVALID_CHARACTER', elementId: null, ...at })]);
  });

  test('tabs, line breaks and other characters, also as references, are fine', async () => {
    const loaded = await loadDefinitions(withName('a&#9;b&#10;c&#xD;d&#xE9;&#x1F600;\u00e9\u{1F600}'));
    expect(loaded.ok ? loaded.processes.length : loaded.problems).toBe(1);
  });
});

describe('whole-file problems carry their place in the file', () => {
  test('malformed XML: the line and column of the parse error', async () => {
    const loaded = await loadDefinitions('<?xml version="1.0"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">\n  <bpmn:process id="p"');
    expect(loaded.ok ? [] : loaded.problems).toEqual([expect.objectContaining({ code: 'BPMN_PARSE_ERROR', line: 3, column: 3 })]);
  });

  test('no executable process: the root element', async () => {
    const loaded = await loadDefinitions(fixtureXml('start-none').replace('isExecutable="true"', 'isExecutable="false"'));
    expect(loaded.ok ? [] : loaded.problems).toEqual([expect.objectContaining({ code: 'BPMN_NO_EXECUTABLE_PROCESS', line: 2, column: 1 })]);
  });
});
