// Line items and computed fields on the server, with the shipped CRM's offer: lines are written with
// their offer in one transaction (created, updated, reordered, deleted), validated with pointers into
// the lines, read back in order, and the offer's totals are computed from them in the same write.
// Two users changing the lines of one offer: one wins, the other is told to reload (no line lost).
// A computed field added to a populated table is computed for the existing records by the apply.
import { loadPackageDir, type PackageFiles } from '../../metadata/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let api: ReturnType<typeof jsonClient>;
let files: PackageFiles;
let contractor: string;

beforeAll(async () => {
  env = await startTestPlatform();
  files = (await loadPackageDir(SEED_METADATA_DIR)).package;
  await env.platform.applyMetadata(files, { source: 'cli' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  contractor = (await api.post('/records/contractor', { name: 'Drukarnia Kolorland Sp. z o.o.' })).body.id;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

type Line = Record<string, unknown>;
const line = (quantity: number, net_price: number, vat_rate = 'vat23', extra: Line = {}): Line => ({ description: `Pozycja ${quantity} × ${net_price}`, quantity, unit: 'szt.', net_price, vat_rate, ...extra });

async function offer(lines: Line[]) {
  const res = await api.post('/records/offer', { title: 'Drukarki A3', contractor, lines });
  expect(res.status).toBe(201);
  return res.body;
}

const countRows = async (table: string, where: Record<string, unknown> = {}) => Number(((await env.platform.knex(table).where(where).count({ n: '*' })) as { n: string }[])[0]!.n);

describe('lines written with their record', () => {
  test('a created offer has its lines in order and totals computed from them, per VAT rate', async () => {
    const created = await offer([line(3, 10.1, 'vat23', { discount_percent: 10 }), line(1, 100, 'vat8', { purchase_price: 60 }), line(2, 50, 'zw')]);
    expect(created.lines.map((l: Line) => [l.quantity, l.net, l.vat, l.gross])).toEqual([[3, 27.27, 6.27, 33.54], [1, 100, 8, 108], [2, 100, 0, 100]]);
    expect(created).toMatchObject({ net_total: 227.27, vat_23: 6.27, vat_8: 8, vat_5: 0, vat_total: 14.27, gross_total: 241.54, discount_total: 3.03, margin: 40 });
    const read = await api.get(`/records/offer/${created.id}`);
    expect(read.body.lines).toEqual(created.lines);
    expect(read.body.gross_total).toBe(241.54);
    // Stored in real columns: filterable like any field.
    const found = await api.get(`/records/offer?filter=${encodeURIComponent(JSON.stringify({ gross_total: { eq: 241.54 } }))}&fields=title,lines`);
    expect(found.body.data).toEqual([{ id: created.id, title: 'Drukarki A3', lines: created.lines }]);
    // The lines themselves are no column: a filter or sort on them is a bad query, not a failure.
    for (const query of [`filter=${encodeURIComponent(JSON.stringify({ lines: { isNull: true } }))}`, 'sort=lines']) {
      const refused = await api.get(`/records/offer?${query}`);
      expect([query, refused.status]).toEqual([query, 400]);
    }
  });

  test('an update replaces the list: kept lines keep their ids, new ones are added, left-out ones deleted, order follows the list', async () => {
    const created = await offer([line(1, 10), line(2, 20), line(3, 30)]);
    const [a, b, c] = created.lines as Line[];
    const res = await api.patch(`/records/offer/${created.id}`, { version: created.version, lines: [{ ...strip(c!), quantity: 4 }, strip(a!), line(5, 1)] });
    expect(res.status).toBe(200);
    expect(res.body.lines.map((l: Line) => [l.id, l.quantity])).toEqual([[c!.id, 4], [a!.id, 1], [expect.any(String), 5]]);
    expect(res.body.net_total).toBe(4 * 30 + 10 + 5);
    expect(await countRows('offer_line', { id: b!.id })).toBe(0);
    expect((await api.get(`/records/offer/${created.id}`)).body.lines).toEqual(res.body.lines);
    // A change of the offer alone keeps its lines and totals.
    const renamed = await api.patch(`/records/offer/${created.id}`, { version: res.body.version, title: 'Drukarki A4' });
    expect(renamed.body.lines).toEqual(res.body.lines);
    expect(renamed.body.net_total).toBe(135);
  });

  test('a bad line is refused with a pointer into the lines, and nothing of the write is applied', async () => {
    const offers = await countRows('offer');
    const lines = await countRows('offer_line');
    const bad = await api.post('/records/offer', { title: 'Zła pozycja', contractor, lines: [line(1, 1), line(1, 1), line(1, 1), line(-2, 1), line(1, 1)] });
    expect(bad.status).toBe(422);
    expect(bad.contentType).toContain('application/problem+json');
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/lines/3/quantity' })]);
    const noDescription = await api.post('/records/offer', { title: 'Bez opisu', contractor, lines: [line(1, 1), { quantity: 1, net_price: 1, vat_rate: 'vat23' }] });
    expect(noDescription.status).toBe(422);
    expect(noDescription.body.errors).toEqual([expect.objectContaining({ pointer: '/lines/1/description', code: 'REQUIRED' })]);
    expect([await countRows('offer'), await countRows('offer_line')]).toEqual([offers, lines]);
  });

  test('computed fields and another offer\'s lines cannot be written; the offer stays as it was', async () => {
    const mine = await offer([line(1, 10), line(1, 20)]);
    const theirs = await offer([line(7, 7)]);
    const computed = await api.patch(`/records/offer/${mine.id}`, { version: mine.version, net_total: 1, lines: [{ ...strip(mine.lines[0]), net: 5 }] });
    expect(computed.status).toBe(422);
    expect(computed.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/net_total', code: 'READ_ONLY' }), expect.objectContaining({ pointer: '/lines/0/net', code: 'READ_ONLY' })]));
    const stolen = await api.patch(`/records/offer/${mine.id}`, { version: mine.version, lines: [line(9, 9), strip(theirs.lines[0])] });
    expect(stolen.status).toBe(422);
    expect(stolen.body.errors).toEqual([expect.objectContaining({ pointer: '/lines/1/id', code: 'NOT_A_LINE' })]);
    const after = (await api.get(`/records/offer/${mine.id}`)).body;
    expect([after.version, after.lines, after.net_total]).toEqual([mine.version, mine.lines, 30]);
    expect((await api.get(`/records/offer/${theirs.id}`)).body.lines).toEqual(theirs.lines);
  });

  test('lines are not written on their own: only with their offer', async () => {
    const o = await offer([line(1, 1)]);
    const direct = await api.post('/records/offer_line', { offer: o.id, description: 'Boczkiem', quantity: 1, net_price: 1, vat_rate: 'vat23' });
    expect(direct.status).toBe(422);
    expect(direct.body.code).toBe('LINE_WRITE');
    expect((await api.delete(`/records/offer_line/${o.lines[0].id}`)).status).toBe(422);
  });

  test('deleting an offer deletes its lines with it; restoring brings them back', async () => {
    const o = await offer([line(1, 1), line(2, 2)]);
    expect((await api.delete(`/records/offer/${o.id}`)).status).toBe(200);
    expect(await env.platform.knex('offer_line').where({ offer: o.id }).whereNull('deleted_at').count({ n: '*' })).toEqual([{ n: 0 }]);
    const restored = await api.post(`/records/offer/${o.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.lines).toEqual(o.lines);
  });
});

describe('two users changing the lines of one offer', () => {
  test('both edited the same version: exactly one wins, the other gets a conflict, and the winner\'s lines are all there', async () => {
    const o = await offer([line(1, 10)]);
    const kept = strip(o.lines[0]);
    const [first, second] = await Promise.all([
      api.patch(`/records/offer/${o.id}`, { version: o.version, lines: [kept, line(2, 20, 'vat23', { description: 'Anna' })] }),
      api.patch(`/records/offer/${o.id}`, { version: o.version, lines: [kept, line(3, 30, 'vat23', { description: 'Piotr' })] }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const winner = first.status === 200 ? first : second;
    const loser = first.status === 200 ? second : first;
    expect(loser.body.code).toBe('VERSION_CONFLICT');
    const stored = (await api.get(`/records/offer/${o.id}`)).body;
    expect(stored.lines).toEqual(winner.body.lines);
    expect(stored.lines).toHaveLength(2);
    expect(stored.net_total).toBe(winner.body.net_total);
    expect(await countRows('offer_line', { offer: o.id })).toBe(2);
    // The loser reloads and applies the change again: now both lines are there.
    const again = await api.patch(`/records/offer/${o.id}`, { version: stored.version, lines: [...stored.lines.map(strip), line(3, 30, 'vat23', { description: 'Piotr' })] });
    expect(again.status).toBe(200);
    expect(again.body.lines.map((l: Line) => l.description)).toEqual([o.lines[0].description, expect.stringMatching(/Anna|Piotr/), 'Piotr']);
  });
});

describe('a computed field added to a populated table', () => {
  test('is computed for the existing offers by the apply that adds it, and a changed expression recomputes them', async () => {
    const o = await offer([line(1, 10), line(2, 10), line(3, 10)]);
    const withCount = addOfferField(files, { id: 'crm.offer.line_count', name: 'line_count', type: 'integer', label: { en: 'Lines', pl: 'Liczba pozycji', ro: 'Număr de linii' }, computed: 'count(lines)' });
    const applied = await env.platform.applyMetadata(withCount, { source: 'cli' });
    expect(applied.plan.steps.map((s) => s.step.op)).toContain('recompute');
    expect((await api.get(`/records/offer/${o.id}`)).body.line_count).toBe(3);
    expect(await env.platform.knex('offer').whereNull('line_count').count({ n: '*' })).toEqual([{ n: 0 }]);
    const doubled = addOfferField(files, { id: 'crm.offer.line_count', name: 'line_count', type: 'integer', label: { en: 'Lines' }, computed: 'count(lines) * 2' });
    await env.platform.applyMetadata(doubled, { source: 'cli' });
    expect((await api.get(`/records/offer/${o.id}`)).body.line_count).toBe(6);
    const row = (await env.platform.knex('offer').where({ id: o.id }).first()) as { version: number };
    expect(row.version).toBe(o.version);
  });
});

/** A line as a client sends it back: its id and own fields, without the computed ones. */
function strip(l: Line): Line {
  const { net: _n, vat: _v, gross: _g, margin: _m, ...own } = l;
  return Object.fromEntries(Object.entries(own).filter(([, v]) => v !== null));
}

function addOfferField(pkg: PackageFiles, field: Record<string, unknown>): PackageFiles {
  const entity = pkg.files['entities/offer.json'] as { fields: Record<string, unknown>[] };
  return { files: { ...pkg.files, 'entities/offer.json': { ...entity, fields: [...entity.fields, field] } } };
}

describe('the records bulk path (createMany/updateMany) on a record with lines and computed fields', () => {
  const system = { actor: { userId: null, via: 'system' as const, origin: { flow: 'f1', flowName: 'Oferty', node: 'n1', nodeName: 'twórz' } } };

  test('createMany writes each offer with its lines and computed totals, and names the origin in the audit', async () => {
    const [a, b] = await env.platform.records.createMany(system, 'offer', [
      { title: 'Hurt 1', contractor, lines: [line(2, 10), line(1, 100, 'vat8')] },
      { title: 'Hurt 2', contractor, lines: [line(4, 25, 'zw')] },
    ]);
    expect((a!.lines as Line[]).map((l: Line) => [l.quantity, l.net, l.vat, l.gross])).toEqual([[2, 20, 4.6, 24.6], [1, 100, 8, 108]]);
    expect(a).toMatchObject({ net_total: 120, vat_total: 12.6, gross_total: 132.6 });
    expect(b).toMatchObject({ net_total: 100, vat_total: 0, gross_total: 100 });
    expect(await countRows(env.platform.runtime.entity('offer_line').entity.table, {})).toBeGreaterThanOrEqual(3);
    const read = await api.get(`/records/offer/${a!.id as string}`);
    expect(read.body.lines).toEqual(a!.lines);
    const audit = await env.platform.knex('tessera.audit_log').where({ entity: 'offer', record_id: a!.id as string, action: 'create' }).first('origin');
    expect(audit.origin).toMatchObject({ flow: 'f1', node: 'n1' });
  });

  test('updateMany recomputes the totals from changed lines; a bad line refuses the batch with its pointer; lines alone are refused', async () => {
    const [a] = await env.platform.records.createMany(system, 'offer', [{ title: 'Hurt 3', contractor, lines: [line(1, 10)] }]);
    const [updated] = await env.platform.records.updateMany(system, 'offer', [{ id: a!.id as string, values: { lines: [...(a!.lines as Line[]).map(({ id, description, quantity, unit, net_price, vat_rate }) => ({ id, description, quantity, unit, net_price, vat_rate })), line(1, 90)] } }]);
    expect(updated).toMatchObject({ net_total: 100, gross_total: 123 });
    expect((await api.get(`/records/offer/${a!.id as string}`)).body.gross_total).toBe(123);
    await expect(env.platform.records.updateMany(system, 'offer', [{ id: a!.id as string, values: { lines: [line(-1, 10)] } }])).rejects.toMatchObject({
      problems: expect.arrayContaining([expect.objectContaining({ pointer: expect.stringMatching(/^\/items\/0\/values\/lines\/0\/quantity$/) })]),
    });
    expect((await api.get(`/records/offer/${a!.id as string}`)).body.lines).toHaveLength(2);
    await expect(env.platform.records.createMany(system, 'offer_line', [{ offer: a!.id, ...line(1, 1) }])).rejects.toMatchObject({ code: 'LINE_WRITE' });
  });
});
