// Several numbering series per entity type (issue #17) with the shipped CRM: invoices numbered by a
// rule on their kind (FV/…, PF/…, KOR/… monthly), sales orders by the register the user picks
// (ZS/…, ZE/…), counters per business unit, the monthly reset, and concurrent invoices taking
// consecutive numbers without gaps or repeats (the counter row is locked in the write transaction).
// The install under test had the shipped CRM before the documents, and took them without allowDestructive.
import { seedPackage } from '../../engine/seeding.ts';
import { assignNumber } from '../../engine/rules/numbering.ts';
import { buildModel, groupItems, localDate, type MetadataItem, type PackageFiles } from '../../metadata/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';

let env: TestPlatform;
let server: TestServer;
let api: JsonClient;
let contractor: string;

const DOCUMENTS = ['sales_order', 'sales_order_line', 'invoice', 'invoice_line'];

/** The shipped CRM as it was before the documents: no order or invoice types, no conversions or actions. */
function beforeDocuments(pkg: PackageFiles): PackageFiles {
  const items = Object.entries(pkg.files) as [string, MetadataItem][];
  // Fields built on the documents: rollups over invoices, and what rolls up or computes from those.
  const gone = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const [, item] of items) {
      if (item.kind !== 'entity' || DOCUMENTS.includes(item.name)) continue;
      for (const field of item.fields) {
        const key = `${item.name}.${field.name}`;
        if (gone.has(key)) continue;
        const rollup = (field as { rollup?: { from: string; field?: string } }).rollup;
        const computed = (field as { computed?: string }).computed;
        const target = (field as { type: string; target?: string }).type === 'reference' ? (field as { target?: string }).target : undefined;
        const builtOnDocuments =
          (target !== undefined && DOCUMENTS.includes(target)) ||
          (rollup && (DOCUMENTS.includes(rollup.from) || gone.has(`${rollup.from}.${rollup.field ?? ''}`))) ||
          (computed !== undefined && [...gone].some((g) => g.startsWith(`${item.name}.`) && new RegExp(`\\b${g.slice(item.name.length + 1)}\\b`).test(computed)));
        if (builtOnDocuments) {
          gone.add(key);
          grew = true;
        }
      }
    }
  }
  // Reports over the documents, or over fields built on them (a campaign's paid revenue), and their widgets.
  const builtOn = (entity: string, item: MetadataItem) => [...gone].some((g) => g.startsWith(`${entity}.`) && new RegExp(`\\b${g.slice(entity.length + 1)}\\b`).test(JSON.stringify(item)));
  const droppedReports = new Set(items.flatMap(([, item]) => (item.kind === 'report' && (DOCUMENTS.includes(item.entity) || builtOn(item.entity, item)) ? [item.name] : [])));
  const files: Record<string, MetadataItem> = {};
  for (const [path, item] of items) {
    if (item.kind === 'report' && droppedReports.has(item.name)) continue;
    if (item.kind === 'dashboard') {
      files[path] = { ...item, widgets: item.widgets.filter((w) => !droppedReports.has((w as { report?: string }).report ?? '')) };
      continue;
    }
    if (item.kind === 'entity' && DOCUMENTS.includes(item.name)) continue;
    if ((item.kind === 'documentTemplate' || item.kind === 'trigger') && DOCUMENTS.includes(item.entity)) continue;
    if (item.kind === 'entity') {
      const { conversions: _c, actions: _a, ...rest } = item;
      const kept = (name: string) => !gone.has(`${item.name}.${name}`);
      files[path] = {
        ...rest,
        fields: rest.fields.filter((f) => kept(f.name)),
        ...(rest.layout ? { layout: rest.layout.map((section) => ({ ...section, fields: section.fields.filter(kept) })) } : {}),
        ...(rest.indexes ? { indexes: rest.indexes.filter((index) => index.fields.every(kept)) } : {}),
      };
    } else if (item.kind === 'role') files[path] = { ...item, permissions: (item.permissions ?? []).filter((p) => !DOCUMENTS.includes(p.entity)) };
    else files[path] = item;
  }
  return { files };
}

beforeAll(async () => {
  env = await startTestPlatform();
  // An existing install takes the documents as an additive change (no allowDestructive).
  const seed = await seedPackage();
  await env.platform.applyMetadata(beforeDocuments(seed), { source: 'seed' });
  await env.platform.applyMetadata(seed, { source: 'seed' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  contractor = (await api.post('/records/contractor', { name: 'Hurtownia Papieru S.A.' })).body.id;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

const today = localDate(new Date(), 'Europe/Warsaw');
const month = `${today.year}/${String(today.month).padStart(2, '0')}`;
const line = { description: 'Usługa', quantity: 1, net_price: 100, vat_rate: 'vat23' };

async function invoice(values: Record<string, unknown>) {
  const res = await api.post('/records/invoice', { contractor, lines: [line], ...values });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body as Record<string, unknown> & { id: string; number: string };
}

test('a rule on the kind chooses the series: FV, PF and KOR each count on their own', async () => {
  const first = await invoice({});
  const proforma = await invoice({ kind: 'proforma' });
  const second = await invoice({ kind: 'invoice' });
  const correction = await invoice({ kind: 'correction', corrected_invoice: first.id, lines: [{ ...line, quantity: -1 }] });
  expect([first.number, proforma.number, second.number, correction.number]).toEqual([`FV/${month}/1`, `PF/${month}/1`, `FV/${month}/2`, `KOR/${month}/1`]);
  expect(correction).toMatchObject({ net_total: -100, gross_total: -123, split_payment: false, paid: false });
  // The period is the invoice's issue date's, not the day it is typed in.
  const backdated = await invoice({ issue_date: '2025-03-31' });
  expect(backdated.number).toBe('FV/2025/03/1');
  // A correction names the invoice it corrects.
  const orphan = await api.post('/records/invoice', { contractor, kind: 'correction', lines: [line] });
  expect([orphan.status, orphan.body.errors[0].pointer]).toEqual([422, '/corrected_invoice']);
});

test('the user picks the series through the register; left to its default it is the domestic one, and the number is read-only', async () => {
  const domestic = (await api.post('/records/sales_order', { contractor, lines: [line] })).body;
  const exported = (await api.post('/records/sales_order', { contractor, register: 'export', lines: [line] })).body;
  expect([domestic.number, domestic.register, exported.number]).toEqual([`ZS/${today.year}/0001`, 'domestic', `ZE/${today.year}/0001`]);
  // A new line without the delivered quantity starts at its default (0).
  expect(exported.lines[0]).toMatchObject({ quantity_delivered: 0, quantity_remaining: 1 });
  const unknown = await api.post('/records/sales_order', { contractor, register: 'nowhere', lines: [line] });
  expect([unknown.status, unknown.body.errors[0].pointer]).toEqual([422, '/register']);
  const chosen = await api.post('/records/sales_order', { contractor, number: 'ZS/1/1', lines: [line] });
  expect([chosen.status, chosen.body.errors[0].pointer]).toEqual([422, '/number']);
});

test('monthly reset and counters per business unit, on the real counter table', async () => {
  const pkg = groupItems({
    'tessera.json': { kind: 'manifest', name: 't', version: '1' },
    'entities/doc.json': {
      kind: 'entity', id: 'd', name: 'doc', label: { en: 'Doc' },
      numbering: { field: 'number', series: [{ name: 'fv', pattern: 'FV/{YYYY}/{MM}/{seq}', reset: 'monthly', per: ['unit'] }] },
      fields: [{ id: 'd.number', name: 'number', type: 'string', readOnly: true, label: { en: 'No' } }, { id: 'd.unit', name: 'unit', type: 'string', label: { en: 'Unit' } }],
    },
  });
  const doc = buildModel(pkg).entities.get('doc')!;
  const numbers = await env.platform.knex.transaction(async (trx) => {
    const out: unknown[] = [];
    for (const [unit, at] of [['WAW', '2026-01-31T12:00:00Z'], ['WAW', '2026-01-31T13:00:00Z'], ['KRK', '2026-01-31T14:00:00Z'], ['WAW', '2026-02-01T08:00:00Z'], ['WAW', '2026-02-02T08:00:00Z']] as const) {
      const values: Record<string, unknown> = { unit };
      await assignNumber(trx, doc, values, new Date(at), 'UTC');
      out.push(values.number);
    }
    return out;
  });
  expect(numbers).toEqual(['FV/2026/01/1', 'FV/2026/01/2', 'FV/2026/01/1', 'FV/2026/02/1', 'FV/2026/02/2']);
});

test('concurrent invoices get consecutive numbers, no gap and no repeat', async () => {
  const before = await invoice({});
  const start = Number(before.number.split('/').pop());
  const made = await Promise.all(Array.from({ length: 8 }, () => api.post('/records/invoice', { contractor, lines: [line] })));
  expect(made.map((r) => r.status)).toEqual(Array(8).fill(201));
  const seqs = made.map((r) => Number(String(r.body.number).split('/').pop())).sort((a, b) => a - b);
  expect(seqs).toEqual(Array.from({ length: 8 }, (_, i) => start + 1 + i));
});
