// Runs the emulated GSM modem standalone, so the SMS connector can be tried without hardware:
//   node scripts/modem-emulator.ts [--pin 1234] [--report-delay-ms 2000]
// prints the serial port to configure in the modem account, logs every message it is sent (decoded
// from its PDUs) and injects an incoming SMS for each line typed as `<number> <text>`.
// Needs socat (apt-get install socat).
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { GsmModemEmulator, socatPath } from '../test/support/gsm-modem-emulator.ts';

const { values } = parseArgs({ options: { pin: { type: 'string' }, 'report-delay-ms': { type: 'string', default: '2000' } } });
if (!socatPath()) {
  console.error('socat is not installed: apt-get install socat');
  process.exit(1);
}
const emulator = await GsmModemEmulator.start({ ...(values.pin ? { pin: values.pin } : {}), reportDelayMs: Number(values['report-delay-ms']) });
console.log(`Emulated GSM modem ready. Serial port: ${emulator.hostPath}${values.pin ? ` (SIM PIN ${values.pin})` : ''}`);
console.log('Type "<number> <text>" to receive an SMS, Ctrl-C to stop.');
let shown = 0;
const timer = setInterval(() => {
  for (const m of emulator.received.slice(shown)) console.log(`→ ${m.to} (${m.parts} part${m.parts > 1 ? 's' : ''}, TP-MR ${m.mrs.join(',')}): ${m.text}`);
  shown = emulator.received.length;
}, 200);
const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const m = /^\s*(\+?\d+)\s+(.+)$/.exec(line);
  if (!m) return console.log('usage: <number> <text>');
  emulator.injectIncoming(m[1]!, m[2]!);
  console.log(`← ${m[1]}: ${m[2]}`);
});
const stop = async (): Promise<void> => {
  clearInterval(timer);
  input.close();
  await emulator.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
