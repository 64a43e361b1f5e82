// The security headers computed once (engine/http/security-headers.ts) are exactly helmet's: the
// same names, values and removals as helmet run on every request, for the app's options.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import { helmetHeaders, securityHeaders } from '../../../engine/http/security-headers.ts';

const APP_OPTIONS: HelmetOptions = { contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, imgSrc: ["'self'", 'data:', 'blob:', 'https:', 'http:'] } } };

async function headersOf(middleware: RequestHandler): Promise<Record<string, string>> {
  const app = express();
  app.use(middleware);
  app.get('/', (_req, res) => {
    res.end('ok');
  });
  // X-Powered-By set before helmet runs, to see it removed.
  const server: Server = createServer((req, res) => {
    res.setHeader('X-Powered-By', 'express');
    app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers: { connection: 'close' } });
    await res.text();
    const headers = Object.fromEntries(res.headers);
    delete headers.date;
    return headers;
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

test.each([
  ['the app options', APP_OPTIONS],
  ['the defaults', {}],
  ['HSTS off, frames denied', { strictTransportSecurity: false, frameguard: { action: 'deny' } } as HelmetOptions],
])('with %s, every response gets the headers helmet itself would set', async (_name, options) => {
  expect(await headersOf(securityHeaders(options))).toEqual(await headersOf(helmet(options)));
  expect(helmetHeaders(options).removed).toContain('X-Powered-By');
});

test('a policy that depends on the request is refused at start, not replayed wrongly', () => {
  const nonce = (_req: unknown, res: unknown) => `'nonce-${String((res as { locals?: { nonce?: string } }).locals?.nonce)}'`;
  expect(() => securityHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", nonce] } } })).toThrow(/request/);
  expect(() => helmetHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", nonce] } } })).toThrow();
});
