// The exchange-rates connector against loopback stand-ins of NBP and BNR (test/support/central-banks.ts):
// the art. 31a walk-back over Easter 2026, 404 days, BNR's multiplier, a retry after a 500, and the
// rates stored in tessera.currency_rates as the connector's run leaves them.
import { connectors } from '../../connectors/index.ts';
import { FeedUnavailable, nbpRateBefore, nbpTable, bnrLatest } from '../../connectors/exchange-rates/client.ts';
import { EXCHANGE_RATES, configSchema, fetchMissingRates } from '../../connectors/exchange-rates/index.ts';
import { syncRates } from '../../connectors/exchange-rates/sync.ts';
import { findRate } from '../../engine/exchange-rates/index.ts';
import { startCentralBanks, type CentralBanks } from '../support/central-banks.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';

let env: TestPlatform;
let banks: CentralBanks;
const fast = () => ({ nbpUrl: banks.url, bnrUrl: banks.url, retryDelayMs: 10 });
const eur = (mid: number) => [{ currency: 'euro', code: 'EUR', mid }, { currency: 'dolar amerykański', code: 'USD', mid: mid - 0.3 }];

beforeAll(async () => {
  banks = await startCentralBanks();
  // Easter 2026: Friday 3 April has a table, Saturday 4 to Easter Monday 6 April none.
  banks.nbp.set('2026-04-01', { no: '063/A/NBP/2026', effectiveDate: '2026-04-01', rates: eur(4.2701) });
  banks.nbp.set('2026-04-02', { no: '064/A/NBP/2026', effectiveDate: '2026-04-02', rates: eur(4.2733) });
  banks.nbp.set('2026-04-03', { no: '065/A/NBP/2026', effectiveDate: '2026-04-03', rates: eur(4.2788) });
  banks.nbp.set('2026-04-07', { no: '066/A/NBP/2026', effectiveDate: '2026-04-07', rates: eur(4.2655) });
  banks.bnr.push(
    { date: '2026-04-02', rates: [['EUR', '4.9731'], ['HUF', '1.2641', 100], ['JPY', '2.9850', 100], ['PLN', '1.1634']] },
    { date: '2026-04-03', rates: [['EUR', '4.9745'], ['HUF', '1.2655', 100], ['JPY', '2.9911', 100], ['PLN', '1.1626']] },
  );
  env = await startTestPlatform({ auditCheck: false, connectors });
}, 60_000);

afterAll(async () => {
  await env?.close();
  await banks?.close();
});

describe('fetching', () => {
  test('an invoice of Tuesday 7 April 2026 takes the rate of Friday 3 April, walking back over Easter', async () => {
    banks.requests.length = 0;
    const rate = await nbpRateBefore('EUR', '2026-04-07', fast());
    expect(rate).toEqual({ source: 'nbp', currency: 'EUR', date: '2026-04-03', rate: 4.2788, multiplier: 1, table: '065/A/NBP/2026' });
    expect(banks.requests).toEqual(['2026-04-06', '2026-04-05', '2026-04-04', '2026-04-03'].map((d) => `/api/exchangerates/rates/A/eur/${d}/`));
  });

  test('a day without a table is a 404: no table, and a currency NBP never published is no rate', async () => {
    expect(await nbpTable('2026-04-06', fast())).toBeNull();
    expect(await nbpRateBefore('XAU', '2026-04-08', fast(), 3)).toBeNull();
  });

  test('a 500 is retried; a bank that keeps failing is FeedUnavailable with its status', async () => {
    banks.requests.length = 0;
    banks.failNext('/api/exchangerates/tables/A/2026-04-02', 1, 500);
    const table = await nbpTable('2026-04-02', fast());
    expect(table?.map((r) => [r.currency, r.rate, r.table])).toEqual([
      ['EUR', 4.2733, '064/A/NBP/2026'],
      ['USD', 4.2733 - 0.3, '064/A/NBP/2026'],
    ]);
    expect(banks.requests).toEqual(['/api/exchangerates/tables/A/2026-04-02/', '/api/exchangerates/tables/A/2026-04-02/']);
    banks.failNext('/nbrfxrates.xml', 3, 503);
    const failed = await bnrLatest(fast()).catch((e: unknown) => e);
    expect([failed instanceof FeedUnavailable, (failed as FeedUnavailable).status]).toEqual([true, 503]);
    await expect(bnrLatest(fast())).resolves.toHaveLength(4);
  });

  test('BNR rates quoted per 100 units are stored per unit, with the multiplier kept', async () => {
    const rates = await bnrLatest(fast());
    expect(rates.map((r) => [r.currency, r.date, r.rate, r.multiplier, r.table])).toEqual([
      ['EUR', '2026-04-03', 4.9745, 1, null],
      ['HUF', '2026-04-03', 0.012655, 100, null],
      ['JPY', '2026-04-03', 0.029911, 100, null],
      ['PLN', '2026-04-03', 1.1626, 1, null],
    ]);
  });
});

describe('storing', () => {
  test('a run backfills the missing days once, skipping weekends; the document rules read the store', async () => {
    const { knex } = env.platform;
    banks.requests.length = 0;
    const first = await syncRates(knex, ['nbp', 'bnr'], '2026-03-31', '2026-04-07', fast());
    // 31 March has no table here either: a 404 like a holiday.
    expect(first.daysWithoutTable).toEqual(['2026-03-31', '2026-04-06']);
    expect(first.saved).toEqual({ nbp: 8, bnr: 8 + 4 });
    expect(banks.requests.filter((p) => p.includes('2026-04-04') || p.includes('2026-04-05'))).toEqual([]);
    expect(banks.requests.filter((p) => p.startsWith('/files/'))).toEqual(['/files/xml/years/nbrfxrates2026.xml']);
    banks.requests.length = 0;
    const again = await syncRates(knex, ['nbp'], '2026-03-31', '2026-04-07', fast());
    // Only the days without a table are asked again.
    expect(banks.requests).toEqual(['/api/exchangerates/tables/A/2026-03-31/', '/api/exchangerates/tables/A/2026-04-06/']);
    expect(again.saved).toEqual({ nbp: 0 });

    // Poland: the last table BEFORE the day; Romania: the day's own, else the last before.
    expect(await findRate(knex, 'nbp', 'EUR', '2026-04-07', 'before')).toEqual({ source: 'nbp', currency: 'EUR', date: '2026-04-03', rate: 4.2788, multiplier: 1, table: '065/A/NBP/2026' });
    expect((await findRate(knex, 'nbp', 'eur', '2026-04-08', 'before'))?.date).toBe('2026-04-07');
    expect(await findRate(knex, 'bnr', 'HUF', '2026-04-03', 'onOrBefore')).toEqual({ source: 'bnr', currency: 'HUF', date: '2026-04-03', rate: 0.012655, multiplier: 100, table: null });
    expect((await findRate(knex, 'bnr', 'EUR', '2026-04-05', 'onOrBefore'))?.rate).toBe(4.9745);
    // Nothing within ten days: missing, not a stale rate.
    expect(await findRate(knex, 'nbp', 'EUR', '2026-05-20', 'before')).toBeNull();
  });

  test('the connector run uses its settings: the configured banks and backfill period', async () => {
    await env.platform.connectors.settings.write(EXCHANGE_RATES, configSchema, { enabled: true, config: { sources: ['nbp'], backfillDays: 2, nbpUrl: banks.url, bnrUrl: banks.url } }, { userId: null, via: 'system' });
    await env.platform.knex('tessera.currency_rates').del();
    banks.requests.length = 0;
    const report = await fetchMissingRates(env.platform.connectors.context(EXCHANGE_RATES), undefined, '2026-04-03');
    expect(report.saved).toEqual({ nbp: 6 });
    expect(banks.requests).toEqual(['2026-04-01', '2026-04-02', '2026-04-03'].map((d) => `/api/exchangerates/tables/A/${d}/`));
  });
});
