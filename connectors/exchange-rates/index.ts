// The exchange-rates connector (docs/exchange-rates.md): the central banks' daily rates into
// tessera.currency_rates — NBP table A (Poland, api.nbp.pl) and BNR (Romania, bnr.ro) — where the
// invoice rule and the aggregate API's conversion read them. Hourly, only what is missing is
// fetched: today's tables once published, and the days of the backfill period not stored yet.
import { addDays, type Connector, type ConnectorContext, type RateSource } from '../../engine/connectors/index.ts';
import type { FeedOptions } from './client.ts';
import { syncRates } from './sync.ts';

export const EXCHANGE_RATES = 'exchange-rates';

interface RatesConfig {
  readonly sources?: readonly RateSource[];
  readonly backfillDays?: number;
  readonly nbpUrl?: string;
  readonly bnrUrl?: string;
}

const labels = (pl: string, en: string, ro: string) => ({ 'x-labels': { pl, en, ro }, title: en });

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    sources: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', enum: ['nbp', 'bnr'] },
      default: ['nbp', 'bnr'],
      ...labels('Banki centralne (nbp: Polska, bnr: Rumunia)', 'Central banks (nbp: Poland, bnr: Romania)', 'Bănci centrale (nbp: Polonia, bnr: România)'),
    },
    backfillDays: { type: 'integer', minimum: 1, maximum: 3650, default: 31, ...labels('Uzupełniaj brakujące kursy z tylu dni wstecz', 'Fill in missing rates of this many days back', 'Completează cursurile lipsă din atâtea zile în urmă') },
    nbpUrl: { type: 'string', format: 'uri', default: 'https://api.nbp.pl', ...labels('Adres API NBP', 'NBP API address', 'Adresa API NBP') },
    bnrUrl: { type: 'string', format: 'uri', default: 'https://www.bnr.ro', ...labels('Adres serwisu BNR', 'BNR site address', 'Adresa site-ului BNR') },
  },
} as const;

/** The feed options and sources of the current settings. */
export async function ratesSettings(ctx: ConnectorContext): Promise<{ sources: RateSource[]; backfillDays: number; feeds: FeedOptions }> {
  const config = (await ctx.settings()).config as RatesConfig;
  return {
    sources: [...(config.sources ?? ['nbp', 'bnr'])],
    backfillDays: config.backfillDays ?? 31,
    feeds: { nbpUrl: config.nbpUrl ?? 'https://api.nbp.pl', bnrUrl: config.bnrUrl ?? 'https://www.bnr.ro' },
  };
}

/** One run: the days from `backfillDays` ago to today (UTC) not stored yet, and BNR's current feed. */
export async function fetchMissingRates(ctx: ConnectorContext, signal?: AbortSignal, today = new Date().toISOString().slice(0, 10)) {
  const { sources, backfillDays, feeds } = await ratesSettings(ctx);
  return syncRates(ctx.knex, sources, addDays(today, -backfillDays), today, { ...feeds, ...(signal ? { signal } : {}) });
}

export const exchangeRates: Connector = {
  id: EXCHANGE_RATES,
  label: { pl: 'Kursy walut (NBP, BNR)', en: 'Exchange rates (NBP, BNR)', ro: 'Cursuri de schimb (NBP, BNR)' },
  description: {
    pl: 'Pobiera codzienne kursy średnie NBP (tabela A) i BNR; faktury w walucie obcej biorą z nich kurs, a raporty przeliczają kwoty.',
    en: 'Fetches the daily average rates of NBP (table A) and BNR; invoices in a foreign currency take their rate from them and reports convert amounts.',
    ro: 'Preia zilnic cursurile medii NBP (tabelul A) și BNR; facturile în valută își iau cursul din ele, iar rapoartele convertesc sumele.',
  },
  configSchema,
  pollers: [
    {
      id: 'tables',
      everySeconds: 3600,
      async run(ctx) {
        const report = await fetchMissingRates(ctx, ctx.signal);
        const saved = Object.entries(report.saved).map(([s, n]) => `${s} ${n}`).join(', ');
        if (Object.values(report.saved).some((n) => n > 0)) ctx.log(`rates stored: ${saved}`);
      },
    },
  ],
};
