// SMS through the platform: messages/s queued (stored, activity written, outbox row and job, one
// transaction each) and handed to the provider by the outbox workers (queued → sent; the outbox claims
// up to 100 at once and the SMS channel hands them over 16 at a time, writing their activities'
// states in batches), to the SMSAPI double over loopback HTTP and to the emulated modem over a pty.
// Baseline in the same run: the provider alone, 8 concurrent. min/median/max over several runs.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { connectors } from '../connectors/index.ts';
import { SmsapiProvider } from '../connectors/sms/http/smsapi.ts';
import { queueSms, queueSmsMany, smsProviderPool } from '../connectors/sms/index.ts';
import type { SmsProvider } from '../connectors/sms/provider.ts';
import { startPlatform } from '../engine/platform.ts';
import { seedPackage } from '../engine/seeding.ts';
import type { PackageFiles } from '../metadata/index.ts';
import { crmMiniPackage } from '../test/support/packages.ts';
import { GsmModemEmulator, socatPath } from '../test/support/gsm-modem-emulator.ts';
import { startSmsapiDouble } from '../test/support/sms-gateway-servers.ts';

const TEXT = 'Zamówienie ZS/2026/0042 gotowe do odbioru.';

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `min ${sorted[0]!.toFixed(0)} / median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} / max ${sorted[sorted.length - 1]!.toFixed(0)}`;
}

function statsMs(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `min ${sorted[0]!.toFixed(2)} / median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} / max ${sorted[sorted.length - 1]!.toFixed(2)}`;
}

async function providerAlone(provider: SmsProvider, messages: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < messages) {
        const i = next++;
        await provider.send({ messageId: `alone-${randomUUID()}-${i}`, to: `+4860010${String(i % 10_000).padStart(4, '0')}`, text: TEXT });
      }
    }),
  );
  return messages / ((performance.now() - started) / 1000);
}

async function throughPlatform(label: string, pkg: PackageFiles, account: 'gate' | 'modem', gateway: string, modemPath: string | null, messages: number, runs: number, log: (line: string) => void, bulk = false): Promise<void> {
  const platform = await startPlatform({ connectors, secretKey: Buffer.alloc(32, 9).toString('base64') });
  try {
    await platform.applyMetadata(pkg, { source: 'seed' });
    const host = platform.connectors;
    const sms = connectors.find((c) => c.id === 'sms')!;
    const accounts: Record<string, string | number>[] = [{ id: 'gate', kind: 'smsapi', token: 'bench-token', baseUrl: gateway, ratePerSecond: 1000 }];
    if (modemPath) accounts.push({ id: 'modem', kind: 'modem', port: modemPath, ratePerSecond: 1000 });
    await host.settings.write('sms', sms.configSchema, { enabled: true, config: { defaultAccount: 'gate', accounts } }, { userId: null, via: 'system' });
    await platform.processes.startWorkers();
    const ctx = host.context('sms');
    const queued: number[] = [];
    const handed: number[] = [];
    const cpu: number[] = [];
    for (let run = 0; run < runs; run++) {
      const tag = randomUUID();
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      let next = 0;
      const request = (i: number) => ({ to: `+4860020${String(i % 10_000).padStart(4, '0')}`, text: TEXT, account, idempotencyKey: `bench:${tag}:${i}`, actor: { userId: null, via: 'system' as const } });
      // Bulk: one queueSmsMany per 100 (a serial SMS to a list), one writer.
      if (bulk)
        for (let from = 0; from < messages; from += 100) {
          const results = await queueSmsMany(ctx, Array.from({ length: Math.min(100, messages - from) }, (_, k) => request(from + k)));
          if (results.some((r) => !r.ok)) throw new Error('sms bench: a bulk request was refused');
        }
      await Promise.all(
        Array.from({ length: bulk ? 0 : 8 }, async () => {
          while (next < messages) {
            const i = next++;
            const result = await queueSms(ctx, { to: `+4860020${String(i % 10_000).padStart(4, '0')}`, text: TEXT, account, idempotencyKey: `bench:${tag}:${i}`, actor: { userId: null, via: 'system' } });
            if (!result.ok) throw new Error(JSON.stringify(result.problems));
          }
        }),
      );
      queued.push(messages / ((performance.now() - started) / 1000));
      for (;;) {
        const row = (await platform.knex('tessera.sms_messages').where('idempotency_key', 'like', `bench:${tag}:%`).where({ status: 'queued' }).count('* as n').first()) as { n: string | number };
        if (Number(row.n) === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      handed.push(messages / ((performance.now() - started) / 1000));
      // CPU of the process (its threads, the embedded database's too) per message: what the load of
      // the machine does not change much, unlike the wall-clock rates.
      const used = process.cpuUsage(cpuBefore);
      cpu.push((used.user + used.system) / 1000 / messages);
    }
    log(`sms outbox → ${label}: queued ${stats(queued)}; queued → handed to the provider ${stats(handed)} messages/s (${messages} × ${runs} runs, ${bulk ? 'queueSmsMany per 100, 1 writer' : '8 writers'}; target ≥ 100/s); CPU per message ${statsMs(cpu)} ms (load ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores)`);
    // The modem the outbox used (this process holds its port), alone, as the baseline.
    const modem = account === 'modem' ? smsProviderPool.modems()[0]?.modem : undefined;
    if (modem) {
      const alone: number[] = [];
      for (let run = 0; run < runs; run++) alone.push(await providerAlone(modem, messages));
      log(`sms baseline, modem driver alone over the pty (8 concurrent): ${stats(alone)} messages/s`);
    }
  } finally {
    await platform.close();
  }
}

export async function smsOutboxBenchmark(options: { messages: number; runs: number; log: (line: string) => void }): Promise<void> {
  const { messages, runs, log } = options;
  const smsapi = await startSmsapiDouble('bench-token');
  const emulator = socatPath() ? await GsmModemEmulator.start({ reportDelayMs: 1 }) : null;
  try {
    const seed = await seedPackage();
    const mini = await crmMiniPackage();
    await throughPlatform('SMSAPI double, shipped CRM (an activity per SMS, its state kept)', seed, 'gate', smsapi.url, null, messages, runs, log);
    await throughPlatform('SMSAPI double, shipped CRM, bulk queueing', seed, 'gate', smsapi.url, null, messages, runs, log, true);
    await throughPlatform('SMSAPI double, no sms activity kind (message and outbox only)', mini, 'gate', smsapi.url, null, messages, runs, log);
    if (emulator) {
      await throughPlatform('emulated modem over a pty, shipped CRM', seed, 'modem', smsapi.url, emulator.hostPath, messages, runs, log);
      await throughPlatform('emulated modem over a pty, shipped CRM, bulk queueing', seed, 'modem', smsapi.url, emulator.hostPath, messages, runs, log, true);
      await throughPlatform('emulated modem over a pty, no sms activity kind', mini, 'modem', smsapi.url, emulator.hostPath, messages, runs, log);
    } else log('sms outbox → modem: skipped (socat not installed)');
    const alone: number[] = [];
    for (let run = 0; run < runs; run++) alone.push(await providerAlone(new SmsapiProvider({ token: 'bench-token', baseUrl: smsapi.url }), messages));
    log(`sms baseline, SMSAPI provider alone (8 concurrent): ${stats(alone)} messages/s`);
  } finally {
    await emulator?.stop();
    await smsapi.close();
  }
}
