// The shipped invoice's exchange rate (seed/metadata/entities/invoice.json, `exchangeRate`): filled
// on save on the server from tessera.currency_rates under art. 31a of the Polish VAT act (NBP's
// table of the last business day BEFORE the issue date, over Easter 2026), kept when the invoice is
// edited otherwise, emptied for PLN, left as typed when no rate is stored, copied to a correction,
// and printed on the invoice PDF with its table number and day.
import { loadPackageDir } from '../../metadata/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { saveRates, type CurrencyRate } from '../../engine/exchange-rates/index.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { jsonClient, startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { pdfText, withPdfText } from '../support/pdf-text.ts';

let env: TestPlatform;
let server: TestServer;
let api: JsonClient;
let contractor: string;

const nbp = (date: string, no: string, list: [string, number][]): CurrencyRate[] => list.map(([currency, rate]) => ({ source: 'nbp', currency, date, rate, multiplier: 1, table: no }));
const lines = [{ description: 'Licencja roczna', quantity: 1, unit: 'szt.', net_price: 1000, vat_rate: 'vat23' }];
const rateOf = (r: Record<string, unknown>) => [r.exchange_rate, r.exchange_rate_table, r.exchange_rate_date];

beforeAll(async () => {
  env = await startTestPlatform();
  await env.platform.applyMetadata((await loadPackageDir(SEED_METADATA_DIR)).package, { source: 'cli' });
  server = await startTestServer(env.platform);
  api = jsonClient(`${server.url}/api`);
  contractor = (await api.post('/records/contractor', { name: 'Stalbud Sp. z o.o.', locality: 'Kraków' })).body.id;
  // Thursday 2 and Friday 3 April 2026; no table 4–6 April (weekend, Easter Monday); Tuesday 7 April.
  await saveRates(env.platform.knex, [
    ...nbp('2026-04-02', '064/A/NBP/2026', [['EUR', 4.2733], ['USD', 3.9512]]),
    ...nbp('2026-04-03', '065/A/NBP/2026', [['EUR', 4.2788], ['USD', 3.9601]]),
    ...nbp('2026-04-07', '066/A/NBP/2026', [['EUR', 4.2655], ['USD', 3.9433]]),
  ]);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await env?.close();
});

const invoice = async (body: Record<string, unknown>) => {
  const res = await api.post('/records/invoice', { contractor, lines, ...body });
  expect(res.status).toBe(201);
  return res.body as Record<string, unknown>;
};

describe('the invoice rate', () => {
  test('an EUR invoice of Tuesday 7 April takes the NBP table of Friday 3 April (the last business day before it)', async () => {
    const created = await invoice({ currency: 'eur', issue_date: '2026-04-07' });
    expect(rateOf(created)).toEqual([4.2788, '065/A/NBP/2026', '2026-04-03']);
    // The day's own table is never used: an invoice of 8 April takes 7 April's.
    expect(rateOf(await invoice({ currency: 'eur', issue_date: '2026-04-08' }))).toEqual([4.2655, '066/A/NBP/2026', '2026-04-07']);
  });

  test('a change of currency or date takes the rate again; other edits keep it, whatever was fetched since', async () => {
    const created = await invoice({ currency: 'eur', issue_date: '2026-04-03' });
    expect(rateOf(created)).toEqual([4.2733, '064/A/NBP/2026', '2026-04-02']);
    // NBP corrects the table of 2 April after the invoice was issued: the invoice keeps its rate.
    await saveRates(env.platform.knex, nbp('2026-04-02', '064/A/NBP/2026', [['EUR', 4.2799]]));
    const noted = await api.patch(`/records/invoice/${created.id as string}`, { notes: 'Zapłacono przelewem', version: created.version });
    expect([noted.status, ...rateOf(noted.body)]).toEqual([200, 4.2733, '064/A/NBP/2026', '2026-04-02']);
    const dollars = await api.patch(`/records/invoice/${created.id as string}`, { currency: 'usd', version: noted.body.version });
    expect(rateOf(dollars.body)).toEqual([3.9512, '064/A/NBP/2026', '2026-04-02']);
    const zloty = await api.patch(`/records/invoice/${created.id as string}`, { currency: 'pln', version: dollars.body.version });
    expect(rateOf(zloty.body)).toEqual([null, null, null]);
  });

  test('with no stored rate the rate typed by hand stays (no table); a rate typed alone is replaced by the stored one, one typed with its table day is kept', async () => {
    expect(rateOf(await invoice({ currency: 'eur', issue_date: '2026-06-15', exchange_rate: 4.31 }))).toEqual([4.31, null, null]);
    // Saved before its rates were fetched: the next save takes the rate.
    const early = await invoice({ currency: 'eur', issue_date: '2026-06-16' });
    expect(rateOf(early)).toEqual([null, null, null]);
    await saveRates(env.platform.knex, nbp('2026-06-15', '114/A/NBP/2026', [['EUR', 4.2999]]));
    const later = await api.patch(`/records/invoice/${early.id as string}`, { notes: 'Kurs już jest', version: early.version });
    expect(rateOf(later.body)).toEqual([4.2999, '114/A/NBP/2026', '2026-06-15']);
    expect(rateOf(await invoice({ currency: 'eur', issue_date: '2026-04-07', exchange_rate: 4.31 }))).toEqual([4.2788, '065/A/NBP/2026', '2026-04-03']);
    // A rate typed with its table and day (read off a table NBP published) is the user's to keep.
    expect(rateOf(await invoice({ currency: 'eur', issue_date: '2026-04-07', exchange_rate: 4.2801, exchange_rate_table: '065/A/NBP/2026', exchange_rate_date: '2026-04-03' }))).toEqual([4.2801, '065/A/NBP/2026', '2026-04-03']);
  });

  test('a correction keeps its invoice\'s rate; bulk writes (imports) fill the rate as single writes do', async () => {
    const original = await invoice({ currency: 'eur', issue_date: '2026-04-03' });
    const corrected = await api.post(`/records/invoice/${original.id as string}/actions/generate_correction`);
    expect([corrected.status, corrected.body.errors]).toEqual([201, undefined]);
    const correction = (await api.get(`/records/invoice/${corrected.body.result.records[0].id as string}`)).body;
    // Issued on another day, but with the corrected invoice's rate and table.
    expect([correction.kind, ...rateOf(correction)]).toEqual(['correction', ...rateOf(original)]);

    const system = { actor: { userId: null, via: 'system' as const } };
    const [first, second] = await env.platform.records.createMany(system, 'invoice', [
      { contractor, lines, currency: 'usd', issue_date: '2026-04-07' },
      { contractor, lines, currency: 'pln', issue_date: '2026-04-07' },
    ]);
    expect([rateOf(first!), rateOf(second!)]).toEqual([
      [3.9601, '065/A/NBP/2026', '2026-04-03'],
      [null, null, null],
    ]);
    const [moved] = await env.platform.records.updateMany(system, 'invoice', [{ id: second!.id as string, values: { currency: 'eur' }, expectedVersion: second!.version as number }]);
    expect(rateOf(moved!)).toEqual([4.2788, '065/A/NBP/2026', '2026-04-03']);
  });

  withPdfText('the invoice PDF shows the rate, its table and its day', async () => {
    const created = await invoice({ currency: 'eur', issue_date: '2026-04-07' });
    const res = await fetch(`${server.url}/api/records/invoice/${created.id as string}/print/invoice?lang=pl`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    expect(res.status).toBe(200);
    const text = pdfText(Buffer.from(await res.arrayBuffer()));
    for (const expected of ['Kurs waluty', /4,2788/, 'Tabela kursów', '065/A/NBP/2026', 'Data kursu']) expect(text).toMatch(expected);
  });
});
