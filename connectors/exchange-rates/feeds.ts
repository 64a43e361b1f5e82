// The two banks' published formats, read into CurrencyRate values. Pure: the fetching is in
// client.ts.
//
// NBP (api.nbp.pl, table A of average rates), a table:
//   [{"table":"A","no":"058/A/NBP/2026","effectiveDate":"2026-03-24","rates":[{"currency":"euro","code":"EUR","mid":4.2714}, …]}]
// one currency:
//   {"table":"A","currency":"euro","code":"EUR","rates":[{"no":"058/A/NBP/2026","effectiveDate":"2026-03-24","mid":4.2714}]}
// BNR (www.bnr.ro/nbrfxrates.xml, the yearly files the same with one Cube per day):
//   <DataSet …><Header>…<PublishingDate>2026-03-24</PublishingDate>…</Header><Body>…<OrigCurrency>RON</OrigCurrency>
//   <Cube date="2026-03-24"><Rate currency="EUR">4.9712</Rate><Rate currency="HUF" multiplier="100">1.2641</Rate>…</Cube></Body></DataSet>
// The BNR document is flat and fixed (two element names carry the data), so it is read with two
// patterns rather than a general XML parser the project does not otherwise need.
import type { CurrencyRate } from '../../engine/connectors/index.ts';

/** A document that is not in the bank's format (a changed API, an error page answered with 200). */
export class FeedFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedFormatError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CODE = /^[A-Z]{3}$/;

function nbpRate(code: unknown, mid: unknown, date: unknown, no: unknown, at: string): CurrencyRate {
  if (typeof code !== 'string' || !CODE.test(code)) throw new FeedFormatError(`NBP ${at}: no currency code`);
  if (typeof mid !== 'number' || !(mid > 0)) throw new FeedFormatError(`NBP ${at}: no average rate (mid) for ${code}`);
  if (typeof date !== 'string' || !DAY.test(date)) throw new FeedFormatError(`NBP ${at}: no effectiveDate`);
  return { source: 'nbp', currency: code, date, rate: mid, multiplier: 1, table: typeof no === 'string' ? no : null };
}

/** The rates of NBP table answers (`/api/exchangerates/tables/A/…`): one or more tables. */
export function parseNbpTables(body: unknown): CurrencyRate[] {
  if (!Array.isArray(body)) throw new FeedFormatError('NBP: a table answer is a JSON array');
  const rates: CurrencyRate[] = [];
  body.forEach((table, i) => {
    if (!isObject(table) || !Array.isArray(table.rates)) throw new FeedFormatError(`NBP: table ${i} has no rates`);
    table.rates.forEach((r, j) => {
      if (!isObject(r)) throw new FeedFormatError(`NBP: table ${i} rate ${j} is not an object`);
      rates.push(nbpRate(r.code, r.mid, table.effectiveDate, table.no, `table ${i} rate ${j}`));
    });
  });
  return rates;
}

/** The rates of an NBP one-currency answer (`/api/exchangerates/rates/A/{code}/…`). */
export function parseNbpCurrency(body: unknown): CurrencyRate[] {
  if (!isObject(body) || !Array.isArray(body.rates)) throw new FeedFormatError('NBP: a currency answer is an object with rates');
  return body.rates.map((r, i) => {
    if (!isObject(r)) throw new FeedFormatError(`NBP: rate ${i} is not an object`);
    return nbpRate(body.code, r.mid, r.effectiveDate, r.no, `rate ${i}`);
  });
}

const CUBE = /<Cube\s+date="(\d{4}-\d{2}-\d{2})"\s*>([\s\S]*?)<\/Cube>/g;
const RATE = /<Rate\s+([^>]*)>\s*([^<]*?)\s*<\/Rate>/g;
const ATTRIBUTE = /([A-Za-z]+)="([^"]*)"/g;

/** The rates of a BNR document (the daily feed or a yearly file): one Cube per day. */
export function parseBnrXml(xml: string): CurrencyRate[] {
  if (!/<DataSet[\s>]/.test(xml)) throw new FeedFormatError('BNR: not a DataSet document');
  const origin = /<OrigCurrency>\s*([A-Z]{3})\s*<\/OrigCurrency>/.exec(xml)?.[1];
  if (origin !== undefined && origin !== 'RON') throw new FeedFormatError(`BNR: rates in ${origin}, not RON`);
  const rates: CurrencyRate[] = [];
  for (const [, date, body] of xml.matchAll(CUBE)) {
    for (const [, attributes, value] of body!.matchAll(RATE)) {
      const attrs = Object.fromEntries([...attributes!.matchAll(ATTRIBUTE)].map(([, k, v]) => [k!, v!]));
      const code = attrs.currency;
      if (code === undefined || !CODE.test(code)) throw new FeedFormatError(`BNR ${date!}: a rate without a currency code`);
      const quoted = Number(value);
      const multiplier = attrs.multiplier === undefined ? 1 : Number(attrs.multiplier);
      // BNR leaves a currency it does not quote that day as "-"; it is simply not there that day.
      if (value === '-' || value === '') continue;
      if (!(quoted > 0) || !Number.isInteger(multiplier) || multiplier < 1) throw new FeedFormatError(`BNR ${date!}: bad rate "${value!}" of ${code}`);
      rates.push({ source: 'bnr', currency: code, date: date!, rate: roundRate(quoted / multiplier), multiplier, table: null });
    }
  }
  if (rates.length === 0 && /<Cube[\s>]/.test(xml)) throw new FeedFormatError('BNR: Cube elements without rates');
  return rates;
}

/** Ten decimal places (the column's scale): 1.2641 / 100 stays exact, a division by 3 does not run on. */
const roundRate = (n: number) => Math.round(n * 1e10) / 1e10;
