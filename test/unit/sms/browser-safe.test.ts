// The codec is browser-safe: it must not reach a Node module or Node's Buffer, directly or through
// its imports. Its alphabet and part counter live in metadata/sms/ (reached through
// metadata/browser.ts, which the architecture test keeps browser-safe), shared with the compose dialog.
import { readdirSync, readFileSync } from 'node:fs';

const dir = new URL('../../../connectors/sms/codec/', import.meta.url);

test('connectors/sms/codec imports only its own files and uses no Node API', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  expect(files).toEqual(expect.arrayContaining(['index.ts', 'pdu.ts']));
  for (const file of files) {
    const source = readFileSync(new URL(file, dir), 'utf8').replace(/^\s*\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
    const imports = [...source.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!);
    for (const target of imports) expect(`${file} → ${target}`).toMatch(/ → (\.\/[a-z-]+\.ts|\.\.\/\.\.\/\.\.\/metadata\/browser\.ts)$/);
    expect(source).not.toMatch(/\bBuffer\b|\bprocess\.|\brequire\(/);
  }
});

test('the part counter and alphabet in metadata/sms import only each other', () => {
  const sms = new URL('../../../metadata/sms/', import.meta.url);
  for (const file of readdirSync(sms).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(new URL(file, sms), 'utf8');
    for (const m of source.matchAll(/from\s+'([^']+)'/g)) expect(`${file} → ${m[1]}`).toMatch(/ → \.\/[a-z-]+\.ts$/);
    expect(source).not.toMatch(/\bBuffer\b|\bprocess\.|\brequire\(/);
  }
});
