// `tessera backup` and `tessera restore` as users run them (child processes, real exit codes): the
// embedded database copied while its server runs and restored into an empty directory; a server
// database through pg_dump/pg_restore (where TESSERA_TEST_PG_URL gives one); damaged archives and
// occupied targets refused with nothing restored.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { create, extract } from 'tar';
import { startPlatform, type Platform } from '../../engine/platform.ts';
import { tessera } from '../support/cli.ts';
import { createServerDatabase, testDatabaseKind } from '../support/database.ts';

const MINI = fileURLToPath(new URL('../fixtures/packages/crm-mini/', import.meta.url));
const kind = testDatabaseKind();

async function names(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ name: string }>('SELECT name FROM contractor ORDER BY name')).rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

/** The archive again with one byte of its database dump changed and the manifest left as it was. */
async function tampered(file: string, into: string): Promise<string> {
  const dir = join(into, 'tamper');
  mkdirSync(dir);
  await extract({ file, cwd: dir });
  const dump = readdirSync(dir).find((name) => name !== 'manifest.json' && name !== 'secret.key')!;
  const bytes = readFileSync(join(dir, dump));
  const middle = bytes.length >> 1;
  bytes[middle] = bytes[middle]! ^ 0xff;
  writeFileSync(join(dir, dump), bytes);
  const out = join(into, 'tampered.tar');
  await create({ file: out, cwd: dir }, readdirSync(dir));
  return out;
}

(kind === 'embedded' ? describe : describe.skip)('the embedded database', () => {
  let root: string;
  let source: string;
  let platform: Platform | null = null;
  const at = (dataDir: string) => ({ TESSERA_DATA_DIR: dataDir, DATABASE_URL: '' });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tessera-backup-'));
    source = join(root, 'source');
    platform = await startPlatform({ dataDir: source, listen: true });
    const apply = await tessera(['meta', 'apply', MINI], at(source));
    expect(apply.stderr).toBe('');
    await platform.knex('contractor').insert({ name: 'Written before the backup' });
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('a backup taken while the server runs restores into an empty directory, with what was written before it and not after', async () => {
    const file = join(root, 'running.tar');
    const backup = await tessera(['backup', file, '--include-secret-key'], at(source));
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/backup written to .*running\.tar: embedded database [\d.]+, metadata version 1/);
    await platform!.knex('contractor').insert({ name: 'Written after the backup' });

    const again = await tessera(['backup', file], at(source));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists already');

    const target = join(root, 'restored');
    const restore = await tessera(['restore', file], at(target));
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('metadata version 1');
    expect(readFileSync(join(target, 'secret.key'))).toEqual(readFileSync(join(source, 'secret.key')));

    // Not over a restored (or any non-empty) directory.
    const over = await tessera(['restore', file], at(target));
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('is not empty');

    const restored = await startPlatform({ dataDir: target });
    try {
      expect(await names(restored.db.url)).toEqual(['Written before the backup']);
      expect(restored.runtime.snapshot.version).toBe(1);
    } finally {
      await restored.close();
    }
  }, 120_000);

  test('without --include-secret-key the key stays out and the command says where it is', async () => {
    const file = join(root, 'no-key.tar');
    const backup = await tessera(['backup', file], at(source));
    expect(backup.code).toBe(0);
    expect(backup.stderr).toContain('the secret key is not in the backup');
    const target = join(root, 'no-key');
    expect((await tessera(['restore', file], at(target))).code).toBe(0);
    expect(existsSync(join(target, 'secret.key'))).toBe(false);
  }, 120_000);

  test('a damaged archive, a file that is no archive, or a backup of the other kind of database restores nothing', async () => {
    const file = join(root, 'for-damage.tar');
    expect((await tessera(['backup', file], at(source))).code).toBe(0);
    const target = join(root, 'never');

    const changed = await tessera(['restore', await tampered(file, root)], at(target));
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('does not match its checksum');

    const garbage = join(root, 'garbage.tar');
    writeFileSync(garbage, 'this is not a backup at all, just some text');
    const notArchive = await tessera(['restore', garbage], at(target));
    expect(notArchive.code).toBe(1);
    expect(notArchive.stderr).toMatch(/not a (readable )?Tessera backup/);

    const missing = await tessera(['restore', join(root, 'nope.tar')], at(target));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');

    const wrongKind = await tessera(['restore', file], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', TESSERA_DATA_DIR: target });
    expect(wrongKind.code).toBe(1);
    expect(wrongKind.stderr).toContain('backup of the embedded database');
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(root).some((name) => name.includes('.restoring-'))).toBe(false);
  }, 120_000);

  test('with no server running the command opens the directory itself; an empty directory has nothing to back up', async () => {
    await platform!.close();
    platform = null;
    const file = join(root, 'stopped.tar');
    const backup = await tessera(['backup', file], at(source));
    expect(backup.code).toBe(0);
    const target = join(root, 'from-stopped');
    expect((await tessera(['restore', file], at(target))).code).toBe(0);
    const restored = await startPlatform({ dataDir: target });
    try {
      expect(await names(restored.db.url)).toEqual(['Written after the backup', 'Written before the backup']);
    } finally {
      await restored.close();
    }
    const empty = await tessera(['backup', join(root, 'empty.tar')], at(join(root, 'no-database-here')));
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('holds no database');
  }, 120_000);
});

(kind === 'server' ? describe : describe.skip)('a PostgreSQL server database (pg_dump, pg_restore)', () => {
  const adminUrl = process.env.TESSERA_TEST_PG_URL!;
  let root: string;
  const databases: { url: string; drop(): Promise<void> }[] = [];
  const database = async () => {
    const db = await createServerDatabase(adminUrl);
    databases.push(db);
    return db.url;
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tessera-backup-pg-'));
  });
  afterAll(async () => {
    for (const db of databases) await db.drop();
    rmSync(root, { recursive: true, force: true });
  });

  test('a dump restores in one transaction into an empty database, and never into one that holds tables', async () => {
    const source = await database();
    const env = (url: string) => ({ DATABASE_URL: url, TESSERA_DATA_DIR: join(root, 'data') });
    expect((await tessera(['meta', 'apply', MINI], env(source))).code).toBe(0);
    const client = new pg.Client({ connectionString: source });
    await client.connect();
    await client.query(`INSERT INTO contractor (name) VALUES ('On the server')`);
    await client.end();

    const file = join(root, 'server.tar');
    const backup = await tessera(['backup', file], env(source));
    expect(backup.stderr).toContain('the secret key is not in the backup');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/postgresql database [\d.]+/);

    const target = await database();
    const restore = await tessera(['restore', file], env(target));
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(await names(target)).toEqual(['On the server']);

    const over = await tessera(['restore', file], env(target));
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('is not empty');
    expect(await names(target)).toEqual(['On the server']);

    const intoDir = await tessera(['restore', file], { DATABASE_URL: '', TESSERA_DATA_DIR: join(root, 'embedded') });
    expect(intoDir.code).toBe(1);
    expect(intoDir.stderr).toContain('backup of a PostgreSQL server database');
  }, 180_000);
});
