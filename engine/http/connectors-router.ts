// /api/connectors and /api/outbox — the connector platform's administration (the
// administerConnectors right; tokens need the `connectors` scope): each connector's settings (secrets
// never leave the server: the API says where one is set, not what it is), their history, and the
// outbox (delivery log, retry). Each connector's own routes are mounted at /api/connectors/<id>/ for
// signed-in users, and answer 404 while the connector is disabled.
import { Router, type Request, type Response } from 'express';
import { adminHistory } from '../access/index.ts';
import type { Connector } from '../connectors/platform-api.ts';
import { OUTBOX_STATES, type OutboxState } from '../connectors/platform-api.ts';
import { TesseraError, type Problem } from '../errors.ts';
import type { Platform } from '../platform.ts';
import type { JsonObject } from '../workflows/expression.ts';
import { isUuid } from '../../metadata/index.ts';
import { requireRight } from './authenticate.ts';
import { requireJsonObject, stringParam } from './params.ts';

const admin = requireRight('administerConnectors');

export function connectorsRouter(platform: Platform): Router {
  const router = Router();
  const host = platform.connectors;

  const connectorOf = (req: Request): Connector => {
    const connector = host.get(String(req.params.id));
    if (!connector) throw new TesseraError('NOT_FOUND', `no connector ${String(req.params.id)}`);
    return connector;
  };

  const view = async (connector: Connector) => {
    const settings = await host.settings.masked(connector.id, connector.configSchema);
    return {
      id: connector.id,
      label: connector.label,
      ...(connector.description ? { description: connector.description } : {}),
      configSchema: connector.configSchema ?? null,
      uiSchema: connector.uiSchema ?? null,
      taskTypes: (connector.taskTypes ?? []).map((t) => ({ type: t.type, mode: t.mode, description: t.description ?? null })),
      channels: (connector.channels ?? []).map((c) => c.id),
      pollers: (connector.pollers ?? []).map((p) => ({ id: p.id, everySeconds: p.everySeconds })),
      ...settings,
    };
  };

  // Which connectors are switched on, for every signed-in user: the app hides what lives on a connector
  // that is off (a mail button, the mailbox page) instead of asking its routes and getting 404s.
  router.get('/connectors/enabled', async (_req, res) => {
    const enabled = await Promise.all(host.connectors.map(async (c) => ((await host.context(c.id).settings()).enabled ? c.id : null)));
    res.json({ data: enabled.filter((id): id is string => id !== null) });
  });

  router.get('/connectors', admin, async (_req, res) => {
    res.json({ data: await Promise.all(host.connectors.map(view)) });
  });

  router.get('/connectors/:id/settings', admin, async (req, res) => {
    res.json(await view(connectorOf(req)));
  });

  router.put('/connectors/:id/settings', admin, async (req, res) => {
    const connector = connectorOf(req);
    const body = requireJsonObject(req);
    const problems: Problem[] = [];
    for (const key of Object.keys(body)) if (!['enabled', 'config', 'version'].includes(key)) problems.push({ pointer: `/${key}`, detail: 'unknown property', code: 'UNKNOWN_FIELD' });
    if (body.enabled !== undefined && typeof body.enabled !== 'boolean') problems.push({ pointer: '/enabled', detail: 'must be true or false' });
    if (body.config !== undefined && (typeof body.config !== 'object' || body.config === null || Array.isArray(body.config))) problems.push({ pointer: '/config', detail: 'must be an object' });
    if (body.version !== undefined && (!Number.isInteger(body.version) || (body.version as number) < 0)) problems.push({ pointer: '/version', detail: 'must be a whole number (0: never saved)' });
    if (problems.length) throw new TesseraError('VALIDATION_FAILED', `invalid settings: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });
    const actor = res.locals.actor!;
    await host.settings.write(
      connector.id,
      connector.configSchema,
      {
        ...(body.enabled !== undefined ? { enabled: body.enabled as boolean } : {}),
        ...(body.config !== undefined ? { config: body.config as JsonObject } : {}),
        ...(body.version !== undefined ? { expectedVersion: body.version as number } : {}),
      },
      { userId: actor.userId, via: actor.via },
    );
    res.json(await view(connector));
  });

  router.get('/connectors/:id/settings/history', admin, async (req, res) => {
    const connector = connectorOf(req);
    const row = (await platform.knex('tessera.connector_settings').where({ connector_id: connector.id }).first('id')) as { id: string } | undefined;
    res.json({ data: row ? await adminHistory(platform.knex, 'connector', row.id) : [] });
  });

  router.get('/outbox', admin, async (req, res) => {
    const query = req.query;
    const state = stringParam(query.state, 'state');
    if (state !== undefined && !(OUTBOX_STATES as readonly string[]).includes(state)) {
      throw new TesseraError('BAD_QUERY', `state is one of ${OUTBOX_STATES.join(', ')}`, { problems: [{ pointer: '/query/state', detail: `must be one of ${OUTBOX_STATES.join(', ')}` }] });
    }
    const limitText = stringParam(query.limit, 'limit');
    const limit = limitText === undefined ? 50 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new TesseraError('BAD_QUERY', 'limit is a whole number from 1 to 500', { problems: [{ pointer: '/query/limit', detail: 'must be 1 to 500' }] });
    const before = stringParam(query.before, 'before');
    if (before !== undefined && !isUuid(before)) throw new TesseraError('BAD_QUERY', 'before is the id of an outbox message', { problems: [{ pointer: '/query/before', detail: 'must be a message id' }] });
    const connector = stringParam(query.connector, 'connector');
    const channel = stringParam(query.channel, 'channel');
    const recipient = stringParam(query.recipient, 'recipient');
    const data = await host.outbox.list({
      limit,
      ...(connector ? { connectorId: connector } : {}),
      ...(channel ? { channel } : {}),
      ...(recipient ? { recipient } : {}),
      ...(state ? { state: state as OutboxState } : {}),
      ...(before ? { before } : {}),
    });
    res.json({ data });
  });

  router.get('/outbox/:id', admin, async (req, res) => {
    const entry = isUuid(String(req.params.id)) ? await host.outbox.get(String(req.params.id)) : null;
    if (!entry) throw new TesseraError('NOT_FOUND', `no outbox message ${String(req.params.id)}`);
    res.json(entry);
  });

  router.post('/outbox/:id/retry', admin, async (req, res) => {
    if (!isUuid(String(req.params.id))) throw new TesseraError('NOT_FOUND', `no outbox message ${String(req.params.id)}`);
    res.json(await host.outbox.retry(String(req.params.id)));
  });

  // Each connector's own routes, behind sign-in; 404 while it is disabled.
  for (const connector of host.connectors) {
    if (!connector.routes) continue;
    const own = Router();
    const ctx = host.context(connector.id);
    own.use(async (_req, _res, next) => {
      if (!(await ctx.settings()).enabled) throw new TesseraError('NOT_FOUND', `the connector ${connector.id} is disabled`);
      next();
    });
    connector.routes(own, { ...ctx, access: (res: Response) => res.locals.actor?.access ?? null });
    router.use(`/connectors/${connector.id}`, own);
  }

  return router;
}

/**
 * Each connector's routes without sign-in (other systems' callbacks, links in mails, feeds), mounted
 * at /api/connectors/<id>/public/ before sign-in is required: the connector authorises each request
 * by what it carries. 404 while the connector is disabled.
 */
export function connectorsPublicRouter(platform: Platform): Router {
  const router = Router();
  const host = platform.connectors;
  for (const connector of host.connectors) {
    if (!connector.publicRoutes) continue;
    const own = Router();
    const ctx = host.context(connector.id);
    own.use(async (_req, _res, next) => {
      if (!(await ctx.settings()).enabled) throw new TesseraError('NOT_FOUND', `the connector ${connector.id} is disabled`);
      next();
    });
    connector.publicRoutes(own, ctx);
    router.use(`/connectors/${connector.id}/public`, own);
  }
  return router;
}
