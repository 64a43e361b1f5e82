// The print agent: `tessera fiscal agent --printer <id> --device <path>` as a separate process (as on
// a till PC), connected to the server's database, serves the one printer marked `agent` — here a
// Thermal printer on a pseudo-terminal — while the server's own processes leave it alone. Needs socat.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectors } from '../../connectors/index.ts';
import { configSchema } from '../../connectors/fiscal/printers.ts';
import { enqueueReceipt, getReceipt } from '../../connectors/fiscal/queue/print-queue.ts';
import { startTestPlatform, TEST_SECRET_KEY, type TestPlatform } from '../support/database.ts';
import { ThermalPrinterEmulator } from '../support/thermal-printer-emulator.ts';
import { PtyHost, socatPath } from '../support/printer-hosts.ts';
import { eventually } from '../support/workflows.ts';

const BIN = fileURLToPath(new URL('../../engine/cli/tessera.js', import.meta.url));
const hasSocat = socatPath() !== null;
if (!hasSocat) console.warn('⚠ socat is not installed: the fiscal agent test is SKIPPED (apt-get install socat)');

let env: TestPlatform;
let host: PtyHost;
let agent: ChildProcess | null = null;
const printer = new ThermalPrinterEmulator();

afterAll(async () => {
  if (agent && agent.exitCode === null) {
    const exited = new Promise((r) => agent!.once('exit', r));
    agent.kill('SIGTERM');
    await exited;
  }
  await env?.close();
  await host?.stop();
});

(hasSocat ? test : test.skip)('the agent process prints the receipts of its printer; the server processes do not touch it', async () => {
  process.env.TESSERA_FISCAL_START_DELAY_MS = '0';
  host = await PtyHost.start(printer);
  env = await startTestPlatform({ connectors });
  await env.platform.connectors.settings.write('fiscal', configSchema, { enabled: true, config: { printers: [{ id: 'till-9', protocol: 'thermal', transport: 'serial', agent: true }] } }, { userId: null, via: 'system' });
  const receipt = { lines: [{ name: 'Łyżeczka', quantity: 2, unitPrice: 350, vatRate: 23 }], payments: [{ form: 'cash' as const, amount: 700 }] };
  const { receipt: row } = await enqueueReceipt(env.platform.knex, { printerId: 'till-9', idempotencyKey: 'agent-1', receipt });
  // The server's processes leave an agent printer alone: nothing is claimed while no agent runs.
  await new Promise((r) => setTimeout(r, 2500));
  expect((await getReceipt(env.platform.knex, row.id))?.state).toBe('queued');
  expect(printer.commands).toEqual([]);

  let output = '';
  agent = spawn(process.execPath, [BIN, 'fiscal', 'agent', '--printer', 'till-9', '--device', host.hostPath], {
    env: { ...process.env, DATABASE_URL: env.platform.db.url, TESSERA_SECRET_KEY: TEST_SECRET_KEY, TESSERA_FISCAL_POLL_MS: '50' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  agent.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  agent.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const printed = await eventually(async () => {
    const r = await getReceipt(env.platform.knex, row.id);
    return r?.state === 'printed' ? r : undefined;
  }, 30_000, `the agent to print (its output: ${output})`);
  expect(printed.log.map((l) => l.step)).toContain('printed');
  expect(output).toContain('printer till-9: serving it');
  expect(printer.printed).toEqual([{ lines: [{ name: 'Łyżeczka', letter: 'A', amount: 700 }], total: 700, cash: 700, others: [], change: 0 }]);
}, 120_000);
