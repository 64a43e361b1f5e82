// An indexed report's index on a table that holds records already (engine/schema-sync/online-indexes.ts):
// the plan says it is built after the apply without holding off writes; on a server it is built with
// CREATE INDEX CONCURRENTLY once the apply committed (writes go on meanwhile), rebuilt beside the old
// one when the report reads other fields, and built again by the next apply when a build was
// interrupted; the embedded database builds it within the apply.
import pg from 'pg';
import { objectName, type PackageFiles } from '../../metadata/index.ts';
import { jest } from '@jest/globals';
import { startPlatform } from '../../engine/platform.ts';
import { startTestPlatform, testDatabaseKind, TEST_SECRET_KEY, type TestPlatform } from '../support/database.ts';
import { crmMiniPackage } from '../support/packages.ts';

let env: TestPlatform;
let contractor: string;
const SYSTEM = { actor: { userId: null, via: 'system' } } as const;
const INDEX = objectName('ix', 't.deal/report.t.report.deals_by_stage');

const withReport = async (measures: string[]): Promise<PackageFiles> =>
  crmMiniPackage({
    'reports/deals_by_stage.json': {
      kind: 'report',
      id: 't.report.deals_by_stage',
      name: 'deals_by_stage',
      label: { en: 'Deals by stage' },
      entity: 'deal',
      type: 'table',
      groupBy: ['stage'],
      measures,
      parameters: { period: 'follow_up' },
      indexed: true,
    },
  });

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata(await crmMiniPackage(), { source: 'cli' });
  contractor = String((await env.platform.records.create(SYSTEM, 'contractor', { name: 'Indexed Sp. z o.o.' })).id);
  for (const title of ['A', 'B', 'C']) await env.platform.records.create(SYSTEM, 'deal', { title, contractor, follow_up: '2026-03-01' });
}, 120_000);

afterAll(async () => {
  await env?.close();
});

/** Every index of the deal table by name: valid or not, and its definition. */
async function dealIndexes(): Promise<Map<string, { valid: boolean; def: string }>> {
  const { rows } = (await env.platform.knex.raw(
    `SELECT c.relname AS name, i.indisvalid AS valid, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'public.deal'::regclass`,
  )) as { rows: { name: string; valid: boolean; def: string }[] };
  return new Map(rows.map((r) => [r.name, { valid: r.valid, def: r.def }]));
}

test('the plan says the report index is built after the apply without holding off writes; it is built, and rebuilt when the report reads other fields', async () => {
  const files = await withReport(['count', 'sum:value']);
  const { plan } = await env.platform.planMetadata(files);
  const step = plan.steps.find((s) => s.step.op === 'createIndex');
  expect(step?.description).toBe(
    'create index on deal(follow_up) including stage, value, value_currency: built after the apply commits, without holding off writes to deal (the embedded database builds it within the apply)',
  );
  const applied = await env.platform.applyMetadata(files, { source: 'cli' });
  expect(applied.indexes).toEqual(env.kind === 'server' ? [{ table: 'deal', name: INDEX, outcome: 'built' }] : undefined);
  expect((await dealIndexes()).get(INDEX)).toEqual({ valid: true, def: expect.stringContaining('(follow_up) INCLUDE (stage, value, value_currency) WHERE (deleted_at IS NULL)') });

  const fewer = await withReport(['count']);
  expect((await env.platform.planMetadata(fewer)).plan.steps.map((s) => s.description)).toEqual([
    `rebuild index ${INDEX} on deal(follow_up) including stage: built after the apply commits, without holding off writes to deal (the embedded database builds it within the apply); the old index serves until the new one is ready`,
  ]);
  const rebuilt = await env.platform.applyMetadata(fewer, { source: 'cli' });
  expect(rebuilt.indexes).toEqual(env.kind === 'server' ? [{ table: 'deal', name: INDEX, outcome: 'rebuilt' }] : undefined);
  const indexes = await dealIndexes();
  expect(indexes.get(INDEX)).toEqual({ valid: true, def: expect.stringContaining('(follow_up) INCLUDE (stage) WHERE (deleted_at IS NULL)') });
  expect(indexes.has(`${INDEX}_next`)).toBe(false);
});

// Sessions at once: the embedded database runs one at a time.
(testDatabaseKind() === 'server' ? test : test.skip)(
  'on a server the build takes only SHARE UPDATE EXCLUSIVE, records are written meanwhile, and an interrupted build is built again by the next apply',
  async () => {
    const { knex, records } = env.platform;
    await env.platform.applyMetadata(await crmMiniPackage(), { source: 'cli' });
    expect((await dealIndexes()).has(INDEX)).toBe(false);
    const files = await withReport(['count', 'sum:value']);
    const before = Number((await knex('tessera.meta_versions').max('version as v').first())!.v);
    // A write in progress: CREATE INDEX CONCURRENTLY waits for it after making its (INVALID) index.
    const holder = new pg.Client({ connectionString: env.platform.db.url });
    await holder.connect();
    let applying: ReturnType<typeof env.platform.applyMetadata> | null = null;
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE public.deal IN ROW EXCLUSIVE MODE');
      applying = env.platform.applyMetadata(files, { source: 'cli' });
      applying.catch(() => undefined);
      // The apply has committed and the build is under way: the index is there, not yet valid.
      // (Within the apply a plain CREATE INDEX would wait for the holder with nothing to see.)
      let seen: { valid: boolean } | undefined;
      for (let i = 0; i < 200 && !seen; i++) {
        seen = (await dealIndexes()).get(INDEX);
        if (!seen) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(seen?.valid).toBe(false);
      expect(Number((await knex('tessera.meta_versions').max('version as v').first())!.v)).toBe(before + 1);
      const { rows: locks } = (await knex.raw(
        `SELECT l.mode FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.relation = 'public.deal'::regclass AND l.granted AND a.pid <> pg_backend_pid() AND a.query LIKE '%CREATE INDEX CONCURRENTLY%'`,
      )) as { rows: { mode: string }[] };
      expect(locks.map((l) => l.mode)).toEqual(['ShareUpdateExclusiveLock']);
      // A record written from another connection while the index is being built.
      const written = await records.create(SYSTEM, 'deal', { title: 'During the build', contractor, follow_up: '2026-03-02' });
      expect(written.id).toBeDefined();
      // Interrupted: the build is cancelled, its INVALID index stays.
      const { rows: cancelled } = (await knex.raw(
        `SELECT pg_cancel_backend(pid) AS ok FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database() AND query LIKE '%CREATE INDEX CONCURRENTLY%'`,
      )) as { rows: { ok: boolean }[] };
      expect(cancelled).toEqual([{ ok: true }]);
      const result = await applying;
      expect(result.changed).toBe(true);
      expect(result.indexes).toEqual([{ table: 'deal', name: INDEX, outcome: 'failed', reason: expect.stringMatching(/cancel.*; the next apply builds it again$/) }]);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
      await applying?.catch(() => undefined);
    }
    expect((await dealIndexes()).get(INDEX)?.valid).toBe(false);

    // The same package again: nothing to apply, but the index is built anew.
    const again = await env.platform.applyMetadata(files, { source: 'cli' });
    expect(again.changed).toBe(false);
    expect(again.indexes).toEqual([{ table: 'deal', name: INDEX, outcome: 'built' }]);
    expect((await dealIndexes()).get(INDEX)).toEqual({ valid: true, def: expect.stringContaining('INCLUDE (stage, value, value_currency)') });

    // A rebuild that stopped after building its new index beside the old one (whatever that held): done again from the start.
    await knex.raw(`CREATE INDEX "${INDEX}_next" ON public.deal (title)`);
    const repaired = await env.platform.applyMetadata(files, { source: 'cli' });
    expect(repaired.indexes).toEqual([{ table: 'deal', name: INDEX, outcome: 'rebuilt' }]);
    const indexes = await dealIndexes();
    expect(indexes.has(`${INDEX}_next`)).toBe(false);
    expect(indexes.get(INDEX)).toEqual({ valid: true, def: expect.stringContaining('(follow_up) INCLUDE (stage, value, value_currency)') });

    // The same on start, once the startup lock is let go of (processes starting together wait for it in a statement).
    await knex.raw(`CREATE INDEX "${INDEX}_next" ON public.deal (title)`);
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const started = await startPlatform({ url: env.platform.db.url, secretKey: TEST_SECRET_KEY });
      await started.close();
      expect(logged.mock.calls.map((c) => String(c[0]))).toContain(`[tessera database] index ${INDEX} on deal: rebuilt`);
    } finally {
      logged.mockRestore();
    }
    expect([...(await dealIndexes()).keys()].filter((name) => name.startsWith(INDEX))).toEqual([INDEX]);

    // Such a leftover of an index that is gone since (the report removed): dropped by the next apply.
    await knex.raw(`CREATE INDEX "${INDEX}_next" ON public.deal (title)`);
    expect((await env.platform.applyMetadata(await crmMiniPackage(), { source: 'cli' })).indexes).toBeUndefined();
    expect([...(await dealIndexes()).keys()].filter((name) => name.startsWith(INDEX))).toEqual([]);
  },
  60_000,
);

(testDatabaseKind() === 'server' ? test : test.skip)(
  'a builder waiting for another process\'s build holds no snapshot that build waits for (no deadlock)',
  async () => {
    const { knex } = env.platform;
    await env.platform.applyMetadata(await crmMiniPackage(), { source: 'cli' });
    const before = Number((await knex('tessera.meta_versions').max('version as v').first())!.v);
    // Another process building: it holds the builders' lock, and its CREATE INDEX CONCURRENTLY waits
    // for every transaction older than its snapshot.
    const other = new pg.Client({ connectionString: env.platform.db.url });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock($1)', [0x7e55e7b]);
      const applying = env.platform.applyMetadata(await withReport(['count']), { source: 'cli' });
      applying.catch(() => undefined);
      for (let i = 0; i < 200; i++) {
        if (Number((await knex('tessera.meta_versions').max('version as v').first())!.v) > before) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Committed; the builder now waits for the lock.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const built = await other.query('CREATE INDEX CONCURRENTLY deal_other_build ON public.deal (title)').then(
        () => 'built',
        (error: Error) => error.message,
      );
      await other.query('SELECT pg_advisory_unlock($1)', [0x7e55e7b]);
      expect(built).toBe('built');
      expect((await applying).indexes).toEqual([{ table: 'deal', name: INDEX, outcome: 'built' }]);
    } finally {
      await other.query('DROP INDEX IF EXISTS public.deal_other_build');
      await other.end();
    }
  },
  60_000,
);
