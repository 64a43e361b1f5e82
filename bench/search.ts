// Global search benchmark (GET /api/search's work, in process): p50/p95 latency of one search over
// every entity type of the shipped CRM with N contractors and N contact persons, with the trigram
// indexes the platform creates when pg_trgm exists, then with them dropped (a server without
// pg_trgm). `node bench/search.ts` (BENCH_ROWS, default 50,000); TESSERA_BENCH_PG_URL for a server.
import { loadPackageDir } from '../metadata/index.ts';
import { startPlatform } from '../engine/platform.ts';
import { searchRecords } from '../engine/records/search.ts';
import { SEED_METADATA_DIR } from '../seed/index.ts';
import { createServerDatabase } from '../test/support/database.ts';

const rows = Number(process.env.BENCH_ROWS ?? 50_000);
const adminUrl = process.env.TESSERA_BENCH_PG_URL;
const scratch = adminUrl ? await createServerDatabase(adminUrl) : null;
const platform = await startPlatform(scratch ? { url: scratch.url } : {});
try {
  const { package: files } = await loadPackageDir(SEED_METADATA_DIR);
  await platform.applyMetadata(files, { source: 'cli' });
  const { knex } = platform;
  // Bulk rows straight into the tables (a benchmark fixture, not business writes).
  await knex.raw(
    `INSERT INTO contractor (name, contractor_type, tax_id, email, phone, locality, country)
     SELECT 'Firma ' || i || ' ' || substr(md5(i::text), 1, 8), 'company', lpad(i::text, 10, '7'), 'biuro' || i || '@firma' || (i % 97) || '.pl', '+48 60' || lpad(i::text, 7, '0'), 'Łódź', 'pl'
     FROM generate_series(1, ?) AS i`,
    [rows],
  );
  await knex.raw(
    `INSERT INTO person (first_name, last_name, email, contractor)
     SELECT 'Anna', 'Kowalska ' || i, 'anna' || i || '@example.pl', (SELECT id FROM contractor ORDER BY id LIMIT 1) FROM generate_series(1, ?) AS i`,
    [rows],
  );
  await knex.raw('ANALYZE');
  const ctx = { actor: { userId: null, via: 'system' as const } };
  const terms = ['firma 4242', 'biuro31337@', '60001234', 'kowalska 999', 'zzzz-nothing'];
  const run = async (label: string) => {
    const times: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const q of terms) {
        const started = performance.now();
        await searchRecords(platform.records, ctx, { q });
        times.push(performance.now() - started);
      }
    }
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(1);
    console.log(`${label}: p50 ${pct(50)} ms, p95 ${pct(95)} ms (${times.length} searches, ${rows} contractors + ${rows} persons)`);
  };
  const trigram = (await knex.raw(`SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'`)).rows.length > 0;
  console.log(`database: ${scratch ? 'PostgreSQL server' : 'embedded PGlite'}; pg_trgm ${trigram ? 'installed' : 'absent'}`);
  await run('with trigram indexes');
  const gin = (await knex.raw(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexdef ILIKE '%USING gin%'`)).rows as { indexname: string }[];
  for (const { indexname } of gin) await knex.raw(`DROP INDEX public.??`, [indexname]);
  await run(`without them (${gin.length} dropped)`);
} finally {
  await platform.close();
  await scratch?.drop();
}
