// POST /api/connectors/calendar/discover {server_url, username, password}: the calendars a login sees
// on a CalDAV server (calendar-discovery.ts), for choosing one when setting up an account. Any
// signed-in user (they give the credentials); nothing is stored.
import type { Response, Router } from 'express';
import type { ConnectorRoutes } from '../../engine/connectors/index.ts';
import { CalendarDiscoveryError, discoverCalendars } from './calendar-discovery.ts';

const send = (res: Response, status: number, body: Record<string, unknown>) => res.status(status).type('application/problem+json').send(JSON.stringify({ status, ...body }));

export const discoveryRoutes: ConnectorRoutes = (router: Router, ctx) => {
  router.post('/discover', async (req, res) => {
    if (!ctx.access(res)?.subject) return send(res, 403, { title: 'sign in first', code: 'FORBIDDEN' });
    const body = (req.body ?? {}) as Record<string, unknown>;
    const errors: { pointer: string; detail: string }[] = [];
    const url = typeof body.server_url === 'string' && URL.canParse(body.server_url) ? new URL(body.server_url) : null;
    if (!url || !['http:', 'https:'].includes(url.protocol)) errors.push({ pointer: '/server_url', detail: 'must be an http(s) URL' });
    for (const key of ['username', 'password'] as const) if (typeof body[key] !== 'string' || body[key] === '' || (body[key] as string).length > 500) errors.push({ pointer: `/${key}`, detail: 'must be a non-empty text' });
    if (errors.length) return send(res, 422, { title: 'invalid request', code: 'VALIDATION_FAILED', errors });
    try {
      res.json({ data: await discoverCalendars({ serverUrl: url!.toString(), username: String(body.username), password: String(body.password) }) });
    } catch (error) {
      if (!(error instanceof CalendarDiscoveryError)) throw error;
      const detail = error.message;
      send(res, 422, { title: 'no calendars found', code: 'VALIDATION_FAILED', detail, errors: [{ pointer: '/server_url', detail, code: 'CALENDAR_DISCOVERY' }] });
    }
  });
};
