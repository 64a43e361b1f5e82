// The metadata version history (docs/metadata.md, *Versions*): listing a page of 50 versions of the
// shipped CRM's package, each diffed against the one before it, beside the baseline of reading the
// same rows (their packages) without any diff, in the same run; and one version's detail.
import { randomBytes } from 'node:crypto';
import { startPlatform } from '../engine/platform.ts';
import { listVersions, versionDetail, VERSION_LIST_LIMIT } from '../engine/schema-sync/versions.ts';
import { seedPackage } from '../engine/seeding.ts';
import { createServerDatabase } from '../test/support/database.ts';

function stats(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `min ${sorted[0]!.toFixed(1)} / median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} / max ${sorted.at(-1)!.toFixed(1)} ms`;
}

async function timed(runs: number, run: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times;
}

export async function versionsBenchmark(options: { runs: number; adminUrl?: string; log: (line: string) => void }): Promise<void> {
  const { runs, log } = options;
  const scratch = options.adminUrl ? await createServerDatabase(options.adminUrl) : null;
  const platform = await startPlatform({ ...(scratch ? { url: scratch.url } : {}), secretKey: randomBytes(32).toString('base64') });
  try {
    const pkg = await seedPackage();
    await platform.applyMetadata(pkg, { source: 'seed' });
    // The history is read, not applied: the versions are stored rows, each the package with one label changed.
    const first = await platform.knex('tessera.meta_versions').where({ version: 1 }).first();
    for (let version = 2; version <= VERSION_LIST_LIMIT + 1; version++) {
      const files = structuredClone(pkg.files) as Record<string, { label?: Record<string, string> }>;
      files['entities/contractor.json']!.label = { en: `Contractor ${version}` };
      await platform.knex('tessera.meta_versions').insert({ ...first, version, package: JSON.stringify({ files }), plan: JSON.stringify([]) });
    }
    const size = JSON.stringify(pkg.files).length;
    log(`versions: ${VERSION_LIST_LIMIT + 1} versions of the seed package (${Object.keys(pkg.files).length} files, ${(size / 1024).toFixed(0)} KB each), ${runs} runs`);
    const baseline = await timed(runs, () => platform.knex('tessera.meta_versions').orderBy('version', 'desc').limit(VERSION_LIST_LIMIT + 1).select('version', 'package'));
    const list = await timed(runs, () => listVersions(platform.knex));
    const detail = await timed(runs, () => versionDetail(platform.knex, VERSION_LIST_LIMIT));
    log(`  baseline: read ${VERSION_LIST_LIMIT + 1} packages: ${stats(baseline)}`);
    log(`  GET /api/meta/versions (${VERSION_LIST_LIMIT} diffs): ${stats(list)}`);
    log(`  GET /api/meta/versions/<n> (one diff): ${stats(detail)}`);
  } finally {
    await platform.close();
    await scratch?.drop();
  }
}
