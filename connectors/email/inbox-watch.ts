// IDLE on every synced account's watched folder in this process, kept in step with the accounts:
// one added after start is watched within `recheckMs` (sooner when the connector's record hook says
// an account changed), a removed or disabled one is let go, a changed one restarted with its new
// settings. (`watchInboxes` in mailbox-sync.ts watches the accounts of the moment only.)
import type { ConnectorContext } from '../../engine/connectors/index.ts';
import { syncedAccounts, type MailAccount } from './accounts.ts';
import { createImapSync, type ImapSync, type ImapSyncOptions } from './imap-sync.ts';
import { emailConfig, storeFor } from './mailbox-sync.ts';

export interface InboxWatch {
  /** Looks at the accounts again now (after an account record changed). */
  reconcile(): Promise<void>;
  stop(): Promise<void>;
}

/** What a watcher depends on: a change restarts it. */
const fingerprint = (a: MailAccount) => JSON.stringify([a.imap, a.actingUserId, a.team]);

export function watchAllInboxes(ctx: ConnectorContext, options: ImapSyncOptions & { readonly recheckMs?: number } = {}): InboxWatch {
  const running = new Map<string, { sync: ImapSync; fingerprint: string }>();
  let stopped = false;
  let pass: Promise<void> = Promise.resolve();
  const once = async () => {
    if (stopped) return;
    const settings = await ctx.settings();
    const config = emailConfig(settings.config);
    const accounts = settings.enabled && config.idle ? await syncedAccounts(ctx) : [];
    const wanted = new Map(accounts.map((a) => [a.id, a]));
    for (const [id, watcher] of running) {
      const account = wanted.get(id);
      if (!account || fingerprint(account) !== watcher.fingerprint) {
        running.delete(id);
        await watcher.sync.stop();
      }
    }
    for (const account of accounts) {
      if (running.has(account.id) || stopped) continue;
      try {
        const sync = createImapSync(account.imap!, await storeFor(ctx, account, config), { ...options, onError: (error, attempt, retryInMs) => ctx.log(`${account.name}: attempt ${attempt}, again in ${retryInMs} ms`, error) });
        sync.start();
        running.set(account.id, { sync, fingerprint: fingerprint(account) });
      } catch (error) {
        ctx.log(`watching ${account.name}`, error);
      }
    }
  };
  // Passes never overlap: each waits for the one before.
  const reconcile = () => (pass = pass.then(once).catch((error: unknown) => ctx.log('watching inboxes', error)));
  const timer = setInterval(() => void reconcile(), options.recheckMs ?? 30_000);
  timer.unref();
  void reconcile();
  return {
    reconcile,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await pass;
      await Promise.all([...running.values()].map((w) => w.sync.stop()));
      running.clear();
    },
  };
}
