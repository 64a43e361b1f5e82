// `tessera import <type> <file>`: a CSV or XLSX file imported as a user (their rights, audited as
// theirs `via: import`), run in this process; progress on stderr, the report on stdout. Exit 1 when
// any row was refused (a dry run included), so scripts notice.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { userIdByLogin } from '../access/index.ts';
import { importReport, problemLine, TEXT_ENCODINGS, type OnDuplicate, type TextEncoding } from '../imports/index.ts';
import type { Platform } from '../platform.ts';

export interface ImportArgs {
  readonly type: string;
  readonly file: string;
  readonly mapping?: string;
  readonly as: string;
  readonly key?: string;
  readonly onDuplicate?: string;
  readonly dryRun: boolean;
  readonly encoding?: string;
  readonly delimiter?: string;
}

export class ImportUsageError extends Error {}

/** `--mapping`: a JSON file of {"column": "field"} or inline `Column=field,Other=field` (empty field: not imported). */
async function mappingOf(text: string | undefined): Promise<Record<string, string | null> | undefined> {
  if (text === undefined) return undefined;
  if (/\.json$/i.test(text)) {
    const parsed = JSON.parse(await readFile(text, 'utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ImportUsageError(`${text} must hold an object of "column": "field"`);
    return parsed as Record<string, string | null>;
  }
  const mapping: Record<string, string | null> = {};
  for (const pair of text.split(',')) {
    const at = pair.lastIndexOf('=');
    if (at <= 0) throw new ImportUsageError(`--mapping: "${pair}" is not Column=field`);
    mapping[pair.slice(0, at).trim()] = pair.slice(at + 1).trim() || null;
  }
  return mapping;
}

export async function importCommand(platform: Platform, args: ImportArgs): Promise<number> {
  if (args.onDuplicate !== undefined && !['skip', 'update', 'create'].includes(args.onDuplicate)) throw new ImportUsageError('--on-duplicate must be skip, update or create');
  if (args.encoding !== undefined && !TEXT_ENCODINGS.includes(args.encoding as TextEncoding)) throw new ImportUsageError(`--encoding must be one of ${TEXT_ENCODINGS.join(', ')}`);
  if (args.delimiter !== undefined && [...args.delimiter].length !== 1 && args.delimiter !== '\\t') throw new ImportUsageError('--delimiter must be one character (\\t for a tab)');
  let content: Buffer;
  try {
    content = await readFile(args.file);
  } catch (error) {
    throw new Error(`cannot read ${args.file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const mapping = await mappingOf(args.mapping);
  const userId = await userIdByLogin(platform.knex, args.as);
  if (!userId) throw new Error(`no user with the login "${args.as}" (--as)`);
  const actor = { userId, via: 'import' as const };
  const id = await platform.imports.submit(actor, {
    entity: args.type,
    fileName: basename(args.file),
    content,
    dryRun: args.dryRun,
    options: {
      ...(mapping ? { mapping } : {}),
      key: args.key ?? null,
      onDuplicate: (args.onDuplicate as OnDuplicate | undefined) ?? 'skip',
      ...(args.encoding ? { encoding: args.encoding as TextEncoding } : {}),
      ...(args.delimiter ? { delimiter: args.delimiter === '\\t' ? '\t' : args.delimiter } : {}),
    },
  });
  const progress = setInterval(() => {
    void importReport(platform.knex, { ...actor, userId }, id).then((r) => process.stderr.write(`\r${r.processed}/${r.total} rows`));
  }, 1000);
  try {
    await platform.imports.settled(id);
  } finally {
    clearInterval(progress);
  }
  const report = await importReport(platform.knex, actor, id);
  const mapped = Object.entries(report.mapping).map(([column, field]) => `${column} → ${field ?? '(not imported)'}`);
  console.log(`${report.dryRun ? 'dry run' : 'import'} ${report.id} of ${report.fileName} (${report.format}${report.encoding ? `, ${report.encoding}` : ''}${report.delimiter ? `, delimiter ${JSON.stringify(report.delimiter)}` : ''}) into ${report.entity}: ${report.status}`);
  console.log(`columns: ${mapped.join('; ')}`);
  console.log(`${report.total} rows: ${report.created} created, ${report.updated} updated, ${report.skipped} skipped, ${report.failed} refused`);
  for (const p of report.problems) console.log(problemLine(p));
  if (report.problemCount > report.problems.length) console.log(`… and ${report.problemCount - report.problems.length} more problems (GET /api/imports/${report.id})`);
  if (report.error) console.error(`tessera: the import failed: ${report.error}`);
  return report.status === 'done' && report.failed === 0 ? 0 : 1;
}
