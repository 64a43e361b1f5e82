// The `sms` connector: provider accounts in its settings, the `sms` outbox channel, delivery
// reports from modems and gateway callbacks, incoming SMS on the contacts' timelines, opt-outs,
// the `sms:send` task type and the `sms` notification channel. Reference: docs/sms.md.
import type { Connector, ConnectorContext, JsonObject, RecordChange } from '../../engine/connectors/index.ts';
import type { Knex } from 'knex';
import { type SmsAccount, type SmsConfig, configSchema, missingSettings, uiSchema } from './accounts.ts';
import { CONTACT_ENTITIES, indexEntries } from './contacts.ts';
import { receiveSms, reindexPhones } from './incoming.ts';
import { indexPhones, recordOptOut, removeOptOut } from './message-store.ts';
import { applyModemPartReport, applyStatus, smsChannel } from './outbound.ts';
import type { SmsPorts } from './ports.ts';
import { ProviderPool } from './provider-pool.ts';
import { reserveSends } from './rate-buckets.ts';
import { callbackBase, publicRoutes, userRoutes } from './routes.ts';
import { smsSendAction } from './flow-action.ts';
import { smsListJob } from './list-send.ts';
import { sendTask, takeNotifications } from './send-task.ts';

let context: ConnectorContext | null = null;

function portsFor(account: SmsAccount): SmsPorts {
  return {
    statusChanged: async (update) => {
      if (context) await applyStatus(context, 'modem', update).catch((error: unknown) => context?.log(`status report of ${update.providerId}`, error));
    },
    // A report for a part sent before this process (re)opened the modem: found in the database.
    partReport: async (report) => {
      if (context) await applyModemPartReport(context, account.id, report).catch((error: unknown) => context?.log(`status report for TP-MR ${report.messageReference}`, error));
    },
    // Resolves only once stored: the driver deletes the message from the SIM after that.
    received: async (message) => {
      if (!context) throw new Error('the SMS connector is not running');
      await receiveSms(context, account.id, message);
    },
    health: (health) => {
      if (health.error) context?.log(`modem ${account.id}: ${health.state} (${health.error})`);
    },
  };
}

/** The providers of this process (one modem connection per account). */
export const pool = new ProviderPool({ ports: portsFor, log: (m, e) => context?.log(m, e) });

/** Opens the modems of enabled modem accounts in a process that runs workers (incoming SMS and
 * reports arrive on them) and closes providers of removed accounts. */
export async function reconcileAccounts(ctx: ConnectorContext): Promise<void> {
  const settings = await ctx.settings();
  const config = settings.config as SmsConfig;
  const accounts = settings.enabled ? (config.accounts ?? []).filter((a) => a.enabled !== false) : [];
  await pool.retain(accounts);
  // A modem port is held where the work is done (server, worker), never by a CLI command.
  if (!ctx.workersRunning()) return;
  for (const account of accounts) if (account.kind === 'modem' && missingSettings(account).length === 0) await pool.get(account, callbackBase(config));
}

async function onRecordChange(trx: Knex.Transaction, change: RecordChange, ctx: ConnectorContext): Promise<void> {
  if (!(CONTACT_ENTITIES as readonly string[]).includes(change.entity)) return;
  const entity = ctx.records.runtime.snapshot.model.entities.get(change.entity);
  if (!entity) return;
  const region = ((await ctx.settings(trx)).config as SmsConfig).defaultRegion ?? 'PL';
  const id = String(change.record.id);
  const phones = change.action === 'delete' ? [] : indexEntries(entity, change.record as JsonObject, region);
  await indexPhones(trx, change.entity, id, phones);
  // The contact's flag is the user's control over the opt-out: clearing it (the contact consented
  // again) lifts the STOP of its numbers; setting it records them.
  const flag = change.changes.sms_opt_out;
  if (flag && change.action === 'update') {
    for (const { phone } of phones) {
      if (flag[1] === true) await recordOptOut(trx, phone, 'record', `${change.entity} ${id}`);
      else await removeOptOut(trx, phone);
    }
  }
}

export const sms: Connector = {
  id: 'sms',
  label: { pl: 'SMS', en: 'SMS', ro: 'SMS' },
  description: {
    pl: 'SMS-y przez modem GSM, SMSAPI.pl lub Twilio: wysyłka z karty i z procesów, raporty doręczeń, odpowiedzi na osi czasu kontaktu, rezygnacje (STOP).',
    en: 'Text messages through a GSM modem, SMSAPI.pl or Twilio: sending from record cards and workflows, delivery reports, replies on the contact’s timeline, opt-outs (STOP).',
    ro: 'SMS-uri prin modem GSM, SMSAPI.pl sau Twilio: trimitere din fișă și din procese, rapoarte de livrare, răspunsuri pe cronologia contactului, dezabonări (STOP).',
  },
  configSchema,
  uiSchema,
  taskTypes: [sendTask],
  recordJobKinds: [smsListJob],
  channels: [smsChannel({ pool, reserve: reserveSends, callbackBase })],
  pollers: [
    { id: 'notifications', everySeconds: 5, run: async (ctx) => void (await takeNotifications(ctx)) },
    { id: 'phone-index', everySeconds: 3600, run: async (ctx) => void (await reindexPhones(ctx, ctx.signal)) },
  ],
  routes: userRoutes,
  publicRoutes,
  actions: { send: smsSendAction },
  onRecordChange,
  async start(ctx) {
    context = ctx;
    const tick = () => void reconcileAccounts(ctx).catch((error: unknown) => ctx.log('SMS accounts', error));
    tick();
    const timer = setInterval(tick, 5000);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await pool.close();
      context = null;
    };
  },
};
