// The `email` notification channel of the shipped workflows, end to end on the seed CRM with the
// workflows deployed, workers running and an smtp-server peer: the service order's client notices
// "by e-mail", task reminders by e-mail (`remind_by`), and the e-mail to a deal's stage delegate who
// has no user account. Each goes out through the outbox from the notification account, and its
// notification row ends `delivered` (or `failed` when there is no address).
import { email, parseMessage } from '../../connectors/email/index.ts';
import { takeNotifications } from '../../connectors/email/notifications.ts';
import { accessFor, loadSubject } from '../../engine/access/index.ts';
import { deployShippedWorkflows, seedPackage } from '../../engine/seeding.ts';
import type { RecordContext } from '../../engine/records/index.ts';
import { createTestUser } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';
import type { ParsedMessage } from '../../connectors/email/index.ts';

const ctx: RecordContext = { actor: { userId: null, via: 'system' } };

let env: TestPlatform;
let smtp: SmtpPeer;
let accountId: string;
let contractor: string;

const connector = () => env.platform.connectors.context('email');

async function until<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** The mail the peer received for `address` (parsed), after taking the notifications outbox. */
async function mailTo(address: string, count = 1): Promise<ParsedMessage[]> {
  return until(async () => {
    await takeNotifications(connector());
    const mails = smtp.received.filter((m) => m.to.includes(address));
    return mails.length >= count ? Promise.all(mails.map((m) => parseMessage(m.raw))) : null;
  });
}

async function notificationsFor(address: string) {
  return (await env.platform.knex('tessera.notifications').where({ channel: 'email', address }).orderBy('id').select('id', 'status', 'subject')) as { id: number; status: string; subject: string }[];
}

const setConfig = (config: Record<string, string>) => env.platform.connectors.settings.write('email', email.configSchema, { enabled: true, config }, { userId: null, via: 'system' });

async function update(entity: string, id: string, values: Record<string, unknown>) {
  const current = await env.platform.records.get(ctx, entity, id);
  return env.platform.records.update(ctx, entity, id, values, { expectedVersion: current.version as number });
}

beforeAll(async () => {
  smtp = await startSmtpPeer();
  env = await startTestPlatform({ connectors: [email] });
  const { platform } = env;
  await platform.applyMetadata(await seedPackage(), { source: 'seed' });
  await deployShippedWorkflows(platform);
  await platform.processes.startWorkers();
  await setConfig({});
  const biuro = await createTestUser(platform, { login: 'biuro', isAdmin: true });
  const account = await platform.records.create(ctx, 'email_account', {
    name: 'Biuro',
    address: 'biuro@firma.example',
    account_type: 'shared',
    run_as: biuro,
    visibility: 'all',
    smtp_host: '127.0.0.1',
    smtp_port: smtp.port,
    smtp_tls: false,
    sync_enabled: false,
    throttle_per_minute: 100000,
  });
  accountId = account.id as string;
  contractor = (await platform.records.create(ctx, 'contractor', { name: 'Drukarnia Kraków Sp. z o.o.', contractor_type: 'company', country: 'pl', email: 'biuro@drukarnia.example' })).id as string;
}, 120_000);

afterAll(async () => {
  await env?.close();
  await smtp?.close();
});

test('a service order that asks for e-mail notices: the client gets "received" and "ready" by e-mail, on the order’s timeline, the notifications delivered', async () => {
  const technikUser = await createTestUser(env.platform, { login: 'technik', roles: ['salesperson'] });
  const technician = (await env.platform.records.create(ctx, 'employee', { name: 'Tomasz Technik', user_account: technikUser })).id as string;
  const anna = (await env.platform.records.create(ctx, 'person', { first_name: 'Anna', last_name: 'Drukarz', email: 'Anna@Drukarnia.example', contractor })).id as string;
  const order = await env.platform.records.create(ctx, 'service_order', { order_type: 'repair', received_at: new Date().toISOString(), priority: 'normal', contractor, person: anna, problem: 'Nie drukuje', notify_sms: false, notify_email: true });
  const [received] = await mailTo('anna@drukarnia.example');
  expect(received!.subject).toBe(`Zlecenie serwisowe ${String(order.number)} zostało przyjęte. Damy znać, gdy urządzenie będzie gotowe.`);
  expect(received!.from).toEqual([expect.objectContaining({ address: 'biuro@firma.example' })]);
  await update('service_order', order.id as string, { technician, status: 'in_repair' });
  await update('service_order', order.id as string, { work_done: 'Wymieniono rolkę.', status: 'ready' });
  const mails = await mailTo('anna@drukarnia.example', 2);
  expect(mails.map((m) => m.subject)).toContain(`Urządzenie ze zlecenia serwisowego ${String(order.number)} jest gotowe do odbioru.`);
  // Both notifications are settled once their messages went out, and the mails are on the order's timeline.
  const rows = await until(async () => {
    await takeNotifications(connector());
    const r = await notificationsFor('anna@drukarnia.example');
    return r.length === 2 && r.every((n) => n.status === 'delivered') ? r : null;
  });
  expect(rows).toHaveLength(2);
  const timeline = await until(async () => {
    const list = (await env.platform.records.list(ctx, 'activity', { filter: { service_order: { eq: order.id as string }, kind: { eq: 'email' } } })).data;
    return list.length === 2 ? list : null;
  });
  expect(timeline.every((a) => a.direction === 'outbound' && a.person === anna)).toBe(true);
  // Taking the outbox again queues nothing twice.
  expect(await takeNotifications(connector())).toBe(0);
  expect(smtp.received.filter((m) => m.to.includes('anna@drukarnia.example'))).toHaveLength(2);
}, 60_000);

test('a service order whose contact has no e-mail address: the notification fails, nothing is sent', async () => {
  const bez = (await env.platform.records.create(ctx, 'contractor', { name: 'Bez Adresu', contractor_type: 'company', country: 'pl' })).id as string;
  const sent = smtp.received.length;
  const order = await env.platform.records.create(ctx, 'service_order', { order_type: 'repair', received_at: new Date().toISOString(), priority: 'normal', contractor: bez, problem: 'x', notify_sms: false, notify_email: true });
  const row = await until(async () => {
    await takeNotifications(connector());
    const r = (await env.platform.knex('tessera.notifications').where({ channel: 'email', record_entity: 'service_order', record_id: order.id }).first('status')) as { status: string } | undefined;
    return r?.status === 'failed' ? r : null;
  });
  expect(row.status).toBe('failed');
  expect(smtp.received.length).toBe(sent);
});

describe('task reminders by e-mail (remind_by)', () => {
  let kasia: string;
  beforeAll(async () => {
    kasia = await createTestUser(env.platform, { login: 'kasia', roles: ['salesperson'] });
  });
  const dueSoon = () => new Date(Date.now() + 24 * 3600_000 + 2000).toISOString();

  test('"e-mail": the assignee gets the reminder at their own address and no in-app notification', async () => {
    const task = await env.platform.records.create(ctx, 'activity', { kind: 'task', subject: 'Zadzwonić do drukarni', assignee: kasia, deadline: dueSoon(), reminder: 'one_day_before', remind_by: 'email' });
    const [mail] = await mailTo('kasia@example.com');
    expect(mail!.subject).toBe('Przypomnienie: Zadzwonić do drukarni');
    expect(mail!.text).toContain('Termin: ');
    const instance = await env.platform.knex('tessera.process_instances').where({ process_id: 'task-reminder', business_id: task.id }).first('status');
    expect(instance.status).toBe('completed');
    expect((await env.platform.processes.notifications.forUser(kasia)).filter((n) => n.subject.includes('Zadzwonić do drukarni'))).toEqual([]);
  }, 30_000);

  test('"message and e-mail": both; "message": only in the app', async () => {
    await env.platform.records.create(ctx, 'activity', { kind: 'task', subject: 'Wysłać umowę', assignee: kasia, deadline: dueSoon(), reminder: 'one_day_before', remind_by: 'message_and_email' });
    const inApp = await env.platform.records.create(ctx, 'activity', { kind: 'task', subject: 'Tylko w aplikacji', assignee: kasia, deadline: dueSoon(), reminder: 'one_day_before', remind_by: 'message' });
    await mailTo('kasia@example.com', 2);
    const mine = await until(async () => {
      const n = (await env.platform.processes.notifications.forUser(kasia)).map((x) => x.subject);
      return n.includes('Przypomnienie: Wysłać umowę') && n.includes('Przypomnienie: Tylko w aplikacji') ? n : null;
    });
    expect(mine).toEqual(expect.arrayContaining(['Przypomnienie: Wysłać umowę', 'Przypomnienie: Tylko w aplikacji']));
    await until(async () => (await env.platform.knex('tessera.process_instances').where({ business_id: inApp.id }).first('status')).status === 'completed');
    await takeNotifications(connector());
    const subjects = await Promise.all(smtp.received.filter((m) => m.to.includes('kasia@example.com')).map(async (m) => (await parseMessage(m.raw)).subject));
    expect(subjects.sort()).toEqual(['Przypomnienie: Wysłać umowę', 'Przypomnienie: Zadzwonić do drukarni']);
  }, 30_000);
});

test('a deal’s stage delegate with no user account is told by e-mail; a delegate with an account gets only the task', async () => {
  const owner = await createTestUser(env.platform, { login: 'handlowiec', roles: ['salesperson'] });
  const outside = (await env.platform.records.create(ctx, 'employee', { name: 'Jan Zewnętrzny', email: 'jan@partner.example' })).id as string;
  const asOwner: RecordContext = { actor: { userId: owner, via: 'api', access: accessFor(env.platform.runtime.snapshot.model, (await loadSubject(env.platform.knex, owner))!) } };
  const deal = await env.platform.records.create(asOwner, 'deal', { name: 'Ploter A0', contractor, stage_delegate: outside, follow_up_date: '2030-01-15' });
  const [mail] = await mailTo('jan@partner.example');
  expect(mail!.subject).toBe('Skontaktuj się w sprawie transakcji: Ploter A0');
  expect(mail!.text).toContain('Skontaktuj się z klientem do 2030-01-15.');
  const tasks = (await env.platform.records.list(ctx, 'activity', { filter: { deal: { eq: deal.id as string }, kind: { eq: 'task' } } })).data;
  expect(tasks).toEqual([expect.objectContaining({ assignee: owner, status: 'open' })]);

  const insiderUser = await createTestUser(env.platform, { login: 'insider', roles: ['salesperson'] });
  const insider = (await env.platform.records.create(ctx, 'employee', { name: 'Iza Wewnętrzna', email: 'iza@firma.example', user_account: insiderUser })).id as string;
  const other = await env.platform.records.create(ctx, 'deal', { name: 'Toner', contractor, stage_delegate: insider });
  await until(async () => (await env.platform.records.list(ctx, 'activity', { filter: { deal: { eq: other.id as string }, kind: { eq: 'task' } } })).data.length === 1);
  await takeNotifications(connector());
  expect(await notificationsFor('iza@firma.example')).toEqual([]);
}, 30_000);

test('the notification account: the setting names one; while it names none that exists, the notifications wait', async () => {
  await setConfig({ notificationAccount: 'nie-ma@firma.example' });
  const sent = smtp.received.length;
  const order = await env.platform.records.create(ctx, 'service_order', { order_type: 'repair', received_at: new Date().toISOString(), priority: 'normal', contractor, problem: 'Zacina się', notify_sms: false, notify_email: true });
  const pending = () => env.platform.knex('tessera.notifications').where({ channel: 'email', record_id: order.id }).first('status') as Promise<{ status: string } | undefined>;
  await until(pending);
  expect(await takeNotifications(connector())).toBe(0);
  expect((await pending())!.status).toBe('pending');
  expect(smtp.received.length).toBe(sent);
  await setConfig({ notificationAccount: accountId });
  const [mail] = await until(async () => {
    await takeNotifications(connector());
    const m = smtp.received.slice(sent).filter((x) => x.to.includes('biuro@drukarnia.example'));
    return m.length ? m : null;
  });
  expect(mail!.from).toBe('biuro@firma.example');
  await until(async () => (await takeNotifications(connector()), (await pending())!.status === 'delivered'));
});
