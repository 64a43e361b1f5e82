// The e-mail connector (issue #12): mail accounts and templates as data (its metadata), inbound sync
// by a poller (and IDLE where enabled), the `email` outbox channel, the `email:send` task type, and
// routes for composing, the "to file" queue, attachments and mail merges, and the `email` notification
// channel of workflows (a poller). docs/email.md.
import type { Connector } from '../../engine/connectors/index.ts';
import { watchAllInboxes, type InboxWatch } from './inbox-watch.ts';
import { syncAllAccounts } from './mailbox-sync.ts';
import { ACCOUNT_ENTITY, emailMetadata } from './metadata.ts';
import { takeNotifications } from './notifications.ts';
import { emailChannel } from './outbound.ts';
import { sendConnections } from './send-connections.ts';
import { emailRoutes, emailPublicRoutes } from './routes.ts';
import { emailSendAction } from './flow-action.ts';
import { emailSendTask } from './send-task.ts';

const labels = (pl: string, en: string, ro: string) => ({ 'x-labels': { pl, en, ro }, title: en });

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ownDomains: {
      type: 'array',
      maxItems: 50,
      items: { type: 'string', minLength: 1, maxLength: 253 },
      ...labels('Domeny firmy (adresy współpracowników)', 'Company domains (colleagues’ addresses)', 'Domeniile firmei (adresele colegilor)'),
    },
    idle: { type: 'boolean', default: false, ...labels('Obserwuj skrzynki (IDLE) w tym serwerze', 'Watch inboxes (IDLE) in this server', 'Urmărește căsuțele (IDLE) în acest server') },
    publicUrl: { type: 'string', format: 'uri', maxLength: 500, ...labels('Publiczny adres Tessery (linki rezygnacji)', 'Public address of Tessera (unsubscribe links)', 'Adresa publică Tessera (linkuri de dezabonare)') },
    consentField: { type: 'string', maxLength: 64, default: 'marketing_consent', ...labels('Pole zgody marketingowej', 'Marketing consent field', 'Câmpul acordului de marketing') },
    notificationAccount: {
      type: 'string',
      maxLength: 254,
      ...labels('Konto powiadomień z procesów (adres lub id)', 'Account for workflow notifications (address or id)', 'Contul pentru notificările proceselor (adresă sau id)'),
    },
    unsubscribeKey: { type: 'string', writeOnly: true, maxLength: 200, ...labels('Klucz linków rezygnacji', 'Unsubscribe link key', 'Cheia linkurilor de dezabonare') },
  },
} as const;

let watch: InboxWatch | null = null;

export const email: Connector = {
  id: 'email',
  label: { pl: 'Poczta e-mail', en: 'E-mail', ro: 'E-mail' },
  description: {
    pl: 'Konta IMAP/SMTP: poczta na osi czasu kontrahentów, wysyłka z kart, szablony i korespondencja seryjna.',
    en: 'IMAP/SMTP accounts: mail on the contractors’ timelines, sending from record cards, templates and serial correspondence.',
    ro: 'Conturi IMAP/SMTP: poșta pe cronologia partenerilor, trimitere din fișe, șabloane și corespondență în serie.',
  },
  configSchema,
  metadata: emailMetadata,
  channels: [emailChannel],
  taskTypes: [emailSendTask],
  pollers: [
    {
      id: 'mailboxes',
      everySeconds: 60,
      async run(ctx) {
        await syncAllAccounts(ctx, { signal: ctx.signal });
      },
    },
    // The `email` notification channel (tessera:notify): queued through the outbox, settled when sent.
    { id: 'notifications', everySeconds: 5, run: async (ctx) => void (await takeNotifications(ctx)) },
  ],
  routes: emailRoutes,
  publicRoutes: emailPublicRoutes,
  actions: { send: emailSendAction },
  // An account added, changed or removed is watched (or let go) without waiting for the next recheck.
  async onRecordChange(_trx, change) {
    if (change.entity === ACCOUNT_ENTITY && watch) setTimeout(() => void watch?.reconcile(), 1000).unref();
  },
  async start(ctx) {
    // IDLE where `idle` is set (the setting is read on every recheck), for accounts added later too.
    watch = watchAllInboxes(ctx);
    return async () => {
      const stopping = watch;
      watch = null;
      await stopping?.stop();
      await sendConnections.close();
    };
  },
};
