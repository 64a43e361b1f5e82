// A database whose metadata was applied before the platform added a field of its own (level 1: the
// activity had no `team`) gets it by the normal migration: planned from the applied package at the
// level it was applied at, applied again on the next start as a version of its own.
import { objectName, PLATFORM_LEVEL, type PackageFiles } from '../../metadata/index.ts';
import { startPlatform } from '../../engine/platform.ts';
import { upgradePlatformLevel } from '../../engine/schema-sync/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { createTestTeam } from '../support/auth.ts';
import { crmMiniPackage } from '../support/packages.ts';
import { WORKFLOW_CTX } from '../support/workflows.ts';

let env: TestPlatform;
let files: PackageFiles;

beforeAll(async () => {
  env = await startTestPlatform();
  files = await crmMiniPackage();
  await env.platform.applyMetadata(files, { source: 'cli' });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

async function columns(table: string): Promise<string[]> {
  const { rows } = (await env.platform.knex.raw(`SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ? ORDER BY column_name`, [table])) as { rows: { column_name: string }[] };
  return rows.map((r) => r.column_name);
}

/** The activity table's link columns (one per entity type accepting activities). */
async function activityLinks(): Promise<string[]> {
  return env.platform.runtime.entity('activity').entity.fields.filter((f) => f.id.startsWith('platform.activity.link.')).map((f) => f.name);
}

/** The columns of the activity table's indexes, as PostgreSQL defines them. */
async function activityIndexes(): Promise<string[]> {
  const { rows } = (await env.platform.knex.raw(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'activity'`)) as { rows: { indexdef: string }[] };
  return rows.map((r) => r.indexdef.replace(/^.* USING \w+ /, ''));
}

/** Turns the database back into one applied at level 2: the links' own indexes, no timeline indexes. */
async function makeLevelTwo(): Promise<void> {
  const { knex } = env.platform;
  for (const sql of (await knex.raw(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'activity' AND indexdef LIKE '%created_at DESC, id DESC%'`)).rows as { indexname: string }[]) {
    await knex.raw('DROP INDEX ??', [sql.indexname]);
  }
  const linkIndex = (link: string) => objectName('ix', `platform.activity/field.${env.platform.runtime.entity('activity').entity.fieldsByName.get(link)!.id}#index`);
  for (const link of await activityLinks()) await knex.raw('CREATE INDEX ?? ON activity (??)', [linkIndex(link), link]);
  await knex('tessera.meta_versions').update({ platform_level: 2 });
}

/** Turns the database back into one applied at level 1: no team column, the version marked level 1. */
async function makeLevelOne(): Promise<void> {
  await makeLevelTwo();
  await env.platform.knex.raw('ALTER TABLE activity DROP COLUMN team');
  await env.platform.knex('tessera.meta_versions').update({ platform_level: 1 });
}

test('new versions record the current level; a package applied again at the same level is no new version', async () => {
  expect(PLATFORM_LEVEL).toBe(3);
  expect(await env.platform.knex('tessera.meta_versions').pluck('platform_level')).toEqual([PLATFORM_LEVEL]);
  expect((await env.platform.applyMetadata(files, { source: 'cli' })).changed).toBe(false);
  expect(await upgradePlatformLevel(env.platform.knex, env.platform.capabilities.trigram)).toBeNull();
});

test('a level-1 database: the plan of the same package adds the team column, its foreign key and indexes; the next start applies it', async () => {
  await makeLevelOne();
  expect(await columns('activity')).not.toContain('team');
  const { plan } = await env.platform.planMetadata(files);
  // Level 2's team column, its foreign key and indexes; level 3's timeline index of each link in place of the link's own index.
  const links = await activityLinks();
  expect(plan.steps.map((s) => [s.step.op, s.destructive])).toEqual([
    ...links.map(() => ['dropIndex', false]),
    ['addColumn', false],
    ['addForeignKey', false],
    ['createIndex', false],
    ['createIndex', false],
    ...links.map(() => ['createIndex', false]),
  ]);
  expect(plan.steps.map((s) => s.description).join('\n')).toMatch(/activity\.team/);

  // A second process starting on the database (a server after the upgrade) migrates it.
  const before = await env.platform.knex('tessera.meta_versions').max({ v: 'version' }).first();
  const restarted = await startPlatform({ url: env.platform.db.url });
  try {
    expect(restarted.runtime.snapshot.version).toBe((before as { v: number }).v + 1);
  } finally {
    await restarted.close();
  }
  expect(await columns('activity')).toContain('team');
  const latest = await env.platform.knex('tessera.meta_versions').orderBy('version', 'desc').first('source', 'platform_level', 'checksum');
  expect(latest).toMatchObject({ source: 'platform', platform_level: PLATFORM_LEVEL });

  // The column works as the model says: a foreign key to the teams.
  await env.platform.runtime.reload();
  const team = await createTestTeam(env.platform, 'after_upgrade');
  const task = await env.platform.records.create(WORKFLOW_CTX, 'activity', { kind: 'task', subject: 'Upgraded', team });
  expect(task.team).toBe(team);
  await expect(env.platform.knex('activity').insert({ kind: 'task', subject: 'x', status: 'open', priority: 'normal', team: '00000000-0000-4000-8000-000000000000' })).rejects.toThrow(/foreign key/);
  expect(await upgradePlatformLevel(env.platform.knex, env.platform.capabilities.trigram)).toBeNull();
});

test('a level-2 database: the next start replaces each link\'s index with its timeline index (the link, then newest first)', async () => {
  const links = await activityLinks();
  expect(links.length).toBeGreaterThan(0);
  expect(await activityIndexes()).toEqual(expect.arrayContaining(links.map((l) => `(${l}, created_at DESC, id DESC)`)));
  await makeLevelTwo();
  const { plan } = await env.platform.planMetadata(files);
  expect(plan.steps.map((s) => s.step.op)).toEqual([...links.map(() => 'dropIndex'), ...links.map(() => 'createIndex')]);
  const restarted = await startPlatform({ url: env.platform.db.url });
  await restarted.close();
  const now = await activityIndexes();
  expect(now).toEqual(expect.arrayContaining(links.map((l) => `(${l}, created_at DESC, id DESC)`)));
  for (const link of links) expect(now).not.toContain(`(${link})`);
});
