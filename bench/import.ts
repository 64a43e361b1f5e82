// Import throughput (BENCH=import): N contractors (10 columns: name, NIP checked by its check digit,
// kind by label, city, employees "1 234", turnover "1 234,56" and its currency, e-mail, date
// "31.12.2026", parent left empty) from a semicolon CSV through the import job (reading, mapping,
// validation report, the records service with the importing user's rights, audit, undo list) —
// beside, in the same run, the same rows loaded raw into a table of the same columns: COPY on a
// PostgreSQL server (server-side file), a multi-row INSERT … jsonb_to_recordset on the embedded one (COPY FROM STDIN needs a client the
// project does not ship).
import { writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform, type Platform } from '../engine/platform.ts';
import { createServerDatabase } from '../test/support/database.ts';
import { validNip as nip } from '../test/support/tax-ids.ts';
import { crmMiniPackage } from '../test/support/packages.ts';


const CITIES = ['Łódź', 'Kraków', 'Gdańsk', 'Poznań', 'Wrocław', 'București', 'Cluj-Napoca', 'Iași'];

function file(rows: number): { csv: string; raw: string[][] } {
  const lines = ['Nazwa;NIP;Kind;City;Employees;Turnover;turnover_currency;E-mail;Client since;Parent company'];
  const raw: string[][] = [];
  const used = new Set<string>();
  for (let i = 0; i < rows; i++) {
    let n = nip(i);
    while (used.has(n)) n = String(Number(n) + 11);
    used.add(n);
    const employees = 1000 + (i % 5000);
    lines.push(`Firma ${i} sp. z o.o.;${n};${i % 3 ? 'Company' : 'Natural person'};${CITIES[i % CITIES.length]};${String(employees).replace(/(\d)(\d{3})$/, '$1 $2')};${(i % 90_000) + 1} 234,56;PLN;biuro${i}@firma.pl;${String((i % 28) + 1).padStart(2, '0')}.12.2026;`);
    raw.push([`Firma ${i} sp. z o.o.`, n, i % 3 ? 'company' : 'person', CITIES[i % CITIES.length]!, String(employees), `${(i % 90_000) + 1}234.56`, 'PLN', `biuro${i}@firma.pl`, `2026-12-${String((i % 28) + 1).padStart(2, '0')}`]);
  }
  return { csv: lines.join('\r\n'), raw };
}

export function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return `min ${sorted[0]!.toFixed(2)} / median ${median.toFixed(2)} / max ${sorted[sorted.length - 1]!.toFixed(2)} s`;
}

const RAW_COLUMNS = 'name text, tax_id varchar(16), kind text, city text, employees integer, turnover numeric(18,2), turnover_currency varchar(3), email text, since date';

async function rawLoad(platform: Platform, server: boolean, raw: string[][]): Promise<number> {
  await platform.knex.raw(`DROP TABLE IF EXISTS public.raw_contractor; CREATE TABLE public.raw_contractor (${RAW_COLUMNS})`);
  const started = performance.now();
  if (server) {
    const path = join(tmpdir(), `tessera-bench-import-${process.pid}.tsv`);
    writeFileSync(path, raw.map((r) => r.join('\t')).join('\n') + '\n');
    chmodSync(path, 0o644);
    try {
      await platform.knex.raw(`COPY public.raw_contractor FROM '${path}'`);
    } finally {
      rmSync(path, { force: true });
    }
  } else {
    for (let i = 0; i < raw.length; i += 10_000) {
      const part = raw.slice(i, i + 10_000);
      const objects = part.map((r) => ({ name: r[0], tax_id: r[1], kind: r[2], city: r[3], employees: Number(r[4]), turnover: Number(r[5]), turnover_currency: r[6], email: r[7], since: r[8] }));
      await platform.knex.raw(`INSERT INTO public.raw_contractor SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(${RAW_COLUMNS})`, [JSON.stringify(objects)]);
    }
  }
  return (performance.now() - started) / 1000;
}

export async function importBenchmark(options: { rows: number; runs: number; adminUrl?: string; log: (line: string) => void }): Promise<void> {
  const { rows, runs, log } = options;
  const scratch = options.adminUrl ? await createServerDatabase(options.adminUrl) : null;
  const platform = await startPlatform({ ...(scratch ? { url: scratch.url } : {}) });
  try {
    await platform.applyMetadata(await crmMiniPackage({ 'roles/importer.json': { kind: 'role', id: 'b.role.importer', name: 'importer', label: { en: 'importer' }, permissions: [{ entity: 'contractor', read: 'all', create: true, update: 'all' }] } }), { source: 'cli' });
    const [user] = (await platform.knex('tessera.users').insert({ login: 'importer', display_name: 'Importer', roles: ['importer'] }).returning('id')) as { id: string }[];
    const { csv, raw } = file(rows);
    const content = Buffer.from(csv, 'utf8');
    const imported: number[] = [];
    const copied: number[] = [];
    for (let run = 0; run < runs; run++) {
      copied.push(await rawLoad(platform, scratch !== null, raw));
      await platform.knex.raw('TRUNCATE public.contractor CASCADE');
      const started = performance.now();
      const id = await platform.imports.submit({ userId: user!.id, via: 'import' }, { entity: 'contractor', fileName: 'bench.csv', content, dryRun: false, options: { key: 'tax_id', onDuplicate: 'skip' } });
      await platform.imports.settled(id);
      imported.push((performance.now() - started) / 1000);
      const done = (await platform.knex('tessera.imports').where({ id }).first('status', 'created', 'failed')) as { status: string; created: number; failed: number };
      if (done.status !== 'done' || done.created !== rows) throw new Error(`import ${JSON.stringify(done)}`);
    }
    const where = scratch ? 'PostgreSQL server' : 'embedded';
    log(`import (${where}): ${rows.toLocaleString('en-US')} contractors, 10 columns, NIP checked, ${runs} run(s)`);
    log(`  import job (report, records service, audit, undo list): ${stats(imported)} (${(rows / Math.min(...imported)).toFixed(0)} rows/s best)`);
    log(`  raw ${scratch ? 'COPY' : 'INSERT … jsonb_to_recordset'} of the same rows:                     ${stats(copied)}`);
  } finally {
    await platform.close();
    await scratch?.drop();
  }
}
