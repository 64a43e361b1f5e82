// The print agent over HTTP only: `tessera fiscal agent --server <url>` as a separate process with
// an API token and no database connection (DATABASE_URL unset, no secret key), serving a POSNET
// printer (the emulator on TCP, as a printer on the till's network) marked `agent`. A cashier prints
// a sale; the sale gets its number, written by the server; the status the agent reads reaches the
// printers API; a daily report runs through the agent with its totals kept. The agent routes need
// rights to print and the printer's lease.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectors } from '../../connectors/index.ts';
import { configSchema } from '../../connectors/fiscal/printers.ts';
import { loadPackageDir } from '../../metadata/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { createTestUser, tokenFor, userClient } from '../support/auth.ts';
import { startTestPlatform, type TestPlatform } from '../support/database.ts';
import { startTestServer, type JsonClient, type TestServer } from '../support/http.ts';
import { PosnetPrinterEmulator } from '../support/posnet-printer-emulator.ts';
import { TcpHost } from '../support/printer-hosts.ts';
import { eventually } from '../support/workflows.ts';

const BIN = fileURLToPath(new URL('../../engine/cli/tessera.js', import.meta.url));
process.env.TESSERA_FISCAL_START_DELAY_MS = '0';

let env: TestPlatform;
let server: TestServer;
let host: TcpHost;
let agent: ChildProcess | null = null;
let cashier: JsonClient;
let cashierToken: string;
let technicianToken: string;
const printer = new PosnetPrinterEmulator();

beforeAll(async () => {
  host = await TcpHost.start(printer);
  env = await startTestPlatform({ connectors });
  const { package: files } = await loadPackageDir(SEED_METADATA_DIR);
  await env.platform.applyMetadata(files, { source: 'cli' });
  server = await startTestServer(env.platform);
  const cashierId = await createTestUser(env.platform, { login: 'kasjer', roles: ['salesperson'] });
  cashier = await userClient(env.platform, `${server.url}/api`, cashierId);
  cashierToken = await tokenFor(env.platform, cashierId);
  technicianToken = await tokenFor(env.platform, await createTestUser(env.platform, { login: 'serwisant', roles: ['service_technician'] }));
  await env.platform.connectors.settings.write('fiscal', configSchema, { enabled: true, config: { printers: [{ id: 'till-7', name: 'Kasa 7', protocol: 'posnet', transport: 'serial', agent: true }] } }, { userId: null, via: 'system' });
  await env.platform.processes.startWorkers();
}, 120_000);

afterAll(async () => {
  if (agent && agent.exitCode === null) {
    const exited = new Promise((r) => agent!.once('exit', r));
    agent.kill('SIGTERM');
    await exited;
  }
  await server?.close();
  await env?.close();
  await host?.stop();
});

const agentApi = (token: string, path: string, body?: unknown) =>
  fetch(`${server.url}/api/connectors/fiscal/agent${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

test('the agent routes need rights to print, an agent printer and the lease', async () => {
  expect((await agentApi(technicianToken, '/printers/till-7')).status).toBe(403);
  expect((await fetch(`${server.url}/api/connectors/fiscal/agent/printers/till-7`)).status).toBe(401);
  expect(await (await agentApi(cashierToken, '/printers/till-7')).json()).toMatchObject({ id: 'till-7', protocol: 'posnet', agent: true });
  expect((await agentApi(cashierToken, '/printers/nope')).status).toBe(404);
  const noLease = await agentApi(cashierToken, '/printers/till-7/claim', { owner: 'someone' });
  expect(noLease.status).toBe(409);
  expect(noLease.headers.get('content-type')).toContain('application/problem+json');
  const bad = await agentApi(cashierToken, '/printers/till-7/claim', {});
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { errors: { pointer: string }[] }).errors[0]!.pointer).toBe('/owner');
});

test('an agent with only an API token and the server’s address prints a sale; the server writes the sale; status and daily report go through it', async () => {
  const { DATABASE_URL: _db, TESSERA_SECRET_KEY: _key, ...rest } = process.env;
  let output = '';
  agent = spawn(process.execPath, [BIN, 'fiscal', 'agent', '--printer', 'till-7', '--device', `127.0.0.1:${host.port}`, '--server', server.url], {
    env: { ...rest, TESSERA_API_TOKEN: cashierToken, TESSERA_FISCAL_POLL_MS: '50', TESSERA_DATA_DIR: '/nonexistent-tessera-data' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  agent.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  agent.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const id = (await cashier.post('/records/sale', { number: 'PA/70/2026', sale_date: '2026-12-04', buyer_nip: '5260001246', lines: [{ name: 'Kawa', quantity: 1, price: 20, vat_rate: 23 }], payments: [{ form: 'cash', amount: 50 }] })).body.id as string;
  expect((await cashier.post(`/connectors/fiscal/sales/${id}/receipt`, {})).status).toBe(202);
  const sale = await eventually(async () => {
    const r = (await cashier.get(`/records/sale/${id}`)).body as Record<string, unknown>;
    return r.receipt_state === 'printed' ? r : undefined;
  }, 30_000, `the agent to print (its output: ${output})`);
  expect(sale).toMatchObject({ receipt_number: '1', printer_unique_number: 'ABC12345678' });
  expect(printer.printed).toEqual([expect.objectContaining({ total: 2000, change: 3000, nip: '5260001246' })]);
  const row = (await cashier.get(`/connectors/fiscal/queue?sale=${id}`)).body.receipts[0];
  expect(row.log.map((l: { step: string }) => l.step)).toEqual(expect.arrayContaining(['receipt begun', 'receipt closed', 'printed']));
  expect(output).toContain('serving fiscal printer till-7');
  // The status the agent read from the printer reaches the server (paper out shown).
  printer.setPaper(false);
  await eventually(async () => ((await cashier.get('/connectors/fiscal/printers')).body.printers[0].status?.paperOut === true ? true : undefined), 20_000, 'paper out via the agent');
  printer.setPaper(true);
  await eventually(async () => ((await cashier.get('/connectors/fiscal/printers')).body.printers[0].status?.paperOut === false ? true : undefined), 20_000, 'paper back');
  expect((await cashier.get('/connectors/fiscal/printers')).body.printers[0]).toMatchObject({ served: true });
  const report = await cashier.post('/connectors/fiscal/printers/till-7/daily-report', {});
  expect(report.status).toBe(200);
  expect(report.body.contents).toMatchObject({ gross: 2000, receipts: 1 });
  expect(printer.dailyReports).toHaveLength(1);
}, 90_000);
