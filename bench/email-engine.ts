// The e-mail connector into the database: messages/s from Dovecot into e-mail activities end to end
// (fetch, parse, dedupe, sanitise, link against contractors and persons found by SQL, thread, write the
// activity through the records service with the owner's rights and audit, locations, attachments as
// files), a 10,000-recipient mail merge queued through the outbox, and merge delivery to a local SMTP
// peer (SMTP, APPEND to Sent, the sent activity) unthrottled. Several runs, min/median/max.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { email, queueMergeById, syncAllAccounts } from '../connectors/email/index.ts';
import { createUser } from '../engine/access/users.ts';
import { startPlatform } from '../engine/platform.ts';
import { seedPackage } from '../engine/seeding.ts';
import { createServerDatabase } from '../test/support/database.ts';
import { startSmtpPeer } from '../test/support/smtp-peer.ts';

export interface EmailEngineBenchOptions {
  readonly imap: { readonly host: string; readonly port: number; readonly user: string; readonly password: string };
  readonly messages: number;
  readonly runs: number;
  readonly mergeRecipients: number;
  readonly deliveries: number;
  /** Only the merge delivery (BENCH_EMAIL_PART=delivery): no ingest, no 10,000-recipient queueing. */
  readonly deliveryOnly?: boolean;
  readonly log: (line: string) => void;
}

const SYSTEM = { actor: { userId: null, via: 'system' as const } };
const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0]!, median: sorted[Math.floor(sorted.length / 2)]!, max: sorted.at(-1)! };
};
const fmt = (s: { min: number; median: number; max: number }, unit: string, digits = 0) => `min ${s.min.toFixed(digits)} / median ${s.median.toFixed(digits)} / max ${s.max.toFixed(digits)} ${unit}`;

export async function emailEngineBenchmark(options: EmailEngineBenchOptions): Promise<void> {
  const { log } = options;
  // TESSERA_BENCH_PG_URL (as for the other benches): a scratch database on that PostgreSQL server.
  const adminUrl = process.env.TESSERA_BENCH_PG_URL;
  const scratch = adminUrl ? await createServerDatabase(adminUrl) : null;
  const platform = await startPlatform({ ...(scratch ? { url: scratch.url } : {}), secretKey: randomBytes(32).toString('base64'), connectors: [email] });
  log(`e-mail into the database: ${scratch ? `PostgreSQL server ${new URL(adminUrl!).host}` : 'embedded PGlite (in memory)'}`);
  const smtp = await startSmtpPeer();
  try {
    await platform.applyMetadata(await seedPackage(), { source: 'seed' });
    const owner = await createUser(platform.knex, { userId: null, via: 'system', isAdmin: true }, { login: 'bench-mail', displayName: 'Bench', email: 'bench@firma.example', password: 'bench-password-1234', roles: [], teams: [], isAdmin: true });
    const ctx = platform.connectors.context('email');
    await platform.connectors.settings.write('email', email.configSchema, { enabled: true, config: { ownDomains: ['firma.example'] } }, { userId: null, via: 'system' });
    // The corpus writes from kontakt<n>@klient<n>.example: 50 contractors and a contact person each.
    let firstContractor = '';
    for (let i = 0; i < 50; i++) {
      const contractor = await platform.records.create(SYSTEM, 'contractor', { name: `Klient ${i} Sp. z o.o.`, contractor_type: 'company', country: 'pl', email: `biuro${i}@klient${i}.example` });
      firstContractor ||= String(contractor.id);
      await platform.records.create(SYSTEM, 'person', { first_name: 'Kontakt', last_name: `Numer ${i}`, email: `kontakt${i}@klient${i}.example`, contractor: contractor.id });
    }
    const account = await platform.records.create(SYSTEM, 'email_account', {
      name: 'Bench',
      address: 'biuro@firma.example',
      account_type: 'personal',
      owner_user: owner.id,
      imap_host: options.imap.host,
      imap_port: options.imap.port,
      imap_tls: false,
      imap_user: options.imap.user,
      imap_password: options.imap.password,
      folders: 'INBOX',
      smtp_host: '127.0.0.1',
      smtp_port: smtp.port,
      smtp_tls: false,
      throttle_per_minute: 100_000,
    });
    const activityTable = platform.runtime.entity('activity').entity.table;

    const ingest: number[] = [];
    for (let run = 0; run < (options.deliveryOnly ? 0 : options.runs); run++) {
      // A fresh start for the account: no stored mail, no cursor.
      await platform.knex.raw(`DELETE FROM tessera.email_sync_state; DELETE FROM tessera.email_messages; DELETE FROM ${activityTable} WHERE kind = 'email'`);
      const started = performance.now();
      const reports = await syncAllAccounts(ctx);
      const seconds = (performance.now() - started) / 1000;
      const created = reports.reduce((n, r) => n + r.created, 0);
      if (created !== options.messages) throw new Error(`e-mail engine bench: stored ${created} of ${options.messages}`);
      ingest.push(options.messages / seconds);
    }
    const linked = (await platform.knex(activityTable).where({ kind: 'email' }).whereNotNull('contractor').count({ n: '*' }).first()) as { n: string };
    if (!options.deliveryOnly) log(`e-mail ingest into the database, ${options.runs} runs of ${options.messages}: ${fmt(stats(ingest), 'messages/s')} (${linked.n} linked to a contractor); target ≥ 200 messages/s`);

    // Mail merge queueing: persons with consent, written in bulk (the bench measures the merge, not the inserts).
    const personTable = platform.runtime.entity('person').entity.table;
    await platform.knex.raw(
      `INSERT INTO ${personTable} (first_name, last_name, email, marketing_consent, contractor) SELECT 'Osoba', 'Nr ' || g, 'osoba' || g || '@odbiorca.example', true, ? FROM generate_series(1, ?) g`,
      [firstContractor, options.mergeRecipients],
    );
    const ids = ((await platform.knex(personTable).where('email', 'like', '%@odbiorca.example').select('id')) as { id: string }[]).map((r) => r.id);
    const template = await platform.records.create(SYSTEM, 'email_template', { name: 'Newsletter', code: 'bench', language: 'pl', subject: 'Nowości dla {{first_name}} {{last_name}}', body_html: '<p>Dzień dobry {{first_name}}!</p><p><a href="{{unsubscribe_url}}">Wypisz</a></p>', marketing: true });
    const queueing: number[] = [];
    for (let run = 0; run < (options.deliveryOnly ? 0 : Math.max(3, Math.min(options.runs, 5))); run++) {
      const started = performance.now();
      const result = await queueMergeById(ctx, { accountId: String(account.id), templateId: String(template.id), userId: owner.id, entity: 'person', ids });
      queueing.push((performance.now() - started) / 1000);
      if (result.queued !== ids.length) throw new Error(`e-mail engine bench: queued ${result.queued} of ${ids.length}`);
      // Nothing of these is sent: the next figure sends a merge of its own.
      await platform.knex('tessera.outbox').where({ channel: 'email' }).delete();
    }
    if (!options.deliveryOnly) log(`e-mail merge: ${ids.length} recipients queued through the outbox, ${queueing.length} runs: ${fmt(stats(queueing), 's', 2)}; target < 10 s`);

    // Delivery: a merge sent by the outbox workers to the SMTP peer, each also APPENDed to Sent and
    // recorded; `runs` merges of `deliveries` recipients one after the other, min/median/max.
    await platform.processes.startWorkers();
    const sample = ids.slice(0, options.deliveries);
    const delivery: number[] = [];
    for (let run = 0; run < options.runs; run++) {
      const before = smtp.received.length;
      const started = performance.now();
      const merge = await queueMergeById(ctx, { accountId: String(account.id), templateId: String(template.id), userId: owner.id, entity: 'person', ids: sample });
      for (;;) {
        const pending = (await platform.knex('tessera.outbox').where({ channel: 'email' }).whereIn('state', ['queued', 'sending']).count({ n: '*' }).first()) as { n: string };
        if (Number(pending.n) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const seconds = (performance.now() - started) / 1000;
      const delivered = smtp.received.length - before;
      const recorded = (await platform.knex('tessera.outbox').where({ channel: 'email', state: 'sent' }).count({ n: '*' }).first()) as { n: string };
      if (delivered !== merge.queued || Number(recorded.n) !== merge.queued * (run + 1)) throw new Error(`e-mail engine bench: ${delivered} of ${merge.queued} delivered, ${recorded.n} sent in the outbox after run ${run + 1}`);
      delivery.push(delivered / seconds);
    }
    const sentActivities = (await platform.knex(activityTable).where({ kind: 'email', direction: 'outbound' }).count({ n: '*' }).first()) as { n: string };
    log(
      `e-mail merge delivery, ${options.runs} runs of ${sample.length} (SMTP to a local peer, APPEND to Sent, the sent activity; ${sentActivities.n} activities recorded), unthrottled: ${fmt(stats(delivery), 'messages/s')}; target ≥ 100 messages/s; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await smtp.close();
    await platform.close();
    await scratch?.drop();
  }
}
