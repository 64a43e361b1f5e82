// /api/meta — the applied metadata package; plan and apply new versions.
import { Router } from 'express';
import { TesseraError } from '../errors.ts';
import type { Platform } from '../platform.ts';
import { pointer, type PackageFiles } from '../../metadata/index.ts';
import { recordContext } from './context.ts';
import { requireJsonObject } from './params.ts';

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

const summary = (steps: readonly { step: { op: string }; description: string; destructive: boolean }[]) =>
  steps.map((s) => ({ op: s.step.op, description: s.description, destructive: s.destructive }));

export function metaRouter(platform: Platform): Router {
  const router = Router();

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
    if (body.allowDestructive !== undefined && typeof body.allowDestructive !== 'boolean') {
      throw new TesseraError('VALIDATION_FAILED', 'allowDestructive must be true or false', { problems: [{ pointer: '/allowDestructive', detail: 'must be a boolean' }] });
    }
    const allowDestructive = body.allowDestructive === true;
    const expected = body.expectedVersion;
    if (expected !== undefined && !Number.isInteger(expected)) {
      throw new TesseraError('VALIDATION_FAILED', 'expectedVersion must be an integer', { problems: [{ pointer: '/expectedVersion', detail: 'must be an integer' }] });
    }
    const result = await platform.applyMetadata(packageOf(body), {
      source: 'api',
      allowDestructive,
      actor: recordContext(req).actor.userId,
      ...(expected !== undefined ? { expectedVersion: expected as number } : {}),
    });
    res.json({ version: result.version, previousVersion: result.previousVersion, changed: result.changed, steps: summary(result.plan.steps) });
  });

  return router;
}
