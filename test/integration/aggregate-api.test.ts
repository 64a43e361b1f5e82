// The aggregate API (GET/POST /api/records/<type>/aggregate, docs/reports.md): GROUP BY in the
// database with the list's row and field rights, date buckets in the business time zone, pipeline
// stages in pipeline order, currencies kept apart, and problems with pointers for bad input.
import type { PackageFiles } from '../../metadata/index.ts';
import { createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type JsonResponse, type TestServer } from '../support/http.ts';
import { crmMiniPackage } from '../support/packages.ts';
import { saveRates } from '../../engine/exchange-rates/index.ts';

const role = (name: string, permissions: unknown[]) => ({ kind: 'role', id: `t.role.${name}`, name, label: { en: name }, permissions });

let env: TestPlatform;
let server: TestServer;
let admin: JsonClient;
let anna: JsonClient;
const users: Record<string, string> = {};
const contractors: Record<string, string> = {};

beforeAll(async () => {
  env = await startTestPlatform({ auditCheck: false });
  const base = await crmMiniPackage();
  const deal = base.files['entities/deal.json'] as { fields: unknown[] };
  const pkg: PackageFiles = {
    files: {
      ...base.files,
      'tessera.json': { ...(base.files['tessera.json'] as object), timeZone: 'Europe/Warsaw' },
      'entities/deal.json': {
        ...deal,
        fields: [
          ...deal.fields,
          { id: 't.deal.probability', name: 'probability', type: 'percent', label: { en: 'Probability' } },
          { id: 't.deal.closed_at', name: 'closed_at', type: 'datetime', label: { en: 'Closed at' } },
          { id: 't.deal.margin', name: 'margin', type: 'decimal', label: { en: 'Margin' } },
        ],
      },
      'reports/deals_by_stage.json': { kind: 'report', id: 't.report.deals_by_stage', name: 'deals_by_stage', label: { en: 'Deals by stage' }, entity: 'deal', type: 'funnel', groupBy: ['stage'], measures: ['count', 'sum:value'] },
      'dashboards/sales.json': { kind: 'dashboard', id: 't.dashboard.sales', name: 'sales', label: { en: 'Sales' }, roles: ['sales'], default: true, filters: ['period'], widgets: [{ report: 'deals_by_stage' }] },
      'dashboards/board.json': { kind: 'dashboard', id: 't.dashboard.board', name: 'board', label: { en: 'Board' }, roles: ['nobody'], widgets: [{ report: 'deals_by_stage', type: 'table' }] },
      'roles/nobody.json': role('nobody', []),
      'roles/sales.json': role('sales', [
        { entity: 'contractor', read: 'all' },
        { entity: 'deal', read: 'own', fields: { margin: 'none' } },
      ]),
    },
  };
  await env.platform.applyMetadata(pkg, { source: 'cli' });
  users.anna = await createTestUser(env.platform, { login: 'anna', roles: ['sales'] });
  users.bogdan = await createTestUser(env.platform, { login: 'bogdan', roles: ['sales'] });
  const { records, knex } = env.platform;
  for (const name of ['Stalbud', 'Agromex']) contractors[name] = (await records.create({ actor: { userId: null, via: 'system' } }, 'contractor', { name })).id as string;
  // owner, stage, amount, currency, probability, closed at (UTC), margin, contractor
  const deals: [string, string, number, string, number, string | null, number, string][] = [
    ['anna', 'new', 100, 'PLN', 10, null, 5, 'Stalbud'],
    ['anna', 'new', 50, 'EUR', 50, null, 5, 'Agromex'],
    // 00:30 on 1 April in Warsaw (summer time, UTC+2): April, not March.
    ['anna', 'won', 200, 'PLN', 100, '2026-03-31T22:30:00Z', 5, 'Stalbud'],
    ['bogdan', 'new', 1000, 'PLN', 20, null, 5, 'Agromex'],
    // 23:30 on 31 March in Warsaw: March.
    ['bogdan', 'won', 300, 'PLN', 100, '2026-03-31T21:30:00Z', 5, 'Agromex'],
  ];
  for (const [owner, stage, amount, currency, probability, closedAt, margin, contractor] of deals) {
    const created = await records.create({ actor: { userId: users[owner]!, via: 'system', owner: users[owner]! } }, 'deal', { title: `${owner} ${stage} ${amount}`, contractor: contractors[contractor], value: { amount, currency }, probability, margin, ...(closedAt ? { closed_at: closedAt } : {}) });
    // The stage directly: the pipeline's transitions are not what this test is about.
    if (stage !== 'new') await knex(env.platform.runtime.entity('deal').entity.table).where({ id: created.id }).update({ stage });
  }
  server = await startTestServer(env.platform);
  admin = jsonClient(`${server.url}/api`);
  anna = await userClient(env.platform, `${server.url}/api`, users.anna!);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

type Row = { keys: { value: unknown; label?: unknown }[]; currency?: Record<string, string>; values: unknown[]; filter: unknown };
const table = (rows: Row[]) => rows.map((r) => [...r.keys.map((k) => k.value), ...(r.currency ? Object.values(r.currency) : []), ...r.values]);

describe('the aggregate API', () => {
  test('groups by stage in pipeline order, with labels, and keeps currencies apart', async () => {
    const res = await admin.post('/records/deal/aggregate', { groupBy: ['stage'], measures: ['count', 'sum:value', 'weightedSum:value'] });
    expect(res.status).toBe(200);
    expect(res.body.groups).toEqual([{ name: 'stage', field: 'stage', kind: 'choice' }]);
    expect(res.body.measures.map((m: { name: string }) => m.name)).toEqual(['count', 'sum:value', 'weightedSum:value']);
    // new before won (the pipeline's order, not the alphabet's); EUR and PLN never added up.
    expect(table(res.body.rows)).toEqual([
      ['new', 'EUR', 1, 50, 25],
      ['new', 'PLN', 2, 1100, 210],
      ['won', 'PLN', 2, 500, 500],
    ]);
    expect(res.body.rows[0].keys[0].label).toEqual({ en: 'New opportunity' });
  });

  test('a salesperson aggregates only the rows they may read (own deals)', async () => {
    const res = await anna.get('/records/deal/aggregate?groupBy=stage&measures=count,sum:value');
    expect(res.status).toBe(200);
    expect(table(res.body.rows)).toEqual([
      ['new', 'EUR', 1, 50],
      ['new', 'PLN', 1, 100],
      ['won', 'PLN', 1, 200],
    ]);
  });

  test('a field without read right is refused wherever it appears, with its pointer', async () => {
    const measured = await anna.post('/records/deal/aggregate', { measures: [{ fn: 'sum', field: 'margin' }] });
    expect(measured.status).toBe(403);
    expect(measured.contentType).toContain('application/problem+json');
    expect(measured.body.errors).toEqual([expect.objectContaining({ pointer: '/measures/0/field', code: 'FIELD_FORBIDDEN' })]);
    const filtered = await anna.get(`/records/deal/aggregate?measures=count&filter=${encodeURIComponent(JSON.stringify({ margin: { gt: 1 } }))}`);
    expect(filtered.status).toBe(403);
    expect(filtered.body.errors).toEqual([expect.objectContaining({ pointer: '/query/filter/margin' })]);
    // The administrator may.
    expect((await admin.post('/records/deal/aggregate', { measures: ['sum:margin'] })).body.rows[0].values).toEqual([25]);
  });

  test('date buckets fall in the business time zone, and each row carries the filter of its records', async () => {
    const res = await admin.post('/records/deal/aggregate', { groupBy: [{ field: 'closed_at', bucket: 'month' }], measures: ['count'], filter: { closed_at: { isNull: false } } });
    expect(res.status).toBe(200);
    expect(table(res.body.rows)).toEqual([
      ['2026-03-01', 1],
      ['2026-04-01', 1],
    ]);
    const april = res.body.rows[1] as Row;
    expect(april.filter).toEqual({ and: [{ closed_at: { isNull: false } }, { closed_at: { gte: '2026-03-31T22:00:00.000Z', lt: '2026-04-30T22:00:00.000Z' } }] });
    // Drill-down: the list under that filter holds exactly the record counted.
    const list = await admin.get(`/records/deal?filter=${encodeURIComponent(JSON.stringify(april.filter))}`);
    expect(list.body.data.map((d: { title: string }) => d.title)).toEqual(['anna won 200']);
    const days = await admin.get('/records/deal/aggregate?groupBy=closed_at:day&measures=count&filter={"closed_at":{"isNull":false}}');
    expect(table(days.body.rows)).toEqual([
      ['2026-03-31', 1],
      ['2026-04-01', 1],
    ]);
  });

  test('dates group by age in bands, counted back from today', async () => {
    const { knex, runtime } = env.platform;
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    const t = runtime.entity('deal').entity.table;
    await knex(t).where({ title: 'anna new 100' }).update({ follow_up: daysAgo(3) });
    await knex(t).where({ title: 'anna new 50' }).update({ follow_up: daysAgo(40) });
    const res = await admin.post('/records/deal/aggregate', { groupBy: ['follow_up:age'], measures: ['count'] });
    expect(table(res.body.rows)).toEqual([
      ['0-7', 1],
      ['31-90', 1],
      [null, 3],
    ]);
    const list = await admin.get(`/records/deal?filter=${encodeURIComponent(JSON.stringify(res.body.rows[1].filter))}`);
    expect(list.body.data.map((d: { title: string }) => d.title)).toEqual(['anna new 50']);
  });

  test('references group with the titles of their records', async () => {
    const res = await admin.post('/records/deal/aggregate', { groupBy: ['contractor'], measures: ['count'] });
    expect(res.body.rows.map((r: Row) => [r.keys[0]!.label, r.values[0]]).sort()).toEqual([
      ['Agromex', 3],
      ['Stalbud', 2],
    ]);
    expect(res.body.rows.find((r: Row) => r.keys[0]!.label === 'Stalbud').filter).toEqual({ contractor: { eq: contractors.Stalbud } });
  });

  test('bad input is a problem with pointers, never a 500', async () => {
    const cases: [() => Promise<JsonResponse>, number, string][] = [
      [() => admin.post('/records/deal/aggregate', { groupBy: ['nope'] }), 400, '/groupBy/0/field'],
      [() => admin.post('/records/deal/aggregate', { groupBy: [{ field: 'title', bucket: 'month' }] }), 400, '/groupBy/0/bucket'],
      [() => admin.post('/records/deal/aggregate', { groupBy: [{ field: 'follow_up', bucket: 'fortnight' }] }), 400, '/groupBy/0/bucket'],
      [() => admin.post('/records/deal/aggregate', { groupBy: ['closed_at'] }), 400, '/groupBy/0/bucket'],
      [() => admin.post('/records/deal/aggregate', { measures: ['sum:title'] }), 400, '/measures/0/field'],
      [() => admin.post('/records/deal/aggregate', { measures: ['median:value'] }), 400, '/measures/0/fn'],
      [() => admin.post('/records/deal/aggregate', { measures: ['count'], filter: { value: { gt: 'lots' } } }), 400, '/filter/value/gt'],
      [() => admin.post('/records/deal/aggregate', { measures: ['sum:value'], convertTo: 'pln' }), 400, '/convertTo'],
      [() => admin.post('/records/deal/aggregate', { measures: ['sum:value'], convertTo: 'PLN', rateDate: 'title' }), 400, '/rateDate'],
      [() => admin.post('/records/deal/aggregate', { measures: ['sum:value'], rateDate: '2026-04-01' }), 400, '/rateDate'],
      [() => admin.get('/records/deal/aggregate?measures=sum:value&convertTo=PLN&rateDate=2026-02-30'), 400, '/query/rateDate'],
      [() => admin.post('/records/deal/aggregate', { groupBy: 'stage' }), 400, '/groupBy'],
      [() => admin.get('/records/deal/aggregate?filter={oops'), 400, '/query/filter'],
      [() => admin.get('/records/deal/aggregate?groupBy=stage:week'), 400, '/query/groupBy/0/bucket'],
      [() => admin.get('/records/deal/aggregate?sort=stage'), 400, '/query/sort'],
    ];
    for (const [send, status, pointer] of cases) {
      const res = await send();
      expect([res.status, res.contentType.includes('problem+json')]).toEqual([status, true]);
      expect(res.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    }
    expect((await admin.get('/records/nothing/aggregate')).status).toBe(404);
  });
});

describe('currency conversion', () => {
  const rates = (source: 'nbp' | 'bnr', date: string, list: [string, number][]) =>
    saveRates(env.platform.knex, list.map(([currency, rate]) => ({ source, currency, date, rate, multiplier: 1, table: source === 'nbp' ? `063/A/NBP/2026` : null })));
  const byStage = async (client: JsonClient, body: Record<string, unknown>) => {
    const res = await client.post('/records/deal/aggregate', { groupBy: ['stage'], measures: ['sum:value', 'max:value'], ...body });
    expect(res.status).toBe(200);
    return table(res.body.rows);
  };

  test('a missing rate is a 422 at /convertTo naming the currency and the day, not a sum without it', async () => {
    const res = await admin.post('/records/deal/aggregate', { groupBy: ['stage'], measures: ['sum:value'], convertTo: 'PLN', rateDate: '2026-01-15' });
    expect([res.status, res.contentType.includes('problem+json')]).toEqual([422, true]);
    expect(res.body.errors).toEqual([{ pointer: '/convertTo', detail: 'no NBP rate of EUR on or before 2026-01-15', code: 'RATE_MISSING', params: { currency: 'EUR', date: '2026-01-15', source: 'NBP' } }]);
    const query = await admin.get('/records/deal/aggregate?groupBy=stage&measures=sum:value&convertTo=PLN&rateDate=2026-01-15');
    expect([query.status, query.body.errors[0].pointer]).toEqual([422, '/query/convertTo']);
  });

  test('amounts converted at the rate of a chosen day (NBP for PLN and through PLN, BNR for RON), within the reader\'s rows', async () => {
    await rates('nbp', '2026-03-31', [['EUR', 4.3], ['USD', 4.0]]);
    await rates('bnr', '2026-03-31', [['EUR', 4.97], ['PLN', 1.16]]);
    // Amounts stay apart without convertTo.
    expect(await byStage(admin, {})).toEqual([
      ['new', 'EUR', 50, 50],
      ['new', 'PLN', 1100, 1000],
      ['won', 'PLN', 500, 300],
    ]);
    // 1 April: the last rates on or before it are those of 31 March.
    expect(await byStage(admin, { convertTo: 'PLN', rateDate: '2026-04-01' })).toEqual([
      ['new', 'PLN', 100 + 50 * 4.3 + 1000, 1000],
      ['won', 'PLN', 500, 300],
    ]);
    expect(await byStage(admin, { convertTo: 'USD', rateDate: '2026-04-01' })).toEqual([
      ['new', 'USD', Math.round(((1100 + 50 * 4.3) / 4.0) * 100) / 100, 250],
      ['won', 'USD', 125, 75],
    ]);
    expect(await byStage(admin, { convertTo: 'RON', rateDate: '2026-04-01' })).toEqual([
      ['new', 'RON', Math.round((1100 * 1.16 + 50 * 4.97) * 100) / 100, 1160],
      ['won', 'RON', Math.round(500 * 1.16 * 100) / 100, 348],
    ]);
    // Anna aggregates her own deals only, converted the same way.
    expect(await byStage(anna, { convertTo: 'PLN', rateDate: '2026-04-01' })).toEqual([
      ['new', 'PLN', 100 + 50 * 4.3, 50 * 4.3],
      ['won', 'PLN', 200, 200],
    ]);
  });

  test("each record's own day: a date field of the record picks its rate", async () => {
    await rates('nbp', '2026-04-01', [['EUR', 4.25]]);
    const res = await admin.post('/records/deal/aggregate', { groupBy: [{ field: 'closed_at', bucket: 'month' }], measures: ['sum:value'], convertTo: 'EUR', rateDate: 'closed_at', filter: { stage: { eq: 'won' } } });
    expect(res.status).toBe(200);
    // Closed 31 March in Warsaw: 300 PLN at 4.30; closed 1 April: 200 PLN at 4.25.
    expect(table(res.body.rows)).toEqual([
      ['2026-03-01', 'EUR', Math.round((300 / 4.3) * 100) / 100],
      ['2026-04-01', 'EUR', Math.round((200 / 4.25) * 100) / 100],
    ]);
    // The open deals have no closing day: no rate to take, said so.
    const open = await admin.post('/records/deal/aggregate', { measures: ['sum:value'], convertTo: 'EUR', rateDate: 'closed_at' });
    expect([open.status, open.body.errors]).toEqual([422, [{ pointer: '/convertTo', detail: 'a record has no closed_at to take the rate of', code: 'RATE_DATE_MISSING', params: { field: 'closed_at', entity: 'deal' } }]]);
  });
});

describe('dashboards', () => {
  test('a user gets the dashboards of their roles, and keeps one of their own', async () => {
    const listed = await anna.get('/dashboards');
    expect(listed.body.data).toEqual([{ name: 'sales', label: { en: 'Sales' }, source: 'role', default: true, filters: ['period'], widgets: [{ report: 'deals_by_stage' }] }]);
    // The administrator sees every declared dashboard.
    expect((await admin.get('/dashboards')).body.data.map((d: { name: string }) => d.name)).toEqual(['sales', 'board']);
    const bad = await anna.put('/dashboards/mine', { widgets: [{ report: 'nope' }, { report: 'deals_by_stage', type: 'radar' }], filters: ['weather'] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/widgets/0/report', '/widgets/1/type', '/filters']);
    expect((await anna.put('/dashboards/mine', { widgets: [{ report: 'deals_by_stage', type: 'table', wide: true }], filters: ['owner'] })).status).toBe(200);
    expect((await anna.get('/dashboards')).body.data.map((d: { name: string; source: string }) => [d.name, d.source])).toEqual([
      ['sales', 'role'],
      ['mine', 'user'],
    ]);
    expect((await admin.get('/dashboards')).body.data.map((d: { name: string }) => d.name)).not.toContain('mine');
    expect((await anna.delete('/dashboards/mine')).status).toBe(204);
    expect((await anna.get('/dashboards')).body.data).toHaveLength(1);
  });
});
