// The embedded database's PostgreSQL settings (engine/db/embedded.ts, EMBEDDED_SETTINGS): sized for a
// small team, so PGlite's WebAssembly memory, which never shrinks, starts inside the module's initial
// 128 MB instead of 188 MB (the figures are BENCH=load BENCH_LOAD_PART=memory's, not this test's).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../engine/db/embedded.ts';

async function show(url: string, setting: string): Promise<string> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query<Record<string, string>>(`SHOW ${setting}`);
    return rows[0]![setting]!;
  } finally {
    await client.end();
  }
}

describe('the embedded database settings', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-embedded-settings-'));
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a new data directory is served by a thread other than the one that created it; it and the same one opened again run with 64 MB of shared buffers, written once in postgresql.conf', async () => {
    for (let start = 0; start < 2; start++) {
      const database = await startEmbeddedPostgres({ dataDir });
      try {
        // Created on the first start and served by a fresh thread, not the one that ran initdb; opened by one on the second.
        expect(database.threadStarts).toBe(start === 0 ? 2 : 1);
        expect(await show(database.url, 'shared_buffers')).toBe('64MB');
        // The thread reports the WebAssembly memory PGlite holds (what the memory bench prints).
        expect((await database.memory()).wasmBytes).toBe(128 * 1024 * 1024);
      } finally {
        await database.stop();
      }
    }
    const conf = readFileSync(join(dataDir, 'pglite', 'postgresql.conf'), 'utf8');
    expect(conf.match(/^shared_buffers = 64MB$/gm)).toHaveLength(1);
  }, 120_000);
});
