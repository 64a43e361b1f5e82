// `tessera automation export|import <dir>` as users run them (a child process on the database):
// the stored flows become one file per tab (and global.json for configuration nodes), without
// credentials; a changed folder imported is stored as a deploy by `cli`; importing an unchanged
// export changes nothing; a broken folder is refused with a pointer per problem and stores nothing.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tessera } from '../support/cli.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { DatabaseFlowStorage } from '../../engine/automation/storage.ts';

let env: TestPlatform;
let dir: string;
const FLOWS = [
  { id: 'tab1', type: 'tab', label: 'Web form → lead' },
  { id: 'ident', type: 'tessera-identity', name: 'web forms' },
  { id: 'in1', type: 'http in', z: 'tab1', url: '/public/lead', method: 'post', wires: [['c1']] },
  { id: 'tab2', type: 'tab', label: 'Zażółć: nightly rates' },
  { id: 'c1', type: 'tessera-create', z: 'tab1', entity: 'lead', identity: 'ident', wires: [[]] },
  { id: 'inj', type: 'inject', z: 'tab2', wires: [[]] },
];

beforeAll(async () => {
  env = await startTestPlatform();
  dir = mkdtempSync(join(tmpdir(), 'tessera-flows-'));
});
afterAll(async () => {
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('export writes a file per tab without credentials; import stores a changed folder once', async () => {
  const db = { DATABASE_URL: env.platform.db.url };
  const storage = new DatabaseFlowStorage(env.platform.knex, env.platform.keyring);
  await storage.saveFlows(FLOWS as unknown as Parameters<DatabaseFlowStorage['saveFlows']>[0], { username: 'admin' });
  await storage.saveCredentials({ ident: { token: 'tsr_secret-token-of-the-identity' } });

  const exported = await tessera(['automation', 'export', dir], db);
  expect(exported.stderr).toBe('');
  expect(exported.code).toBe(0);
  expect(readdirSync(dir).sort()).toEqual(['01-web-form-lead.json', '02-zazolc-nightly-rates.json', 'global.json']);
  expect(JSON.parse(readFileSync(join(dir, '01-web-form-lead.json'), 'utf8')).map((n: { id: string }) => n.id)).toEqual(['tab1', 'in1', 'c1']);
  expect(JSON.parse(readFileSync(join(dir, 'global.json'), 'utf8'))).toEqual([{ id: 'ident', type: 'tessera-identity', name: 'web forms' }]);
  for (const name of readdirSync(dir)) expect(readFileSync(join(dir, name), 'utf8')).not.toContain('tsr_');

  // The export imported as it is: nothing to store.
  const same = await tessera(['automation', 'import', dir], db);
  expect(same.code).toBe(0);
  expect(same.stdout).toContain('unchanged');
  const deploys = async () => (await env.platform.knex('tessera.automation_deploys').orderBy('id').select('actor_login')).map((r: { actor_login: string | null }) => r.actor_login);
  expect(await deploys()).toEqual(['admin']);

  // Edited in git: the entity type of the create node changes, a tab is removed.
  const first = JSON.parse(readFileSync(join(dir, '01-web-form-lead.json'), 'utf8')) as { id: string; entity?: string }[];
  first.find((n) => n.id === 'c1')!.entity = 'contractor';
  writeFileSync(join(dir, '01-web-form-lead.json'), JSON.stringify(first, null, 2));
  rmSync(join(dir, '02-zazolc-nightly-rates.json'));
  const imported = await tessera(['automation', 'import', dir], db);
  expect(imported.stderr).toBe('');
  expect(imported.stdout).toContain('stored 4 node(s)');
  expect(await deploys()).toEqual(['admin', 'cli']);
  const stored = (await storage.getFlows()) as { id: string; entity?: string }[];
  expect(stored.map((n) => n.id)).toEqual(['tab1', 'in1', 'c1', 'ident']);
  expect(stored.find((n) => n.id === 'c1')!.entity).toBe('contractor');
  // The identity keeps its token (same node id).
  expect(await storage.getCredentials()).toEqual({ ident: { token: 'tsr_secret-token-of-the-identity' } });

  // Broken files: every problem with its pointer, nothing stored.
  writeFileSync(join(dir, '03-broken.json'), JSON.stringify([{ id: 'c1', type: 'debug', z: 'tab1' }, { id: 'x', type: 'debug', z: 'nowhere' }, { type: 'debug' }]));
  const refused = await tessera(['automation', 'import', dir], db);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('/03-broken.json/0/id: the id c1 is also at /01-web-form-lead.json/2');
  expect(refused.stderr).toContain('/03-broken.json/1/z: no tab or subflow nowhere');
  expect(refused.stderr).toContain('/03-broken.json/2/id: must be a non-empty text');
  expect(await deploys()).toEqual(['admin', 'cli']);
  expect((await tessera(['automation', 'import'], db)).code).toBe(2);
}, 120_000);
