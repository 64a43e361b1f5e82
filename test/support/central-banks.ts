// A loopback stand-in for the two central banks, answering in their documented formats: NBP's JSON
// API (api.nbp.pl: /api/exchangerates/tables/A/{date}/ and /api/exchangerates/rates/A/{code}/{date}/,
// 404 "Brak danych" on a day without a table) and BNR's XML (nbrfxrates.xml and the yearly files
// /files/xml/years/nbrfxrates{YYYY}.xml, with `multiplier` on HUF, JPY, KRW).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NbpTable {
  readonly no: string;
  readonly effectiveDate: string;
  readonly rates: readonly { readonly currency: string; readonly code: string; readonly mid: number }[];
}

export interface BnrDay {
  readonly date: string;
  /** [code, rate as published, multiplier?] */
  readonly rates: readonly (readonly [string, string, number?])[];
}

export interface CentralBanks {
  readonly url: string;
  readonly nbp: Map<string, NbpTable>;
  readonly bnr: BnrDay[];
  /** Paths requested, in order. */
  readonly requests: string[];
  /** The next `count` requests whose path starts with `prefix` get this status. */
  failNext(prefix: string, count: number, status: number): void;
  close(): Promise<void>;
}

export function bnrXml(days: readonly BnrDay[]): string {
  const cubes = days
    .map((d) => `\t\t<Cube date="${d.date}">\n${d.rates.map(([code, rate, multiplier]) => `\t\t\t<Rate currency="${code}"${multiplier ? ` multiplier="${multiplier}"` : ''}>${rate}</Rate>`).join('\n')}\n\t\t</Cube>`)
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<DataSet xmlns="http://www.bnr.ro/xsd" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.bnr.ro/xsd nbrfxrates.xsd">
\t<Header>
\t\t<Publisher>National Bank of Romania</Publisher>
\t\t<PublishingDate>${days.at(-1)?.date ?? ''}</PublishingDate>
\t\t<MessageType>DR</MessageType>
\t</Header>
\t<Body>
\t\t<Subject>Reference rates</Subject>
\t\t<OrigCurrency>RON</OrigCurrency>
${cubes}
\t</Body>
</DataSet>
`;
}

export async function startCentralBanks(): Promise<CentralBanks> {
  const nbp = new Map<string, NbpTable>();
  const bnr: BnrDay[] = [];
  const requests: string[] = [];
  const failures: { prefix: string; count: number; status: number }[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push(path);
    const failure = failures.find((f) => f.count > 0 && path.startsWith(f.prefix));
    if (failure) {
      failure.count--;
      res.writeHead(failure.status, { 'content-type': 'text/plain' }).end('Service Unavailable');
      return;
    }
    const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
    const xml = (body: string) => res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(body);
    const none = () => res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 NotFound - Not Found - Brak danych');
    let m = /^\/api\/exchangerates\/tables\/A\/(\d{4}-\d{2}-\d{2})\/?$/i.exec(path);
    if (m) {
      const table = nbp.get(m[1]!);
      return table ? json([{ table: 'A', ...table }]) : none();
    }
    m = /^\/api\/exchangerates\/rates\/A\/([a-z]{3})\/(\d{4}-\d{2}-\d{2})\/?$/i.exec(path);
    if (m) {
      const table = nbp.get(m[2]!);
      const rate = table?.rates.find((r) => r.code === m![1]!.toUpperCase());
      return table && rate ? json({ table: 'A', currency: rate.currency, code: rate.code, rates: [{ no: table.no, effectiveDate: table.effectiveDate, mid: rate.mid }] }) : none();
    }
    if (path === '/nbrfxrates.xml') return bnr.length ? xml(bnrXml(bnr.slice(-1))) : none();
    m = /^\/files\/xml\/years\/nbrfxrates(\d{4})\.xml$/.exec(path);
    if (m) {
      const days = bnr.filter((d) => d.date.startsWith(m![1]!));
      return days.length ? xml(bnrXml(days)) : none();
    }
    none();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    nbp,
    bnr,
    requests,
    failNext: (prefix, count, status) => void failures.push({ prefix, count, status }),
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
