// One template store for e-mail and SMS: a template record (`email_template`, one per code and
// language) carries the e-mail subject and bodies and an SMS text; the same merge language fills
// both. Written once, it previews as mail and SMS, is offered by the SMS compose dialog and sends an
// SMS (to the SMSAPI double on loopback) filled with the record's fields and its references.
import { connectors } from '../../connectors/index.ts';
import { seedPackage } from '../../engine/seeding.ts';
import type { RecordContext } from '../../engine/records/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { startSmsapiDouble, type SmsapiDouble } from '../support/sms-gateway-servers.ts';
import { eventually } from '../support/workflows.ts';

const TOKEN = 'smsapi-token-shared-templates-0123';
const ctx: RecordContext = { actor: { userId: null, via: 'system' } };

let env: TestPlatform;
let server: TestServer;
let api: JsonClient;
let smsapi: SmsapiDouble;
let anna: string;

beforeAll(async () => {
  env = await startTestPlatform({ connectors });
  await env.platform.applyMetadata(await seedPackage(), { source: 'seed' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  smsapi = await startSmsapiDouble(TOKEN);
  await env.platform.processes.startWorkers();
  const email = await api.put('/connectors/email/settings', { enabled: true, config: { publicUrl: server.url } });
  expect(email.status).toBe(200);
  const current = await api.get('/connectors/sms/settings');
  const sms = await api.put('/connectors/sms/settings', { enabled: true, version: current.body.version, config: { defaultAccount: 'bramka', defaultRegion: 'PL', accounts: [{ id: 'bramka', kind: 'smsapi', token: TOKEN, baseUrl: smsapi.url }], templates: [{ id: 'karta', text: { pl: 'Cześć {{first_name}}{{#contractor}} ({{contractor.name}}){{/contractor}}' } }] } });
  expect(sms.status).toBe(200);
  const contractor = (await env.platform.records.create(ctx, 'contractor', { name: 'Stalbud Sp. z o.o.', contractor_type: 'company', country: 'pl' })).id as string;
  anna = (await env.platform.records.create(ctx, 'person', { first_name: 'Anna', last_name: 'Wiśniewska', contractor, mobile: '600 100 200' })).id as string;
  for (const [language, subject, text, sms] of [
    ['pl', 'Zlecenie gotowe', 'Dzień dobry {{first_name}}, urządzenie czeka w serwisie.', 'Dzień dobry {{first_name}}, urządzenie {{contractor.name}} jest gotowe do odbioru.'],
    ['ro', 'Comanda e gata', 'Bună ziua {{first_name}}, dispozitivul vă așteaptă.', 'Bună ziua {{first_name}}, dispozitivul {{contractor.name}} este gata de ridicare.'],
  ] as const) {
    const created = await api.post('/records/email_template', { name: `Gotowe (${language})`, code: 'gotowe', language, subject, body_text: text, body_sms: sms });
    expect(created.status).toBe(201);
  }
  expect((await api.post('/records/email_template', { name: 'Tylko e-mail', code: 'tylko-mail', language: 'pl', subject: 'Oferta', body_text: 'Oferta dla {{first_name}}' })).status).toBe(201);
  expect((await api.post('/records/email_template', { name: 'Braki', code: 'braki', language: 'pl', subject: 'x', body_sms: 'Kod {{kod_odbioru}}' })).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await smsapi?.close();
  await server?.close();
  await env?.close();
});

const row = (id: string) => env.platform.knex('tessera.sms_messages').where({ id }).first();

test('a template written once previews as the e-mail and the SMS, by the same merge', async () => {
  const preview = await api.post('/connectors/email/templates/preview', { template: 'gotowe', language: 'pl', entity: 'person', id: anna });
  expect(preview.status).toBe(200);
  expect(preview.body).toMatchObject({ subject: 'Zlecenie gotowe', text: 'Dzień dobry Anna, urządzenie czeka w serwisie.', sms: 'Dzień dobry Anna, urządzenie Stalbud Sp. z o.o. jest gotowe do odbioru.' });
  // The editor's draft previews its SMS text too.
  const draft = await api.post('/connectors/email/templates/preview', { draft: { subject: 's', body_text: 't', body_sms: 'Hej {{first_name}}{{#contractor}} z {{contractor.name}}{{/contractor}}' }, entity: 'person', id: anna });
  expect(draft.body.sms).toBe('Hej Anna z Stalbud Sp. z o.o.');
});

test('the SMS compose dialog offers the store templates that have an SMS text, a text per language', async () => {
  const compose = await api.get('/connectors/sms/compose');
  expect(compose.status).toBe(200);
  const offered = compose.body.templates as { id: string; purpose: string; text: Record<string, string> }[];
  expect(offered.map((t) => t.id).sort()).toEqual(['braki', 'gotowe', 'karta']);
  expect(offered.find((t) => t.id === 'gotowe')).toEqual({ id: 'gotowe', purpose: 'transactional', text: { pl: expect.stringContaining('{{first_name}}'), ro: expect.stringContaining('Bună ziua') } });
});

test('an SMS from the shared template is filled with the record and its references, in the language asked for, and sent', async () => {
  const pl = await api.post('/connectors/sms/messages', { record: { entity: 'person', id: anna }, template: 'gotowe' });
  expect(pl.status).toBe(201);
  expect((await row(pl.body.id)).body).toBe('Dzień dobry Anna, urządzenie Stalbud Sp. z o.o. jest gotowe do odbioru.');
  const ro = await api.post('/connectors/sms/messages', { record: { entity: 'person', id: anna }, template: 'gotowe', language: 'ro' });
  expect(ro.status).toBe(201);
  expect((await row(ro.body.id)).body).toBe('Bună ziua Anna, dispozitivul Stalbud Sp. z o.o. este gata de ridicare.');
  await eventually(async () => (await row(ro.body.id)).status === 'sent', 20_000, 'the hand-over');
  expect(smsapi.requests.map((r) => r.form.get('message'))).toContain('Bună ziua Anna, dispozitivul Stalbud Sp. z o.o. este gata de ridicare.');
  // Values given with the request fill what the record does not have.
  const withValues = await api.post('/connectors/sms/messages', { record: { entity: 'person', id: anna }, template: 'braki', values: { kod_odbioru: 'A-17' } });
  expect((await row(withValues.body.id)).body).toBe('Kod A-17');
});

test("a template of the SMS settings is filled by the same merge, with the record's fields and references", async () => {
  const sent = await api.post('/connectors/sms/messages', { record: { entity: 'person', id: anna }, template: 'karta' });
  expect(sent.status).toBe(201);
  expect((await row(sent.body.id)).body).toBe('Cześć Anna (Stalbud Sp. z o.o.)');
});

test('a template without an SMS text, or one missing a value, is refused with its code at /template', async () => {
  const mailOnly = await api.post('/connectors/sms/messages', { record: { entity: 'person', id: anna }, template: 'tylko-mail' });
  expect(mailOnly.status).toBe(422);
  expect(mailOnly.body.errors[0]).toMatchObject({ code: 'sms.template.empty', pointer: '/template' });
  const missing = await api.post('/connectors/sms/messages', { record: { entity: 'person', id: anna }, template: 'braki' });
  expect(missing.status).toBe(422);
  expect(missing.body.errors[0]).toMatchObject({ code: 'sms.template.missingValue', pointer: '/template' });
  const unknown = await api.post('/connectors/sms/messages', { to: '600100200', template: 'nie-ma' });
  expect(unknown.body.errors[0]).toMatchObject({ code: 'sms.template.unknown', pointer: '/template' });
});
