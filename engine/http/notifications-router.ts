// The notification centre's live side: GET /api/notifications/stream (server-sent events) tells a
// signed-in browser its unread count and newest notification id whenever they change, in whichever
// process the notification was written (a workflow worker, another server). Migration 008 NOTIFYs
// `tessera_notifications` with the user's id on every in-app notification written or read (an
// assignment's writer sends it after its commit, migration 046); where NOTIFY does not cross
// connections (the embedded database) the feed polls the same summary instead.
// Reading the list and marking one read stay in workflows-router.ts.
import { Router, type Request, type Response } from 'express';
import type { DatabaseListener } from '../db/notifications.ts';
import { TesseraError } from '../errors.ts';
import { NOTIFICATIONS_CHANNEL, type NotificationService } from '../workflows/runtime/index.ts';
import type { Platform } from '../platform.ts';
import { requireScope } from './authenticate.ts';

export { NOTIFICATIONS_CHANNEL };

export interface NotificationSummary {
  readonly unread: number;
  /** Id of the user's newest in-app notification (0: none): a larger one than before means news. */
  readonly newest: number;
}

type Send = (summary: NotificationSummary) => void;

const POLL_MS = 1000;
const HEARTBEAT_MS = 20_000;
// A stream ends after this long and the browser reconnects (EventSource does by itself), so a
// session that ended meanwhile (logout, deactivation) stops receiving: the reconnect is refused.
const STREAM_MS = 120_000;

/** Who is listening (user id → their open streams) and what each user was last told. */
export class NotificationFeed {
  readonly #service: NotificationService;
  readonly #listener: DatabaseListener | null;
  readonly #streams = new Map<string, Set<Send>>();
  readonly #told = new Map<string, string>();
  #listening = false;
  #poll: ReturnType<typeof setInterval> | null = null;

  constructor(service: NotificationService, listener: DatabaseListener | null) {
    this.#service = service;
    this.#listener = listener;
  }

  /** Starts sending a user's summaries to `send` (the current one at once); returns the unsubscribe. */
  async subscribe(userId: string, send: Send): Promise<() => void> {
    const streams = this.#streams.get(userId) ?? new Set<Send>();
    this.#streams.set(userId, streams);
    streams.add(send);
    const summary = await this.#service.summary(userId);
    this.#told.set(userId, key(summary));
    send(summary);
    await this.#follow();
    return () => {
      streams.delete(send);
      if (streams.size === 0) {
        this.#streams.delete(userId);
        this.#told.delete(userId);
      }
      if (this.#streams.size === 0 && this.#poll) {
        clearInterval(this.#poll);
        this.#poll = null;
      }
    };
  }

  async #follow(): Promise<void> {
    if (this.#listener?.delivers) {
      if (this.#listening) return;
      this.#listening = true;
      // An empty payload (after a reconnect of the listener) means "anything may have changed".
      await this.#listener.on(NOTIFICATIONS_CHANNEL, (userId) => void (userId ? this.#refresh(userId) : this.#refreshAll()).catch(() => undefined));
    } else if (!this.#poll) {
      this.#poll = setInterval(() => void this.#refreshAll().catch(() => undefined), POLL_MS);
      this.#poll.unref();
    }
  }

  async #refreshAll(): Promise<void> {
    for (const userId of [...this.#streams.keys()]) await this.#refresh(userId);
  }

  async #refresh(userId: string): Promise<void> {
    const streams = this.#streams.get(userId);
    if (!streams) return;
    const summary = await this.#service.summary(userId);
    if (this.#told.get(userId) === key(summary)) return;
    this.#told.set(userId, key(summary));
    for (const send of streams) send(summary);
  }
}

const key = (s: NotificationSummary) => `${s.unread}:${s.newest}`;

function userOf(res: Response): string {
  const userId = res.locals.actor?.userId;
  if (!userId) throw new TesseraError('UNAUTHENTICATED', 'notifications belong to a signed-in user');
  return userId;
}

export function notificationsRouter(platform: Platform): Router {
  const router = Router();
  const { notifications } = platform.processes;
  const feed = new NotificationFeed(notifications, platform.listener);

  router.get('/notifications/stream', requireScope('reading notifications', 'read'), async (req: Request, res: Response) => {
    const userId = userOf(res);
    // no-transform keeps the compression middleware from buffering the events.
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store, no-transform', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    const write = (text: string) => {
      res.write(text);
      (res as Response & { flush?: () => void }).flush?.();
    };
    write('retry: 3000\n\n');
    let closed = false;
    let unsubscribe: (() => void) | null = null;
    const heartbeat = setInterval(() => write(': keep-alive\n\n'), HEARTBEAT_MS);
    const end = setTimeout(() => res.end(), STREAM_MS);
    res.on('close', () => {
      closed = true;
      clearInterval(heartbeat);
      clearTimeout(end);
      unsubscribe?.();
    });
    const off = await feed.subscribe(userId, (summary) => {
      if (!closed) write(`event: notifications\ndata: ${JSON.stringify(summary)}\n\n`);
    });
    if (closed) off();
    else unsubscribe = off;
  });

  router.get('/notifications/summary', requireScope('reading notifications', 'read'), async (_req, res) => {
    res.json(await notifications.summary(userOf(res)));
  });

  router.post('/notifications/read-all', requireScope('marking notifications read', 'write'), async (_req, res) => {
    res.json({ marked: await notifications.markAllRead(userOf(res)) });
  });

  return router;
}
