// Work over sets of records (engine/record-sets): bulk actions on records selected in a list,
// marketing actions run for their members, and the progress of both. Mounted before the generic
// records routes.
import { Router } from 'express';
import { isUuid } from '../../metadata/index.ts';
import { TesseraError, type Problem } from '../errors.ts';
import type { Platform } from '../platform.ts';
import { declaredConversion } from '../conversion/index.ts';
import { CONVERSION_FAN_OUT_JOB, CONVERSION_JOB, fanOutRecipients, MARKETING_ACTION, WORKFLOW_JOB, runForRecords, runProgress, startMarketingAction, type RecordSelection, type RecordSetServices } from '../record-sets/index.ts';
import type { JsonObject } from '../workflows/expression.ts';
import { recordContext } from './context.ts';
import { requireJsonObject } from './params.ts';

/** The problems of a bulk workflow run's body common to both ways of running it: members, process, ids, variables. */
function workflowRunProblems(body: Record<string, unknown>, more: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const known = new Set(['processId', 'ids', 'variables', ...more]);
  for (const key of Object.keys(body)) if (!known.has(key)) problems.push({ pointer: `/${key}`, detail: 'unknown member' });
  if (typeof body.processId !== 'string' || body.processId === '') problems.push({ pointer: '/processId', detail: 'name the process to run' });
  if (Array.isArray(body.ids)) body.ids.forEach((id, i) => (typeof id === 'string' && isUuid(id) ? undefined : problems.push({ pointer: `/ids/${i}`, detail: 'must be a record id' })));
  if (body.variables !== undefined && (typeof body.variables !== 'object' || body.variables === null || Array.isArray(body.variables))) problems.push({ pointer: '/variables', detail: 'must be an object' });
  return problems;
}

/** A bulk job's records: either ids or a list filter, not both. */
function selectionProblems(body: Record<string, unknown>): Problem[] {
  if ((body.ids === undefined) === (body.filter === undefined)) return [{ pointer: '/ids', detail: 'choose the records either by ids or by a filter' }];
  if (body.ids !== undefined && !Array.isArray(body.ids)) return [{ pointer: '/ids', detail: 'must be a list of record ids' }];
  return [];
}

const selectionOf = (body: Record<string, unknown>): RecordSelection => (body.ids !== undefined ? { ids: body.ids as string[] } : { filter: body.filter });

export function recordSetsRouter(platform: Platform): Router {
  const router = Router();
  const services: RecordSetServices = { knex: platform.knex, records: platform.records, processes: platform.processes };

  // Runs a workflow once per selected record, as the user: each record needs the right to start it (change the record).
  router.post('/records/:type/bulk/workflow', async (req, res) => {
    const body = requireJsonObject(req);
    const problems = workflowRunProblems(body, ['runId']);
    const ids = Array.isArray(body.ids) ? body.ids : null;
    if (!ids) problems.push({ pointer: '/ids', detail: 'must be a list of record ids' });
    if (body.runId !== undefined && (typeof body.runId !== 'string' || !isUuid(body.runId))) problems.push({ pointer: '/runId', detail: 'must be the runId of an earlier chunk' });
    if (problems.length) throw new TesseraError('VALIDATION_FAILED', 'invalid bulk action', { problems });
    const ctx = recordContext(req);
    if (typeof body.runId === 'string') await requireRunOf(body.runId, ctx.actor.userId);
    const result = await runForRecords(services, ctx, {
      entity: req.params.type,
      ids: ids as string[],
      processId: body.processId as string,
      ...(body.variables ? { variables: body.variables as JsonObject } : {}),
      ...(typeof body.runId === 'string' ? { runId: body.runId } : {}),
    });
    res.json({ ...result, progress: await runProgress(platform.knex, { runId: result.runId }) });
  });

  // The same as a background job (engine/record-sets/jobs.ts): records by ids or by a list filter,
  // any number of them, in chunks with the user's rights; 202 with the job's first report.
  router.post('/records/:type/bulk/workflow/jobs', async (req, res) => {
    const body = requireJsonObject(req);
    const problems = [...workflowRunProblems(body, ['filter']), ...selectionProblems(body)];
    if (problems.length) throw new TesseraError('VALIDATION_FAILED', 'invalid bulk action', { problems: problems.slice(0, 20) });
    const actor = recordContext(req).actor;
    const id = await platform.recordJobs.submit(actor, {
      kind: WORKFLOW_JOB,
      entity: req.params.type,
      selection: selectionOf(body),
      params: { processId: body.processId as string, variables: (body.variables as JsonObject | undefined) ?? {} },
    });
    res.status(202).location(`${req.baseUrl}/record-jobs/${id}`).json(await platform.recordJobs.report(actor, id));
  });

  // A declared conversion (offer → sales order) per selected record, as a background job with the
  // user's rights; an unknown conversion is refused before anything starts.
  router.post('/records/:type/bulk/conversion/jobs', async (req, res) => {
    const body = requireJsonObject(req);
    const problems: Problem[] = [];
    for (const key of Object.keys(body)) if (!['conversion', 'ids', 'filter'].includes(key)) problems.push({ pointer: `/${key}`, detail: 'unknown member' });
    if (typeof body.conversion !== 'string' || body.conversion === '') problems.push({ pointer: '/conversion', detail: 'name the conversion to run' });
    if (Array.isArray(body.ids)) body.ids.forEach((id, i) => (typeof id === 'string' && isUuid(id) ? undefined : problems.push({ pointer: `/ids/${i}`, detail: 'must be a record id' })));
    problems.push(...selectionProblems(body));
    if (problems.length) throw new TesseraError('VALIDATION_FAILED', 'invalid bulk conversion', { problems: problems.slice(0, 20) });
    if (declaredConversion(platform.records, req.params.type, body.conversion as string).recipients !== undefined) {
      const detail = `conversion "${String(body.conversion)}" runs from one record for a selection of recipients: POST …/:id/convert/:conversion/jobs`;
      throw new TesseraError('CONFLICT', detail, { problems: [{ pointer: '/conversion', detail, code: 'CONVERSION_RECIPIENTS' }] });
    }
    const actor = recordContext(req).actor;
    const id = await platform.recordJobs.submit(actor, { kind: CONVERSION_JOB, entity: req.params.type, selection: selectionOf(body), params: { conversion: body.conversion as string } });
    res.status(202).location(`${req.baseUrl}/record-jobs/${id}`).json(await platform.recordJobs.report(actor, id));
  });

  // A fan-out: one source (a template offer) converted once per selected recipient (contractors by
  // ids or a list filter), as a background job with the user's rights. The source must be theirs to
  // read and its conversion allowed now, checked before anything starts.
  router.post('/records/:type/:id/convert/:conversion/jobs', async (req, res) => {
    const body = requireJsonObject(req);
    const problems: Problem[] = [];
    for (const key of Object.keys(body)) if (!['ids', 'filter'].includes(key)) problems.push({ pointer: `/${key}`, detail: 'unknown member' });
    if (Array.isArray(body.ids)) body.ids.forEach((id, i) => (typeof id === 'string' && isUuid(id) ? undefined : problems.push({ pointer: `/ids/${i}`, detail: 'must be a record id' })));
    problems.push(...selectionProblems(body));
    if (problems.length) throw new TesseraError('VALIDATION_FAILED', 'invalid fan-out conversion', { problems: problems.slice(0, 20) });
    const ctx = recordContext(req);
    const { type, id: sourceId, conversion } = req.params;
    const recipients = await fanOutRecipients(platform.records, ctx, type, sourceId, conversion);
    const id = await platform.recordJobs.submit(ctx.actor, { kind: CONVERSION_FAN_OUT_JOB, entity: recipients, selection: selectionOf(body), params: { conversion, source: { entity: type, id: sourceId } } });
    res.status(202).location(`${req.baseUrl}/record-jobs/${id}`).json(await platform.recordJobs.report(ctx.actor, id));
  });

  // A bulk job's progress (done, failed, total) and first failures; its starter's only.
  router.get('/record-jobs/:id', async (req, res) => {
    res.json(await platform.recordJobs.report(recordContext(req).actor, req.params.id));
  });

  router.post('/record-jobs/:id/cancel', async (req, res) => {
    const actor = recordContext(req).actor;
    await platform.recordJobs.cancel(actor, req.params.id);
    res.status(202).json(await platform.recordJobs.report(actor, req.params.id));
  });

  router.get('/record-sets/:runId', async (req, res) => {
    if (!isUuid(req.params.runId)) throw new TesseraError('NOT_FOUND', 'no such run');
    const ctx = recordContext(req);
    if (!ctx.actor.access?.can('administerWorkflows')) await requireRunOf(req.params.runId, ctx.actor.userId);
    res.json(await runProgress(platform.knex, { runId: req.params.runId }));
  });

  // A marketing action: members from its filter, its scenario per member; progress and results.
  router.post(`/records/${MARKETING_ACTION}/:id/start`, async (req, res) => {
    const result = await startMarketingAction(services, recordContext(req), req.params.id);
    res.json({ ...result, progress: await runProgress(platform.knex, { source: { entity: MARKETING_ACTION, id: req.params.id } }) });
  });

  router.get('/records/:type/:id/progress', async (req, res) => {
    await platform.records.get(recordContext(req), req.params.type, req.params.id, { fields: ['id'] });
    res.json(await runProgress(platform.knex, { source: { entity: req.params.type, id: req.params.id } }));
  });

  /** A run's chunks and progress belong to whoever started it. */
  async function requireRunOf(runId: string, userId: string | null): Promise<void> {
    const row = (await platform.knex('tessera.record_set_members').where({ run_id: runId }).first('started_by')) as { started_by: string | null } | undefined;
    if (!row || row.started_by !== userId) throw new TesseraError('NOT_FOUND', 'no such run of yours', { problems: [{ pointer: '/runId', detail: 'not a run you started' }] });
  }

  return router;
}
