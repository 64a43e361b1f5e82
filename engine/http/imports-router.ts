// /api/imports — file imports (docs/import.md): preview a file (columns, detected encoding and
// delimiter, the auto-matched mapping), start a dry run or an import as a job, follow its progress
// and report, cancel it, undo it; saved column mappings. The file is sent as base64 in the JSON body
// (`content`) or uploaded first to /api/files and named by `fileId`.
import { Router } from 'express';
import { isUuid } from '../../metadata/index.ts';
import { TesseraError, type Problem } from '../errors.ts';
import { autoMap, relatedImports, cancelImport, getMapping, importReport, importTargets, listMappings, readTable, saveMapping, TEXT_ENCODINGS, undoImport, type ImportOptions, type OnDuplicate, type TextEncoding } from '../imports/index.ts';
import type { Platform } from '../platform.ts';
import { requireScope } from './authenticate.ts';
import { recordContext } from './context.ts';
import { requireJsonObject, stringParam } from './params.ts';

/** Largest import file (base64 in JSON is a third larger; the route's JSON limit allows for it). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

const ON_DUPLICATE: readonly OnDuplicate[] = ['skip', 'update', 'create'];
const KNOWN = new Set(['type', 'fileName', 'content', 'fileId', 'encoding', 'delimiter', 'mapping', 'mappingId', 'key', 'onDuplicate', 'dryRun']);

interface FileInput {
  readonly fileName: string;
  readonly content: Uint8Array;
}

async function fileOf(platform: Platform, body: Record<string, unknown>, problems: Problem[], userId: string | null): Promise<FileInput | null> {
  if (typeof body.fileId === 'string') {
    // Only a file the user uploaded: ids of others' uploads must not open them.
    const row = isUuid(body.fileId) ? ((await platform.knex('tessera.files').where({ id: body.fileId, created_by: userId }).first('name', 'content')) as { name: string; content: Buffer } | undefined) : undefined;
    if (!row) problems.push({ pointer: '/fileId', detail: 'is not a file you uploaded', code: 'NOT_FOUND' });
    return row ? { fileName: row.name, content: row.content } : null;
  }
  if (typeof body.content !== 'string' || body.content === '') {
    problems.push({ pointer: '/content', detail: 'send the file as base64 in content, or its upload id in fileId', code: 'REQUIRED' });
    return null;
  }
  const content = Buffer.from(body.content, 'base64');
  if (content.length > MAX_IMPORT_BYTES) problems.push({ pointer: '/content', detail: `the file is larger than ${MAX_IMPORT_BYTES} bytes`, code: 'MAXLENGTH', params: { limit: MAX_IMPORT_BYTES } });
  return { fileName: typeof body.fileName === 'string' ? body.fileName : 'import.csv', content };
}

function readOptions(body: Record<string, unknown>, problems: Problem[]): { encoding?: TextEncoding; delimiter?: string } {
  const out: { encoding?: TextEncoding; delimiter?: string } = {};
  if (body.encoding !== undefined) {
    if (TEXT_ENCODINGS.includes(body.encoding as TextEncoding)) out.encoding = body.encoding as TextEncoding;
    else problems.push({ pointer: '/encoding', detail: `must be one of ${TEXT_ENCODINGS.join(', ')}`, code: 'ENUM' });
  }
  if (body.delimiter !== undefined) {
    if (typeof body.delimiter === 'string' && body.delimiter.length === 1 && body.delimiter !== '"' && body.delimiter !== '\n' && body.delimiter !== '\r') out.delimiter = body.delimiter;
    else problems.push({ pointer: '/delimiter', detail: 'must be one character (not a quote or line break)', code: 'FORMAT' });
  }
  return out;
}

function refuse(problems: readonly Problem[]): void {
  if (problems.length) throw new TesseraError('VALIDATION_FAILED', `invalid import: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });
}

export function importsRouter(platform: Platform): Router {
  const router = Router();
  router.post('/imports{/*rest}', requireScope('importing', 'write'));
  router.get('/imports{/*rest}', requireScope('reading imports', 'read'));

  // The file's columns, detected encoding and delimiter, first rows and the auto-matched mapping.
  router.post('/imports/preview', async (req, res) => {
    const body = requireJsonObject(req);
    const problems: Problem[] = [];
    if (typeof body.type !== 'string') problems.push({ pointer: '/type', detail: 'must be an entity type name', code: 'REQUIRED' });
    const file = await fileOf(platform, body, problems, recordContext(req).actor.userId);
    const options = readOptions(body, problems);
    refuse(problems);
    const { entity } = platform.records.runtime.entity(body.type as string);
    const related = relatedImports(entity, platform.records.runtime.snapshot.model.entities.values());
    const table = await readTable(file!.content, { fileName: file!.fileName, ...options });
    res.json({ format: table.format, encoding: table.encoding, delimiter: table.delimiter, headers: table.headers, total: table.rows.length, sample: table.rows.slice(0, 5), mapping: autoMap(entity, table.headers, related), targets: importTargets(entity, related) });
  });

  router.get('/imports/mappings', async (req, res) => {
    res.json({ data: await listMappings(platform.knex, recordContext(req).actor, stringParam((req.query as Record<string, unknown>).entity, 'entity')) });
  });

  router.post('/imports/mappings', async (req, res) => {
    const saved = await saveMapping(platform.knex, platform.records, recordContext(req).actor, requireJsonObject(req));
    res.status(201).json(saved);
  });

  router.post('/imports', async (req, res) => {
    const body = requireJsonObject(req);
    const actor = recordContext(req).actor;
    const problems: Problem[] = [];
    for (const key of Object.keys(body)) if (!KNOWN.has(key)) problems.push({ pointer: `/${key}`, detail: 'unknown property', code: 'UNKNOWN_FIELD' });
    if (typeof body.type !== 'string') problems.push({ pointer: '/type', detail: 'must be an entity type name', code: 'REQUIRED' });
    if (body.dryRun !== undefined && typeof body.dryRun !== 'boolean') problems.push({ pointer: '/dryRun', detail: 'must be true or false', code: 'TYPE' });
    if (body.onDuplicate !== undefined && !ON_DUPLICATE.includes(body.onDuplicate as OnDuplicate)) problems.push({ pointer: '/onDuplicate', detail: `must be one of ${ON_DUPLICATE.join(', ')}`, code: 'ENUM' });
    if (body.key !== undefined && body.key !== null && typeof body.key !== 'string') problems.push({ pointer: '/key', detail: 'must be a field name', code: 'TYPE' });
    if (body.mapping !== undefined && (typeof body.mapping !== 'object' || body.mapping === null || Array.isArray(body.mapping) || Object.values(body.mapping).some((v) => v !== null && typeof v !== 'string'))) {
      problems.push({ pointer: '/mapping', detail: 'must map column headers to field names (or null)', code: 'TYPE' });
    }
    const file = await fileOf(platform, body, problems, actor.userId);
    const read = readOptions(body, problems);
    refuse(problems);
    const saved = typeof body.mappingId === 'string' ? await getMapping(platform.knex, actor, body.mappingId) : null;
    const mapping = { ...(saved?.columns ?? {}), ...((body.mapping as Record<string, string | null> | undefined) ?? {}) };
    const options: ImportOptions = { ...read, mapping, key: (body.key as string | null | undefined) ?? null, onDuplicate: (body.onDuplicate as OnDuplicate | undefined) ?? 'skip' };
    const id = await platform.imports.submit(actor, { entity: body.type as string, fileName: file!.fileName, content: file!.content, dryRun: body.dryRun === true, options });
    res.status(202).location(`${req.baseUrl}/imports/${id}`).json(await importReport(platform.knex, actor, id));
  });

  router.get('/imports/:id', async (req, res) => {
    res.json(await importReport(platform.knex, recordContext(req).actor, req.params.id));
  });

  router.post('/imports/:id/cancel', async (req, res) => {
    const actor = recordContext(req).actor;
    await cancelImport(platform.knex, actor, req.params.id);
    res.status(202).json(await importReport(platform.knex, actor, req.params.id));
  });

  router.post('/imports/:id/undo', async (req, res) => {
    const actor = recordContext(req).actor;
    const undone = await undoImport(platform.knex, platform.records, { ...actor, via: 'import' }, req.params.id);
    res.json({ ...(await importReport(platform.knex, actor, req.params.id)), undone });
  });

  return router;
}
