// A fiscal printer emulator to try the fiscal connector without hardware:
//   node scripts/fiscal-emulator.ts --protocol posnet --tcp 9100
//   node scripts/fiscal-emulator.ts --protocol posnet --pty      (prints the serial path to configure)
//   node scripts/fiscal-emulator.ts --protocol thermal --pty
// It prints each receipt, daily report and cash move as the printer would record it. Ctrl-C stops it.
import { parseArgs } from 'node:util';
import { PosnetPrinterEmulator } from '../test/support/posnet-printer-emulator.ts';
import { ThermalPrinterEmulator } from '../test/support/thermal-printer-emulator.ts';
import { PtyHost, socatPath, TcpHost, type EmulatedDevice } from '../test/support/printer-hosts.ts';

const { values } = parseArgs({ options: { protocol: { type: 'string', default: 'posnet' }, tcp: { type: 'string' }, pty: { type: 'boolean', default: false } } });
const protocol = values.protocol;
if (protocol !== 'posnet' && protocol !== 'thermal') {
  console.error('--protocol must be posnet or thermal');
  process.exit(2);
}
if (!values.tcp && !values.pty) {
  console.error('give --tcp <port> or --pty');
  process.exit(2);
}
if (protocol === 'thermal' && values.tcp) {
  console.error('the Thermal protocol runs over a serial line only: use --pty');
  process.exit(2);
}
if (values.pty && !socatPath()) {
  console.error('--pty needs socat (apt-get install socat)');
  process.exit(1);
}

const device: EmulatedDevice & { printed: unknown[]; dailyReports: string[]; cashMoves: number[] } = protocol === 'posnet' ? new PosnetPrinterEmulator() : new ThermalPrinterEmulator();
const host = values.tcp ? await TcpHost.start(device, Number(values.tcp)) : await PtyHost.start(device);
console.log(host instanceof TcpHost ? `${protocol} printer listening on 127.0.0.1:${host.port}` : `${protocol} printer on the serial path ${host.hostPath}`);

let seen = { printed: 0, reports: 0, cash: 0 };
const timer = setInterval(() => {
  for (const r of device.printed.slice(seen.printed)) console.log('receipt', JSON.stringify(r));
  for (const d of device.dailyReports.slice(seen.reports)) console.log('daily report', d);
  for (const c of device.cashMoves.slice(seen.cash)) console.log(c >= 0 ? 'cash in' : 'cash out', Math.abs(c) / 100);
  seen = { printed: device.printed.length, reports: device.dailyReports.length, cash: device.cashMoves.length };
}, 200);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    clearInterval(timer);
    void host.stop().then(() => process.exit(0));
  });
}
