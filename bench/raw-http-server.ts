// The HTTP baseline for the records benchmark: a tiny node:http + pg server that answers the same three
// requests (create, get, list) with the same SQL the raw-pg column sends, and nothing else — no
// framework, no sign-in, no validation. Tessera's HTTP column divided by this one is the share of the
// machine's HTTP + database limit the records API reaches.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';

export interface RawHttpServer {
  readonly base: string;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function create(raw: pg.Pool, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const v = JSON.parse(await body(req)) as { name: string; city: string; employees: number; turnover: { amount: number; currency: string } };
  const client = await raw.connect();
  try {
    await client.query('BEGIN');
    const row = await client.query(
      'INSERT INTO company (name, city, employees, turnover, turnover_currency, status) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
      [v.name, v.city, v.employees, v.turnover.amount, v.turnover.currency, 'active'],
    );
    await client.query(`INSERT INTO tessera.audit_log (via, entity, record_id, action, changes) VALUES ('system', 'company', $1, 'create', $2)`, [row.rows[0].id, JSON.stringify(v)]);
    await client.query('COMMIT');
    send(res, 201, row.rows[0]);
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

async function route(raw: pg.Pool, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://raw');
  const id = /^\/company\/([^/]+)$/.exec(url.pathname)?.[1];
  if (req.method === 'POST' && url.pathname === '/company') return create(raw, req, res);
  if (req.method === 'GET' && id) {
    const found = await raw.query('SELECT * FROM company WHERE id = $1 AND deleted_at IS NULL', [id]);
    return found.rows[0] ? send(res, 200, found.rows[0]) : send(res, 404, { status: 404 });
  }
  if (req.method === 'GET' && url.pathname === '/company') {
    const filter = JSON.parse(url.searchParams.get('filter') ?? '{}') as { city?: { eq?: string }; employees?: { gte?: number } };
    const page = await raw.query('SELECT * FROM company WHERE deleted_at IS NULL AND city = $1 AND employees >= $2 ORDER BY created_at DESC, id DESC LIMIT 21', [filter.city?.eq, filter.employees?.gte ?? 0]);
    return send(res, 200, { data: page.rows.slice(0, 20) });
  }
  send(res, 404, { status: 404 });
}

export async function startRawHttpServer(raw: pg.Pool): Promise<RawHttpServer> {
  const server: Server = createServer((req, res) => {
    route(raw, req, res).catch((error: unknown) => send(res, 500, { detail: String(error) }));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/company`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
