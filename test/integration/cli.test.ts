// The `tessera` command line as users run it: a child process, real exit codes and messages.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSession, DEFAULT_SESSION_POLICY, getUser, verifyCredentials } from '../../engine/access/index.ts';
import { connectors } from '../../connectors/index.ts';
import { startPlatform } from '../../engine/platform.ts';
import { loadPackageDir } from '../../metadata/index.ts';
import { createTestUser, TEST_PASSWORD } from '../support/auth.ts';
import { tessera } from '../support/cli.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';

const MINI = fileURLToPath(new URL('../fixtures/packages/crm-mini/', import.meta.url));

let env: TestPlatform;
beforeAll(async () => {
  env = await startTestPlatform();
});
afterAll(async () => {
  await env?.close();
});

test('meta validate: a valid package exits 0, an invalid one prints each problem with file and pointer and exits 1', async () => {
  const ok = await tessera(['meta', 'validate', MINI]);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('valid (4 entity types');
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
  cpSync(MINI, dir, { recursive: true });
  const file = join(dir, 'entities/person.json');
  const person = JSON.parse(readFileSync(file, 'utf8'));
  person.fields[2].target = 'company';
  writeFileSync(file, JSON.stringify(person));
  writeFileSync(join(dir, 'entities/broken.json'), '{ "kind": ');
  const bad = await tessera(['meta', 'validate', dir]);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('entities/broken.json: invalid JSON');
  expect(bad.stderr).not.toContain('entities/person.json'); // semantic checks wait for a schema-valid package
  rmSync(join(dir, 'entities/broken.json'));
  const semantic = await tessera(['meta', 'validate', dir]);
  expect(semantic.code).toBe(1);
  expect(semantic.stderr).toContain('entities/person.json#/fields/2/target: unknown entity type "company" [META_UNKNOWN_ENTITY]');
  const bad2 = await tessera(['meta', 'validate', MINI.replace('crm-mini', 'nope')]);
  expect(bad2.code).toBe(1);
});

test('usage errors exit 2 with the usage text', async () => {
  const res = await tessera(['frobnicate']);
  expect(res.code).toBe(2);
  expect(res.stderr).toContain('unknown command "frobnicate"');
  expect(res.stderr).toContain('usage: tessera');
});

test('meta plan and apply against a database, then types', async () => {
  const db = { DATABASE_URL: env.platform.db.url };
  const plan = await tessera(['meta', 'plan', MINI], db);
  expect(plan.code).toBe(0);
  expect(plan.stdout).toContain('plan against metadata version 0');
  expect(plan.stdout).toContain('- create table contractor');
  const apply = await tessera(['meta', 'apply', MINI], db);
  expect(apply.code).toBe(0);
  expect(apply.stdout).toContain('applied metadata version 1');
  const cols = await env.platform.knex.raw(`SELECT column_name FROM information_schema.columns WHERE table_name = 'deal' AND table_schema = 'public'`);
  expect(cols.rows.map((r: { column_name: string }) => r.column_name)).toEqual(expect.arrayContaining(['stage', 'value', 'value_currency']));
  const again = await tessera(['meta', 'apply', MINI], db);
  expect(again.stdout).toContain('unchanged');
  const types = await tessera(['types'], db);
  expect(types.code).toBe(0);
  expect(types.stdout).toContain('export interface Contractor {');
  expect(types.stdout).toMatch(/stage: 'new' \| 'meeting' \| 'offer' \| 'negotiation' \| 'won' \| 'lost' \| null;/);
  // The generated file is valid TypeScript: no name declared twice.
  const declared = [...types.stdout.matchAll(/^export (?:type|interface) (\w+)/gm)].map((m) => m[1]);
  expect(new Set(declared).size).toBe(declared.length);
});

test('a destructive apply is refused without --allow-destructive and exits 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
  cpSync(MINI, dir, { recursive: true });
  const file = join(dir, 'entities/contractor.json');
  const contractor = JSON.parse(readFileSync(file, 'utf8'));
  contractor.fields = contractor.fields.filter((f: { name: string }) => f.name !== 'since');
  writeFileSync(file, JSON.stringify(contractor));
  const db = { DATABASE_URL: env.platform.db.url };
  const refused = await tessera(['meta', 'apply', dir], db);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('archive column contractor.since');
  const allowed = await tessera(['meta', 'apply', dir, '--allow-destructive'], db);
  expect(allowed.code).toBe(0);
});

describe('commands find the running server and never create a database (issue #10, item 20)', () => {
  const noServer = (dir: string) => ({ TESSERA_DATA_DIR: dir, DATABASE_URL: '' });

  test('run where no server and no database are, a command says so, names the directory it looked in, exits 1 and creates nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-empty-'));
    try {
      for (const args of [['meta', 'plan', MINI], ['meta', 'apply', MINI], ['types'], ['workflows', 'deploy', MINI], ['users', 'reset-password', 'admin']]) {
        const res = await tessera(args, noServer(dir));
        expect({ args, code: res.code }).toEqual({ args, code: 1 });
        expect(res.stderr).toContain(`no Tessera server is running on the data directory ${dir}, and it holds no database`);
        expect(res.stderr).toContain('tessera start');
        expect(res.stdout).not.toContain('plan against metadata version');
      }
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("with a server on the data directory, a command works on the server's database; with the server stopped, on that database", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-served-'));
    // As `tessera start` runs: with the shipped connectors, whose metadata (the calendar's accounts) the
    // apply merges in, so the CLI (which loads the same list) finds nothing of theirs left to apply.
    const served = await startPlatform({ dataDir: dir, connectors });
    try {
      const { package: files } = await loadPackageDir(MINI);
      await served.applyMetadata(files, { source: 'cli' });
      const plan = await tessera(['meta', 'plan', MINI], noServer(dir));
      expect(plan.stderr).toBe('');
      expect(plan.stdout).toContain('plan against metadata version 1: 0 step(s)');
    } finally {
      await served.close();
    }
    try {
      const types = await tessera(['types'], noServer(dir));
      expect(types.code).toBe(0);
      expect(types.stdout).toContain('export interface Contractor {');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('tessera users reset-password (issue #10, item 21)', () => {
  test('prints a temporary password once, ends the sessions, and the old password stops working', async () => {
    const db = { DATABASE_URL: env.platform.db.url };
    const id = await createTestUser(env.platform, { login: 'forgetful', isAdmin: true });
    await createSession(env.platform.knex, id, {}, DEFAULT_SESSION_POLICY);
    const res = await tessera(['users', 'reset-password', 'Forgetful'], db);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const password = /new temporary password of forgetful: (\S+)/.exec(res.stdout)?.[1];
    expect(password).toMatch(/^[\w-]{16}$/);
    expect(res.stdout).toContain('chooses their own password at the next sign-in');
    expect(await verifyCredentials(env.platform.knex, 'forgetful', password!)).toBe(id);
    expect(await verifyCredentials(env.platform.knex, 'forgetful', TEST_PASSWORD)).toBeNull();
    expect((await getUser(env.platform.knex, id)).mustChangePassword).toBe(true);
    expect(await env.platform.knex('tessera.sessions').where({ user_id: id }).count({ n: '*' }).first()).toEqual({ n: 0 });
    const audit = await env.platform.knex('tessera.audit_log').where({ entity: 'user', record_id: id, action: 'update' }).first('via', 'changes');
    expect(audit).toMatchObject({ via: 'system', changes: { password: ['***', '***'], mustChangePassword: [false, true] } });
  });

  test('an unknown login exits 1, a missing one is a usage error', async () => {
    const db = { DATABASE_URL: env.platform.db.url };
    const unknown = await tessera(['users', 'reset-password', 'nobody'], db);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no user with the login "nobody"');
    const missing = await tessera(['users', 'reset-password'], db);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing <login>');
  });
});
