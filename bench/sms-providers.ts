// SMS providers' hand-off rate: messages/s handed to the GSM modem (the emulator over a pty; a real
// modem adds the network's 1–3 s per part) and to the SMSAPI/Twilio doubles over loopback HTTP.
// The outbox in front of them is the connector platform's; this measures the providers alone.
import { GsmModem } from '../connectors/sms/modem/gsm-modem.ts';
import { SmsapiProvider } from '../connectors/sms/http/smsapi.ts';
import { TwilioProvider } from '../connectors/sms/http/twilio.ts';
import type { SmsProvider } from '../connectors/sms/provider.ts';
import { GsmModemEmulator, socatPath } from '../test/support/gsm-modem-emulator.ts';
import { startSmsapiDouble, startTwilioDouble } from '../test/support/sms-gateway-servers.ts';

async function rate(provider: SmsProvider, messages: number, concurrency: number, text: string): Promise<{ perSecond: number; parts: number }> {
  let next = 0;
  let parts = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < messages) {
        const i = next++;
        const sent = await provider.send({ messageId: `bench-${i}`, to: '+48600100200', text });
        parts += sent.parts;
      }
    }),
  );
  return { perSecond: messages / ((performance.now() - started) / 1000), parts };
}

export async function smsProvidersBenchmark(options: { messages: number; log: (line: string) => void }): Promise<void> {
  const { messages, log } = options;
  const short = 'Zamówienie gotowe do odbioru.';
  const long = 'Dzień dobry! Państwa urządzenie zostało naprawione i czeka na odbiór w naszym serwisie. '.repeat(2);
  if (socatPath()) {
    const emulator = await GsmModemEmulator.start({ reportDelayMs: 1 });
    const modem = new GsmModem({ path: emulator.hostPath, ports: { statusChanged: () => undefined, received: () => undefined } });
    await modem.start();
    for (const [label, text] of [['1 part', short], ['3 UCS-2 parts', long]] as const) {
      const r = await rate(modem, Math.min(messages, 300), 4, text);
      log(`sms modem (emulator over pty, ${label}): ${r.perSecond.toFixed(0)} messages/s, ${r.parts} parts`);
    }
    await modem.close();
    await emulator.stop();
  } else log('sms modem: skipped (socat not installed)');
  const smsapi = await startSmsapiDouble('t');
  const twilio = await startTwilioDouble('AC1', 't');
  try {
    const r1 = await rate(new SmsapiProvider({ token: 't', baseUrl: smsapi.url }), messages, 16, short);
    log(`sms SMSAPI (loopback double, 16 concurrent): ${r1.perSecond.toFixed(0)} messages/s (target ≥ 100/s)`);
    const r2 = await rate(new TwilioProvider({ accountSid: 'AC1', authToken: 't', from: '+48732100200', baseUrl: twilio.url }), messages, 16, short);
    log(`sms Twilio (loopback double, 16 concurrent): ${r2.perSecond.toFixed(0)} messages/s (target ≥ 100/s)`);
  } finally {
    await smsapi.close();
    await twilio.close();
  }
}
