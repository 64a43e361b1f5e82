// Fiscal printing throughput: receipts per minute through the database queue (enqueue → the
// printer's leader → POSNET driver → the emulated printer on a socat pty at 115,200 baud), and as
// the baseline in the same run the driver alone on the same link. The pty does not pace bytes to
// the baud rate, so the link-speed bound (bytes on the wire per receipt at 10 bits a byte) is
// printed beside them; a real printer is bounded lower still by its paper feed (~1–2 s a receipt).
import { cpus, loadavg } from 'node:os';
import { startPlatform } from '../engine/platform.ts';
import { PosnetDriver } from '../connectors/fiscal/posnet/driver.ts';
import { memoryJournal, printWithRecovery } from '../connectors/fiscal/printing.ts';
import { planReceipt, type Receipt } from '../connectors/fiscal/receipt.ts';
import { FiscalError } from '../connectors/fiscal/errors.ts';
import { enqueueReceipt } from '../connectors/fiscal/queue/print-queue.ts';
import { PrinterWorker } from '../connectors/fiscal/queue/printer-worker.ts';
import { databaseStore } from '../connectors/fiscal/queue/queue-store.ts';
import { driverFor, type PrinterConfig } from '../connectors/fiscal/printers.ts';
import { PosnetPrinterEmulator } from '../test/support/posnet-printer-emulator.ts';
import { PtyHost, socatPath } from '../test/support/printer-hosts.ts';

const BAUD = 115_200;

const receipt = (i: number): Receipt => ({
  lines: [
    { name: `Kawa ziarnista ${i % 50}`, quantity: 1, unitPrice: 5999, vatRate: 23 },
    { name: 'Chleb żytni', quantity: 2, unitPrice: 799, vatRate: 5 },
    { name: 'Książka', quantity: 1, unitPrice: 3990, vatRate: 'exempt' },
  ],
  payments: [{ form: 'cash', amount: 20000 }],
});

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return `min ${sorted[0]!.toFixed(0)} / median ${median.toFixed(0)} / max ${sorted[sorted.length - 1]!.toFixed(0)}`;
}

export async function fiscalBenchmark(options: { receipts: number; runs: number; log: (line: string) => void }): Promise<void> {
  const { receipts, runs, log } = options;
  if (!socatPath()) return log('fiscal: skipped (socat not installed)');
  const printer = new PosnetPrinterEmulator();
  const host = await PtyHost.start(printer);
  const platform = await startPlatform({});
  try {
    // Baseline: the driver alone, one receipt after another.
    const driver = new PosnetDriver({ transport: { kind: 'serial', path: host.hostPath, baudRate: BAUD } });
    await driver.open();
    const direct: number[] = [];
    let bytesPerReceipt = 0;
    for (let run = 0; run < runs; run++) {
      const bytes = printer.bytesIn + printer.bytesOut;
      const started = performance.now();
      for (let i = 0; i < receipts; i++) {
        const plan = planReceipt(receipt(i), await driver.vatRates());
        if (plan instanceof FiscalError) throw plan;
        await printWithRecovery(driver, plan, memoryJournal());
      }
      direct.push(receipts / ((performance.now() - started) / 60_000));
      bytesPerReceipt = (printer.bytesIn + printer.bytesOut - bytes) / receipts;
    }
    await driver.close();
    // Through the queue: everything enqueued at once, the leader prints it.
    const config: PrinterConfig = { id: 'bench', name: 'bench', protocol: 'posnet', transport: { kind: 'serial', path: host.hostPath, baudRate: BAUD }, encoding: 'windows-1250', vatSlots: null, timeoutMs: 3000, agent: false };
    const worker = new PrinterWorker(databaseStore(platform.knex), config, { owner: 'bench', makeDriver: (p) => driverFor(p), pollMs: 20, statusEveryMs: 60_000, hooks: { log: () => undefined } });
    worker.start();
    const queued: number[] = [];
    for (let run = 0; run < runs; run++) {
      const before = printer.printed.length;
      const started = performance.now();
      for (let i = 0; i < receipts; i++) await enqueueReceipt(platform.knex, { printerId: 'bench', idempotencyKey: `bench:${run}:${i}`, receipt: receipt(i) });
      worker.wake();
      while (printer.printed.length < before + receipts) await new Promise((r) => setTimeout(r, 10));
      queued.push(receipts / ((performance.now() - started) / 60_000));
    }
    await worker.stop();
    const bound = (BAUD / 10 / bytesPerReceipt) * 60;
    log(`fiscal POSNET via queue (pty, ${receipts} receipts × ${runs} runs, 3 lines each): ${stats(queued)} receipts/min`);
    log(`fiscal POSNET driver alone, baseline (same link): ${stats(direct)} receipts/min`);
    log(`fiscal link-speed bound at ${BAUD} baud: ${bound.toFixed(0)} receipts/min (${bytesPerReceipt.toFixed(0)} bytes on the wire per receipt, both ways)`);
    // On a real line each run is held to the bound: what a 115,200-baud printer link would give.
    log(`fiscal via queue on a real ${BAUD}-baud line (each run capped at the bound): ${stats(queued.map((q) => Math.min(q, bound)))} receipts/min; machine load ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
  } finally {
    await platform.close();
    await host.stop();
  }
}
