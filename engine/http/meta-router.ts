// /api/meta — the applied metadata package; plan and apply new versions; the history of versions
// (their diffs and plans) and reverting to one through the same plan → apply.
import { Router, type Request } from 'express';
import { TesseraError } from '../errors.ts';
import type { Platform } from '../platform.ts';
import { diffPackages, pointer, revertedPackage, type PackageFiles, type PlannedStep } from '../../metadata/index.ts';
import type { ApplyOptions } from '../schema-sync/index.ts';
import type { SandboxSample } from '../sandbox/index.ts';
import { listVersions, versionDetail, versionPackage } from '../schema-sync/versions.ts';
import { recordContext } from './context.ts';
import { requireJsonObject, stringParam } from './params.ts';

/** The body's own members; any other is refused, not ignored (a misspelt flag must not pass silently). */
function bodyOf(body: Record<string, unknown>, allowed: readonly string[]): Record<string, unknown> {
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new TesseraError('VALIDATION_FAILED', `unknown propert${unknown.length === 1 ? 'y' : 'ies'} ${unknown.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 60))).join(', ')}; the body has ${allowed.join(', ')}`, {
      problems: unknown.map((key) => ({ pointer: pointer(key), detail: 'unknown property' })),
    });
  }
  return body;
}

function packageOf(body: Record<string, unknown>): PackageFiles {
  const files = body.files;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) {
    throw new TesseraError('VALIDATION_FAILED', 'the body is {"files": {"<path>.json": item, …}}', { problems: [{ pointer: '/files', detail: 'must be an object of files' }] });
  }
  return { files: files as Record<string, unknown> };
}

const summary = (steps: readonly PlannedStep[]) =>
  steps.map((s) => ({ op: s.step.op, description: s.description, destructive: s.destructive, ...(s.records ? { records: s.records } : {}) }));

/** The apply flags of a body: allowDestructive (the confirmation of destructive steps) and the version planned against. */
function applyFlags(body: Record<string, unknown>): { allowDestructive: boolean; expectedVersion?: number } {
  if (body.allowDestructive !== undefined && typeof body.allowDestructive !== 'boolean') {
    throw new TesseraError('VALIDATION_FAILED', 'allowDestructive must be true or false', { problems: [{ pointer: '/allowDestructive', detail: 'must be a boolean' }] });
  }
  const expected = body.expectedVersion;
  if (expected !== undefined && !Number.isInteger(expected)) {
    throw new TesseraError('VALIDATION_FAILED', 'expectedVersion must be an integer', { problems: [{ pointer: '/expectedVersion', detail: 'must be an integer' }] });
  }
  return { allowDestructive: body.allowDestructive === true, ...(expected !== undefined ? { expectedVersion: expected as number } : {}) };
}

/** The sandbox's sample records: at most 20 of {entity, values?}; absent: one generated per changed entity type. */
function samplesOf(value: unknown): SandboxSample[] | undefined {
  if (value === undefined) return undefined;
  const bad = (at: string, detail: string) => new TesseraError('VALIDATION_FAILED', `samples${at}: ${detail}`, { problems: [{ pointer: `/samples${at}`, detail }] });
  if (!Array.isArray(value) || value.length > 20) throw bad('', 'must be a list of at most 20 {entity, values}');
  return value.map((sample: unknown, i) => {
    if (typeof sample !== 'object' || sample === null || Array.isArray(sample)) throw bad(`/${i}`, 'must be an object {entity, values}');
    const { entity, values, ...rest } = sample as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw bad(`/${i}/${Object.keys(rest)[0]}`, 'unknown property');
    if (typeof entity !== 'string') throw bad(`/${i}/entity`, 'must be an entity type name');
    if (values !== undefined && (typeof values !== 'object' || values === null || Array.isArray(values))) throw bad(`/${i}/values`, 'must be an object of field values');
    return { entity, ...(values !== undefined ? { values: values as Record<string, unknown> } : {}) };
  });
}

function versionParam(value: string | undefined): number {
  if (!/^[1-9]\d{0,8}$/.test(value ?? '')) throw new TesseraError('NOT_FOUND', `there is no metadata version ${JSON.stringify(String(value).slice(0, 20))}`);
  return Number(value);
}

export function metaRouter(platform: Platform): Router {
  const router = Router();

  const appliedPackage = async (): Promise<PackageFiles> => {
    await platform.runtime.reload();
    if (!platform.runtime.loaded) throw new TesseraError('NOT_FOUND', 'no metadata has been applied yet');
    return { files: platform.runtime.snapshot.model.pkg.files };
  };

  const apply = async (req: Request, files: PackageFiles, source: ApplyOptions['source'], flags: ReturnType<typeof applyFlags>) => {
    const result = await platform.applyMetadata(files, { source, actor: recordContext(req).actor.userId, ...flags });
    return { version: result.version, previousVersion: result.previousVersion, changed: result.changed, steps: summary(result.plan.steps), ...(result.indexes ? { indexes: result.indexes } : {}) };
  };

  router.get('/', async (_req, res) => {
    // The running snapshot holds the applied package; the reload is a one-row check when current.
    await platform.runtime.reload();
    if (!platform.runtime.loaded) throw new TesseraError('NOT_FOUND', 'no metadata has been applied yet');
    const { version, appliedAt, checksum, model } = platform.runtime.snapshot;
    res.set('ETag', `"${version}"`).json({ version, appliedAt, checksum, files: model.pkg.files });
  });

  router.post('/plan', async (req, res) => {
    const { plan, fromVersion } = await platform.planMetadata(packageOf(bodyOf(requireJsonObject(req), ['files'])));
    res.json({ fromVersion, destructive: plan.destructive, steps: summary(plan.steps) });
  });

  router.put('/', async (req, res) => {
    const body = bodyOf(requireJsonObject(req), ['files', 'allowDestructive', 'expectedVersion']);
    res.json(await apply(req, packageOf(body), 'api', applyFlags(body)));
  });

  // Tries the package on a transaction that is rolled back: the plan, and sample records created over the new model.
  router.post('/sandbox', async (req, res) => {
    const body = bodyOf(requireJsonObject(req), ['files', 'samples']);
    const samples = samplesOf(body.samples);
    res.json(await platform.sandboxMetadata(packageOf(body), { actor: recordContext(req).actor, ...(samples ? { samples } : {}) }));
  });

  // The counters of an entity type's numbering series (read-only), for the designer's preview of the next numbers.
  router.get('/numbering/:entity', async (req, res) => {
    await platform.runtime.reload();
    const entity = platform.runtime.loaded ? platform.runtime.snapshot.model.entities.get(String(req.params.entity)) : undefined;
    if (!entity) throw new TesseraError('UNKNOWN_ENTITY', `unknown entity type ${JSON.stringify(String(req.params.entity).slice(0, 60))}`);
    const prefix = `${entity.name}.`;
    const rows = (await platform.knex('tessera.number_series').whereRaw('left(series, ?) = ?', [prefix.length, prefix]).orderBy('series').select('series', 'last_value')) as { series: string; last_value: string | number }[];
    res.json({ entity: entity.name, data: rows.map((r) => ({ series: r.series, lastValue: Number(r.last_value) })) });
  });

  router.get('/versions', async (req, res) => {
    const before = stringParam(req.query.before, 'before');
    if (before !== undefined && !/^[1-9]\d{0,8}$/.test(before)) throw new TesseraError('BAD_QUERY', 'before must be a version number', { problems: [{ pointer: '/query/before', detail: 'must be a positive integer' }] });
    res.json({ data: await listVersions(platform.knex, before === undefined ? {} : { before: Number(before) }) });
  });

  router.get('/versions/:version', async (req, res) => {
    res.json(await versionDetail(platform.knex, versionParam(req.params.version)));
  });

  // A dry run (the plan and what would change) unless `apply` is true; then the same apply as PUT /meta.
  router.post('/versions/:version/revert', async (req, res) => {
    const body = bodyOf(req.body === undefined || Object.keys(req.body as object).length === 0 ? {} : requireJsonObject(req), ['apply', 'allowDestructive', 'expectedVersion']);
    if (body.apply !== undefined && typeof body.apply !== 'boolean') {
      throw new TesseraError('VALIDATION_FAILED', 'apply must be true or false', { problems: [{ pointer: '/apply', detail: 'must be a boolean' }] });
    }
    const flags = applyFlags(body);
    const target = versionParam(req.params.version);
    const files = revertedPackage(await versionPackage(platform.knex, target), await appliedPackage());
    if (body.apply === true) {
      res.json(await apply(req, files, 'revert', flags));
      return;
    }
    const { plan, fromVersion } = await platform.planMetadata(files);
    res.json({ fromVersion, destructive: plan.destructive, steps: summary(plan.steps), diff: diffPackages((await appliedPackage()).files, files.files) });
  });

  return router;
}
