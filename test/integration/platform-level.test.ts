// A database whose metadata was applied before the platform added a field of its own (level 1: the
// activity had no `team`) gets it by the normal migration: planned from the applied package at the
// level it was applied at, applied again on the next start as a version of its own.
import { PLATFORM_LEVEL, type PackageFiles } from '../../metadata/index.ts';
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

/** Turns the database back into one applied at level 1: no team column, the version marked level 1. */
async function makeLevelOne(): Promise<void> {
  await env.platform.knex.raw('ALTER TABLE activity DROP COLUMN team');
  await env.platform.knex('tessera.meta_versions').update({ platform_level: 1 });
}

test('new versions record the current level; a package applied again at the same level is no new version', async () => {
  expect(PLATFORM_LEVEL).toBe(2);
  expect(await env.platform.knex('tessera.meta_versions').pluck('platform_level')).toEqual([PLATFORM_LEVEL]);
  expect((await env.platform.applyMetadata(files, { source: 'cli' })).changed).toBe(false);
  expect(await upgradePlatformLevel(env.platform.knex, env.platform.capabilities.trigram)).toBeNull();
});

test('a level-1 database: the plan of the same package adds the team column, its foreign key and indexes; the next start applies it', async () => {
  await makeLevelOne();
  expect(await columns('activity')).not.toContain('team');
  const { plan } = await env.platform.planMetadata(files);
  expect(plan.steps.map((s) => [s.step.op, s.destructive])).toEqual([
    ['addColumn', false],
    ['addForeignKey', false],
    ['createIndex', false],
    ['createIndex', false],
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
