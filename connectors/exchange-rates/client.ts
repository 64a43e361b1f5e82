// Fetching the banks' documents: a GET with a timeout, retried with a growing pause after a network
// failure, a 5xx or a 429 (the banks' servers have bad minutes around publication time); a 404 is an
// answer (NBP: no table that day, a weekend or a holiday), anything else fails at once.
import { addDays, type CurrencyRate } from '../../engine/connectors/index.ts';
import { FeedFormatError, parseBnrXml, parseNbpCurrency, parseNbpTables } from './feeds.ts';

export interface FeedOptions {
  /** NBP's API root, default https://api.nbp.pl (tests: a loopback server). */
  readonly nbpUrl: string;
  /** BNR's site root, default https://www.bnr.ro. */
  readonly bnrUrl: string;
  /** Tries per document (default 3). */
  readonly attempts?: number;
  /** Pause before retry n is retryDelayMs · n (default 2 s). */
  readonly retryDelayMs?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** The bank did not answer usefully, even after the retries. */
export class FeedUnavailable extends Error {
  readonly status: number | null;
  constructor(message: string, status: number | null) {
    super(message);
    this.name = 'FeedUnavailable';
    this.status = status;
  }
}

const pause = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
  });

/** The body of `url`, or null on a 404. */
export async function fetchText(url: string, options: FeedOptions, accept: string): Promise<string | null> {
  const attempts = options.attempts ?? 3;
  let last: FeedUnavailable = new FeedUnavailable(`${url}: not tried`, null);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await pause((options.retryDelayMs ?? 2000) * (attempt - 1), options.signal);
    let response: Response;
    try {
      const timeout = AbortSignal.timeout(options.timeoutMs ?? 20_000);
      response = await fetch(url, { headers: { accept }, signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      last = new FeedUnavailable(`${url}: ${error instanceof Error ? error.message : String(error)}`, null);
      continue;
    }
    const text = await response.text();
    if (response.status === 404) return null;
    if (response.ok) return text;
    last = new FeedUnavailable(`${url}: HTTP ${response.status}`, response.status);
    if (response.status < 500 && response.status !== 408 && response.status !== 429) break;
  }
  throw last;
}

const json = (url: string, text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new FeedFormatError(`${url}: not JSON`);
  }
};

const root = (url: string) => url.replace(/\/+$/, '');

/** NBP table A effective on `day`; null when NBP published none that day (404). */
export async function nbpTable(day: string, options: FeedOptions): Promise<CurrencyRate[] | null> {
  const url = `${root(options.nbpUrl)}/api/exchangerates/tables/A/${day}/?format=json`;
  const text = await fetchText(url, options, 'application/json');
  return text === null ? null : parseNbpTables(json(url, text));
}

/** NBP's table A rate of one currency effective on `day`; null on a day without a table (404). */
export async function nbpRate(code: string, day: string, options: FeedOptions): Promise<CurrencyRate | null> {
  const url = `${root(options.nbpUrl)}/api/exchangerates/rates/A/${code.toLowerCase()}/${day}/?format=json`;
  const text = await fetchText(url, options, 'application/json');
  return text === null ? null : (parseNbpCurrency(json(url, text))[0] ?? null);
}

/**
 * The NBP rate for a document dated `day` (art. 31a of the VAT act): the table of the last business
 * day BEFORE it, found by walking back over the days NBP answers 404 (weekends, holidays), at most
 * `maxDays` days.
 */
export async function nbpRateBefore(code: string, day: string, options: FeedOptions, maxDays = 10): Promise<CurrencyRate | null> {
  for (let back = 1; back <= maxDays; back++) {
    const found = await nbpRate(code, addDays(day, -back), options);
    if (found) return found;
  }
  return null;
}

/** BNR's current feed: the rates of the last day BNR published. */
export async function bnrLatest(options: FeedOptions): Promise<CurrencyRate[]> {
  const url = `${root(options.bnrUrl)}/nbrfxrates.xml`;
  const text = await fetchText(url, options, 'application/xml');
  if (text === null) throw new FeedUnavailable(`${url}: HTTP 404`, 404);
  return parseBnrXml(text);
}

/** BNR's file of a year (every day published so far); an empty list for a year it has no file of. */
export async function bnrYear(year: number, options: FeedOptions): Promise<CurrencyRate[]> {
  const text = await fetchText(`${root(options.bnrUrl)}/files/xml/years/nbrfxrates${year}.xml`, options, 'application/xml');
  return text === null ? [] : parseBnrXml(text);
}
