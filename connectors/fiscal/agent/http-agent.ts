// `tessera fiscal agent --printer <id> --device <path> --server <url>` (token in TESSERA_API_TOKEN):
// serves one printer attached to a till PC, reaching the server over HTTP(S) only — no database
// connection, no secret key on the till PC. The printer's settings come from the server; the device
// is this machine's (a serial path, or host:port of a printer on the local network).
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { driverFor, printersToServe } from '../printers.ts';
import { PrinterWorker } from '../queue/printer-worker.ts';
import { agentPrinterConfig, httpStore, type AgentServer } from './http-store.ts';

export interface HttpAgentOptions {
  readonly server: AgentServer;
  readonly printer: string;
  readonly device: string;
  readonly pollMs?: number;
  readonly statusEveryMs?: number;
  readonly log?: (message: string, error?: unknown) => void;
}

export async function startHttpAgent(options: HttpAgentOptions): Promise<{ stop(): Promise<void> }> {
  const config = await agentPrinterConfig(options.server, options.printer);
  const [printer] = printersToServe([config], { printer: options.printer, device: options.device });
  if (!printer) throw new Error(`the server has no agent printer ${options.printer}`);
  const owner = `agent:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const log = options.log ?? ((message: string, error?: unknown) => console.error(message, error ?? ''));
  const worker = new PrinterWorker(httpStore(options.server, owner), printer, {
    owner,
    makeDriver: (p) => driverFor(p),
    ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
    ...(options.statusEveryMs !== undefined ? { statusEveryMs: options.statusEveryMs } : {}),
    // The server writes the sale when it records the outcome; the agent only logs.
    hooks: { log },
  });
  worker.start();
  return { stop: () => worker.stop() };
}
