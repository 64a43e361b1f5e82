// The workflow API: deploy BPMN (application/xml), list definitions, start, inspect and cancel
// instances, publish messages, complete user tasks through their activities, retry incidents, and
// the signed-in user's in-app notifications. Deploying, messages, cancelling and incidents need the
// administerWorkflows right; reading an instance about a record needs the right to read that record,
// and its variables (what its actions read) are shown only to those who could read all of it.
import express, { Router, type Request } from 'express';
import { TesseraError, type Problem } from '../errors.ts';
import type { Platform } from '../platform.ts';
import type { JsonObject } from '../workflows/expression.ts';
import { instanceView, listDefinitions, listIncidents, listInstances, userOrigin, type InstanceView } from '../workflows/runtime/index.ts';
import { addDuration, parseIsoDuration } from '../workflows/index.ts';
import { admits } from '../access/index.ts';
import { requireRight, requireScope } from './authenticate.ts';
import { recordContext } from './context.ts';
import type { RecordContext } from '../records/index.ts';
import { booleanParam, requireJsonObject } from './params.ts';
import { isUuid } from '../../metadata/index.ts';
import type { Actor } from '../records/index.ts';

const XML_TYPES = ['application/xml', 'text/xml', 'application/bpmn+xml', 'application/*+xml'];

function queryText(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TesseraError('BAD_QUERY', `${name} must be given once`, { problems: [{ pointer: `/query/${name}`, detail: 'must be a single value' }] });
  return value;
}

function queryInt(req: Request, name: string, min: number, max: number): number | undefined {
  const text = queryText(req, name);
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max) throw new TesseraError('BAD_QUERY', `${name} must be a whole number from ${min} to ${max}`, { problems: [{ pointer: `/query/${name}`, detail: `must be ${min}…${max}` }] });
  return Number(text);
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function recordRef(value: unknown, pointer: string): { entity: string; id: string } {
  if (!isJsonObject(value) || typeof value.entity !== 'string' || typeof value.id !== 'string' || !isUuid(value.id)) {
    throw new TesseraError('VALIDATION_FAILED', 'record must be {"entity": "<entity type>", "id": "<record id>"}', { problems: [{ pointer, detail: 'must be {entity, id}' }] });
  }
  return { entity: value.entity, id: value.id };
}

function variablesOf(body: Record<string, unknown>, problems: Problem[]): JsonObject {
  if (body.variables === undefined) return {};
  if (!isJsonObject(body.variables)) {
    problems.push({ pointer: '/variables', detail: 'must be an object' });
    return {};
  }
  return body.variables;
}

/** The longest time a published message may wait for a subscription. */
const MAX_TIME_TO_LIVE_MS = 90 * 24 * 3600 * 1000;

/** A message's time to live: milliseconds, or an ISO 8601 duration (PT10M); absent = 0 (not kept). */
function timeToLiveOf(value: unknown, problems: Problem[]): number {
  if (value === undefined) return 0;
  let ms: number | null = null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) ms = value;
  else if (typeof value === 'string') {
    const duration = parseIsoDuration(value);
    const now = new Date();
    if (duration) ms = addDuration(now, duration).getTime() - now.getTime();
  }
  if (ms === null || ms > MAX_TIME_TO_LIVE_MS) {
    problems.push({ pointer: '/timeToLive', detail: 'must be milliseconds (a whole number, 0 or more) or an ISO 8601 duration such as PT10M, at most 90 days' });
    return 0;
  }
  return ms;
}

/**
 * An instance as a reader may see it. Its variables hold what its actions read and were given, with
 * the rights it ran with: only a workflow administrator, or the user an instance acted for with
 * their own rights, could read all of that. Others (who may read the record it is about) get the
 * instance without them.
 */
function readerView(view: InstanceView, actor: Actor): InstanceView & { readonly variablesHidden?: true } {
  if (actor.access?.can('administerWorkflows')) return view;
  if (view.runAs === 'user' && view.startedBy !== null && view.startedBy === actor.userId) return view;
  return { ...view, variables: {}, variablesHidden: true };
}

/** `platformRights=true|false` of a deploy. */
function platformRightsOf(req: Request): boolean {
  const text = queryText(req, 'platformRights');
  if (text === undefined || text === 'false') return false;
  if (text === 'true') return true;
  throw new TesseraError('BAD_QUERY', 'platformRights is true or false', { problems: [{ pointer: '/query/platformRights', detail: 'must be true or false' }] });
}

export function workflowsRouter(platform: Platform): Router {
  const router = Router();
  const { processes, records } = platform;
  const admin = requireRight('administerWorkflows');

  // ---- definitions ----

  // Raw bytes: the file's byte order mark or XML declaration says how to decode them (ISO-8859-1, UTF-16…).
  router.post('/workflows', admin, express.raw({ type: XML_TYPES, limit: '5mb' }), async (req, res) => {
    if (!Buffer.isBuffer(req.body) || !req.is(XML_TYPES)) throw new TesseraError('UNSUPPORTED_MEDIA_TYPE', 'send the BPMN file as application/xml', { problems: [{ pointer: '', detail: 'the body must be a BPMN file sent as application/xml' }] });
    const name = queryText(req, 'name') ?? null;
    // Only workflow administrators deploy (the guard above), so only they make a process act with platform rights.
    const platformRights = platformRightsOf(req);
    const result = await processes.deploy(req.body, { source: 'api', resourceName: name, deployedBy: recordContext(req).actor.userId, platformRights });
    const changed = result.processes.some((p) => p.changed);
    res.status(changed ? 201 : 200).json({
      deploymentId: result.deploymentId,
      processes: result.processes.map((p) => ({ processId: p.processId, version: p.version, name: p.name, versionTag: p.versionTag, changed: p.changed, platformRights: p.platformRights })),
      warnings: result.warnings,
    });
  });

  router.get('/workflows', async (_req, res) => {
    res.json({ data: await listDefinitions(platform.knex) });
  });

  router.get('/workflows/:processId/xml', async (req, res) => {
    const version = queryInt(req, 'version', 1, 1_000_000_000);
    const query = platform.knex('tessera.process_definitions as p').join('tessera.process_deployments as d', 'd.id', 'p.deployment_id').where('p.process_id', req.params.processId);
    if (version !== undefined) query.where('p.version', version);
    const row = (await query.orderBy('p.version', 'desc').first('d.xml', 'p.version')) as { xml: string; version: number } | undefined;
    if (!row) throw new TesseraError('NOT_FOUND', `no process ${req.params.processId}${version !== undefined ? ` version ${version}` : ''}`);
    res.set('X-Process-Version', String(row.version)).type('application/xml').send(row.xml);
  });

  // ---- instances ----

  router.post('/workflows/:processId/instances', async (req, res) => {
    const body = req.body === undefined || (typeof req.body === 'object' && Object.keys(req.body as object).length === 0 && !req.is('json')) ? {} : requireJsonObject(req);
    const problems: Problem[] = [];
    const variables = variablesOf(body, problems);
    if (body.version !== undefined && (!Number.isInteger(body.version) || (body.version as number) < 1)) problems.push({ pointer: '/version', detail: 'must be a positive integer' });
    if (body.startEventId !== undefined && typeof body.startEventId !== 'string') problems.push({ pointer: '/startEventId', detail: 'must be an element id' });
    if (problems.length) throw new TesseraError('VALIDATION_FAILED', 'invalid start request', { problems });
    const record = body.record === undefined || body.record === null ? null : recordRef(body.record, '/record');
    // Starting a process is an action on the record it is about: for workflow administrators, or for
    // whoever may change that record. The instance then acts with the starter's rights (unless its
    // version was deployed with platform rights).
    const ctx = recordContext(req);
    const access = ctx.actor.access;
    if (access && !access.can('administerWorkflows')) {
      if (!record) throw new TesseraError('FORBIDDEN', 'starting a process about no record needs the administerWorkflows right');
      const current = await records.get(ctx, record.entity, record.id);
      if (!access.subject || !admits(access.entity(record.entity).update, access.subject, record.entity, current)) {
        throw new TesseraError('FORBIDDEN', `starting a process about this ${record.entity} needs the right to change it`, { problems: [{ pointer: '/record', detail: 'you may not change this record' }] });
      }
    }
    const id = await processes.startInstance(ctx, {
      processId: req.params.processId,
      variables,
      record,
      ...(body.version !== undefined ? { version: body.version as number } : {}),
      ...(typeof body.startEventId === 'string' ? { startEventId: body.startEventId } : {}),
    });
    res.status(201).location(`${req.baseUrl}/instances/${id}`).json(readerView(await instanceView(platform.knex, id), ctx.actor));
  });

  router.get('/instances', async (req, res) => {
    const recordText = queryText(req, 'record');
    let record: { entity: string; id: string } | undefined;
    if (recordText !== undefined) {
      const [entity, id] = recordText.split(':');
      if (!entity || !id || !isUuid(id)) throw new TesseraError('BAD_QUERY', 'record is <entity>:<id>', { problems: [{ pointer: '/query/record', detail: 'must be <entity>:<id>' }] });
      record = { entity, id };
      // Instances about a record are visible to whoever may read the record.
      await records.get(recordContext(req), entity, id, { fields: ['id'] });
    } else if (!recordContext(req).actor.access?.can('administerWorkflows')) {
      throw new TesseraError('FORBIDDEN', 'listing all instances needs the administerWorkflows right; filter by record=<entity>:<id>');
    }
    const status = queryText(req, 'status');
    if (status !== undefined && !['active', 'completed', 'terminated'].includes(status)) throw new TesseraError('BAD_QUERY', 'status is active, completed or terminated', { problems: [{ pointer: '/query/status', detail: 'must be active, completed or terminated' }] });
    const before = queryText(req, 'before');
    if (before !== undefined && !isUuid(before)) throw new TesseraError('BAD_QUERY', 'before is an instance id', { problems: [{ pointer: '/query/before', detail: 'must be an instance id' }] });
    const processId = queryText(req, 'processId');
    const limit = queryInt(req, 'limit', 1, 500);
    const data = await listInstances(platform.knex, { ...(record ? { record } : {}), ...(processId ? { processId } : {}), ...(status ? { status } : {}), ...(limit ? { limit } : {}), ...(before ? { before } : {}) });
    res.json({ data });
  });

  /** Whether the user may read an instance: workflow administrators all, others those about a record they may read. */
  async function mayReadInstance(ctx: RecordContext, id: string): Promise<boolean> {
    if (ctx.actor.access?.can('administerWorkflows')) return true;
    const about = isUuid(id) ? ((await platform.knex('tessera.process_instances').where({ id }).first('business_entity', 'business_id')) as { business_entity: string | null; business_id: string | null } | undefined) : undefined;
    if (!about?.business_entity || !about.business_id) return false;
    try {
      await records.get(ctx, about.business_entity, about.business_id, { fields: ['id'], withDeleted: true });
      return true;
    } catch (error) {
      if (error instanceof TesseraError && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN')) return false;
      throw error;
    }
  }

  // Rights first: an instance the user may not read is as missing as one that does not exist, with the same answer.
  router.get('/instances/:id', async (req, res) => {
    const ctx = recordContext(req);
    if (!(await mayReadInstance(ctx, req.params.id))) throw new TesseraError('NOT_FOUND', `no process instance ${req.params.id}`);
    res.json(readerView(await instanceView(platform.knex, req.params.id), ctx.actor));
  });

  router.delete('/instances/:id', admin, async (req, res) => {
    await processes.cancelInstance(String(req.params.id));
    res.json(await instanceView(platform.knex, String(req.params.id)));
  });

  // ---- messages, user tasks, incidents ----

  router.post('/messages', admin, async (req, res) => {
    const body = requireJsonObject(req);
    const problems: Problem[] = [];
    if (typeof body.name !== 'string' || body.name === '') problems.push({ pointer: '/name', detail: 'is required (the message name)' });
    const key = body.correlationKey;
    if (key !== undefined && typeof key !== 'string' && typeof key !== 'number') problems.push({ pointer: '/correlationKey', detail: 'must be a string or number' });
    const variables = variablesOf(body, problems);
    const timeToLiveMs = timeToLiveOf(body.timeToLive, problems);
    if (problems.length) throw new TesseraError('VALIDATION_FAILED', 'invalid message', { problems });
    // Processes the message starts act for the publisher, like processes started by hand.
    const result = await processes.publishMessage(body.name as string, key === undefined ? '' : String(key), variables, undefined, timeToLiveMs, userOrigin(recordContext(req).actor.userId, 'message'));
    res.json(result);
  });

  // The workflow task of an activity and its form, for whoever may read the activity (the task
  // dialog needs no instance or definition rights).
  router.get('/activities/:id/task', async (req, res) => {
    res.json(await processes.activityTask(recordContext(req), req.params.id));
  });

  router.post('/activities/:id/complete', async (req, res) => {
    const formData = req.body === undefined ? {} : requireJsonObject(req);
    const result = await processes.completeActivity(recordContext(req), req.params.id, formData as JsonObject);
    res.json({ instanceId: result.instanceId, activity: result.activity });
  });

  router.get('/incidents', admin, async (req, res) => {
    const open = queryText(req, 'status');
    if (open !== undefined && open !== 'open' && open !== 'all') throw new TesseraError('BAD_QUERY', 'status is open or all', { problems: [{ pointer: '/query/status', detail: 'must be open or all' }] });
    const instanceId = queryText(req, 'instanceId');
    res.json({ data: await listIncidents(platform.knex, { open: open !== 'all', ...(instanceId && isUuid(instanceId) ? { instanceId } : {}) }) });
  });

  router.post('/incidents/:id/retry', admin, async (req, res) => {
    const body = req.body === undefined || (isJsonObject(req.body) && Object.keys(req.body).length === 0) ? {} : requireJsonObject(req);
    if (body.retries !== undefined && (!Number.isInteger(body.retries) || (body.retries as number) < 1 || (body.retries as number) > 100)) {
      throw new TesseraError('VALIDATION_FAILED', 'retries must be 1…100', { problems: [{ pointer: '/retries', detail: 'must be an integer from 1 to 100' }] });
    }
    const instanceId = await processes.resolveIncident(String(req.params.id), (body.retries as number | undefined) ?? 1);
    res.json(await instanceView(platform.knex, instanceId));
  });

  // ---- notifications ----

  router.get('/notifications', requireScope('reading notifications', 'read'), async (req, res) => {
    const userId = recordContext(req).actor.userId;
    if (!userId) throw new TesseraError('UNAUTHENTICATED', 'notifications belong to a signed-in user');
    const unread = booleanParam((req.query as Record<string, unknown>).unread, 'unread');
    const before = queryInt(req, 'before', 1, Number.MAX_SAFE_INTEGER);
    const limit = queryInt(req, 'limit', 1, 200);
    res.json({ data: await processes.notifications.forUser(userId, { unreadOnly: unread === true, ...(limit ? { limit } : {}), ...(before ? { before } : {}) }) });
  });

  router.post('/notifications/:id/read', requireScope('marking a notification read', 'write'), async (req, res) => {
    const userId = recordContext(req).actor.userId;
    if (!userId) throw new TesseraError('UNAUTHENTICATED', 'notifications belong to a signed-in user');
    const id = String(req.params.id);
    if (!/^\d{1,18}$/.test(id) || !(await processes.notifications.markRead(userId, Number(id)))) throw new TesseraError('NOT_FOUND', `no notification ${id} of yours`);
    res.status(204).end();
  });

  return router;
}
