// The codec (part counter included) is shared with the compose dialog in the browser: it must not
// reach a Node module or Node's Buffer, directly or through its imports.
import { readdirSync, readFileSync } from 'node:fs';

const dir = new URL('../../../connectors/sms/codec/', import.meta.url);

test('connectors/sms/codec imports only its own files and uses no Node API', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  expect(files).toEqual(expect.arrayContaining(['index.ts', 'message-parts.ts', 'pdu.ts']));
  for (const file of files) {
    const source = readFileSync(new URL(file, dir), 'utf8').replace(/^\s*\/\/.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '');
    const imports = [...source.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]!);
    for (const target of imports) expect(`${file} → ${target}`).toMatch(/ → \.\/[a-z-]+\.ts$/);
    expect(source).not.toMatch(/\bBuffer\b|\bprocess\.|\brequire\(/);
  }
});
