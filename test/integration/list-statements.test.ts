// Lists sent as statements compiled once per shape (engine/records/list-statements.ts) return
// exactly what the knex-built query returns: the same rows, in the same order, cut into the same
// pages with the same cursors, for a matrix of filters, sorts, deleted rows and rights (unrestricted,
// own, team, row conditions, none). Each list is walked page by page twice, compiled and built.
import { loadPackageDir, type PackageFiles } from '../../metadata/index.ts';
import { createTestTeam, createTestUser, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
const as: Record<string, JsonClient> = {};
const contractors: string[] = [];
const deals: string[] = [];

const role = (name: string, permissions: unknown[]) => ({ kind: 'role', id: `t.role.${name}`, name, label: { en: name }, permissions });
const ROLES = [
  role('sales', [{ entity: 'contractor', read: 'all' }, { entity: 'deal', read: 'own', create: true }]),
  role('manager', [{ entity: 'contractor', read: 'all' }, { entity: 'deal', read: 'team' }]),
  role('krakow', [{ entity: 'contractor', read: 'all', condition: 'city = "Kraków"' }, { entity: 'deal', read: 'all' }]),
];
const CITIES = ['Kraków', 'Gdańsk', 'Łódź', null];

beforeAll(async () => {
  env = await startTestPlatform();
  const { package: mini } = await loadPackageDir(new URL('../fixtures/packages/crm-mini/', import.meta.url).pathname);
  const files: PackageFiles = { files: { ...mini.files, ...Object.fromEntries(ROLES.map((r) => [`roles/${r.name}.json`, r])) } };
  await env.platform.applyMetadata(files, { source: 'cli' });
  server = await startTestServer(env.platform);
  as.admin = jsonClient(`${server.url}/api`);
  await createTestTeam(env.platform, 'north');
  await createTestTeam(env.platform, 'south');
  for (const [login, roles, teams] of [
    ['anna', ['sales'], ['north']],
    ['bob', ['sales'], ['north']],
    ['carl', ['sales'], ['south']],
    ['mona', ['manager'], ['north']],
    ['cora', ['krakow'], []],
  ] as const) {
    as[login] = await userClient(env.platform, `${server.url}/api`, await createTestUser(env.platform, { login, roles: [...roles], teams: [...teams] }));
  }
  // Duplicate names and employee counts, NULL cities and dates: ties and NULLs across page boundaries.
  for (let i = 0; i < 17; i++) {
    const city = CITIES[i % CITIES.length];
    const res = await as.admin.post('/records/contractor', {
      name: `Firma ${String(i % 6).padStart(2, '0')}`,
      ...(city ? { city } : {}),
      kind: i % 2 === 0 ? 'company' : 'person',
      employees: i % 5,
      ...(i % 3 === 0 ? { since: `2024-0${1 + (i % 9)}-1${i % 10}` } : {}),
      ...(i > 3 && i % 4 === 1 ? { parent: contractors[0] } : {}),
    });
    expect(res.status).toBe(201);
    contractors.push(res.body.id);
  }
  for (const [i, who] of ['anna', 'anna', 'bob', 'carl', 'bob', 'carl', 'anna'].entries()) {
    const res = await as[who]!.post('/records/deal', { title: `Deal ${i}`, contractor: contractors[i]!, ...(i % 3 === 0 ? {} : { parties: [{ id: contractors[i + 1]!, role: 'buyer' }] }) });
    expect(res.status).toBe(201);
    deals.push(res.body.id);
  }
  // A deleted contractor, for deleted=include and deleted=only.
  expect((await as.admin.delete(`/records/contractor/${contractors[16]}`)).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

const CONTRACTOR_FILTERS: unknown[] = [
  undefined,
  { city: 'Kraków' },
  { city: { in: ['Kraków', 'Łódź'] } },
  { city: { in: [] } },
  { city: { ne: 'Kraków' } },
  { city: { nin: ['Kraków', 'Gdańsk'] } },
  { city: { isNull: true } },
  { city: { isNull: false } },
  { city: { isNull: false }, employees: { gte: 2 } },
  { employees: { between: [1, 3] } },
  { employees: { lt: 2 } },
  { or: [{ city: 'Gdańsk' }, { employees: { gt: 3 } }] },
  { not: { kind: 'company' } },
  { and: [] },
  { or: [] },
  { since: { lte: '2024-05-01' } },
  { parent: { isNull: false } },
  { parent: { isNull: true } },
  { name: { contains: 'irma 0' } },
  { name: { startsWith: 'Firma 01' } },
];
const CONTRACTOR_SORTS = [undefined, 'name', '-employees', 'city,-name', '-created_at', 'since,-employees', '-city'];

type Page = { status: number; ids: string[]; next: string | null; body: unknown };

async function walk(client: JsonClient, path: string, compiled: boolean): Promise<Page[]> {
  env.platform.records.compiledLists = compiled;
  try {
    const pages: Page[] = [];
    let after: string | null = null;
    do {
      const res: { status: number; body: { data?: { id: string }[]; next?: string | null } } = await client.get(`${path}${after ? `&after=${after}` : ''}`);
      pages.push({ status: res.status, ids: res.body.data?.map((r) => r.id) ?? [], next: res.body.next ?? null, body: res.body });
      after = res.status === 200 ? (res.body.next ?? null) : null;
    } while (after && pages.length < 50);
    return pages;
  } finally {
    env.platform.records.compiledLists = true;
  }
}

const q = (filter: unknown) => (filter === undefined ? '' : `&filter=${encodeURIComponent(JSON.stringify(filter))}`);

test('contractor lists: every filter × sort × deleted, compiled and built alike, page by page', async () => {
  let rowsSeen = 0;
  for (const filter of CONTRACTOR_FILTERS) {
    for (const sort of CONTRACTOR_SORTS) {
      for (const deleted of ['', '&deleted=include', '&deleted=only']) {
        const path = `/records/contractor?limit=4${sort ? `&sort=${sort}` : ''}${q(filter)}${deleted}`;
        // Twice compiled: the first request compiles the shape, the second reuses it.
        const built = await walk(as.admin!, path, false);
        expect([path, await walk(as.admin!, path, true)]).toEqual([path, built]);
        expect([path, await walk(as.admin!, path, true)]).toEqual([path, built]);
        rowsSeen += built.reduce((n, p) => n + p.ids.length, 0);
      }
    }
  }
  // Not a comparison of empty lists, and the compiled path did run.
  expect(rowsSeen).toBeGreaterThan(1000);
  expect(env.platform.records.compiledListShapes).toBeGreaterThan(100);
}, 300_000);

test('the same under rights: own, team, row conditions, and with $me', async () => {
  const paths = [
    '/records/deal?limit=2',
    '/records/deal?limit=2&sort=-title',
    `/records/deal?limit=2${q({ parties: { isNull: true } })}`,
    `/records/deal?limit=2${q({ parties: { in: contractors.slice(0, 4) } })}`,
    `/records/deal?limit=2${q({ parties: contractors[2] })}`,
    `/records/deal?limit=2${q({ owner: '$me' })}`,
    `/records/deal?limit=2${q({ owner: { ne: '$me' } })}`,
    `/records/deal?limit=2${q({ contractor: { in: contractors.slice(0, 3) } })}`,
    '/records/contractor?limit=3&sort=name',
    `/records/contractor?limit=3&sort=-employees${q({ employees: { gte: 1 } })}`,
  ];
  let rowsSeen = 0;
  for (const user of ['admin', 'anna', 'bob', 'carl', 'mona', 'cora']) {
    for (const path of paths) {
      const built = await walk(as[user]!, path, false);
      expect([user, path, await walk(as[user]!, path, true)]).toEqual([user, path, built]);
      expect([user, path, await walk(as[user]!, path, true)]).toEqual([user, path, built]);
      rowsSeen += built.reduce((n, p) => n + p.ids.length, 0);
    }
  }
  expect(rowsSeen).toBeGreaterThan(100);
  // The own and team scopes see different deals: a dropped scope predicate would show them all.
  const deal = async (user: string) => (await walk(as[user]!, '/records/deal?limit=50', true)).flatMap((p) => p.ids).sort();
  expect((await deal('anna')).length).toBe(3);
  expect((await deal('carl')).length).toBe(2);
  expect((await deal('mona')).length).toBe(5);
  expect((await deal('admin')).length).toBe(7);
}, 300_000);
