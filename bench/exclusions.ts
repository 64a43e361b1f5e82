// What an exclusion rule costs a write: bookings created one transaction each into a type without a
// rule (the baseline), one whose rule the database enforces too (room reference: the engine's lock
// and overlap query, plus the deferred EXCLUDE constraint's gist index), and one over a
// many-to-many key (the engine's check alone), in the same process and run. Slots never collide,
// spread over 10 rooms, so every table grows alike. min/median/max over several runs.
import { randomBytes } from 'node:crypto';
import { startPlatform } from '../engine/platform.ts';
import type { RecordContext } from '../engine/records/index.ts';
import type { PackageFiles } from '../metadata/index.ts';
import { createServerDatabase } from '../test/support/database.ts';

const SYSTEM: RecordContext = { actor: { userId: null, via: 'system' } };
const label = (en: string) => ({ en });

function benchPackage(): PackageFiles {
  const fields = (prefix: string, key: Record<string, unknown>) => [
    { id: `${prefix}.title`, name: 'title', type: 'string', label: label('Title'), required: true },
    { ...key, id: `${prefix}.${String(key.name)}` },
    { id: `${prefix}.starts_at`, name: 'starts_at', type: 'datetime', label: label('Start'), required: true },
    { id: `${prefix}.ends_at`, name: 'ends_at', type: 'datetime', label: label('End'), required: true },
  ];
  const room = { name: 'room', type: 'reference', label: label('Room'), target: 'room' };
  const rooms = { name: 'rooms', type: 'manyToMany', label: label('Rooms'), target: 'room' };
  const rule = (id: string, key: string) => [{ id, name: 'slot', equal: [key], overlap: ['starts_at', 'ends_at'] }];
  return {
    files: {
      'tessera.json': { kind: 'manifest', name: 'bench-exclusions', version: '1.0.0', defaultCurrency: 'PLN' },
      'entities/room.json': { kind: 'entity', id: 'b.room', name: 'room', label: label('Room'), fields: [{ id: 'b.room.name', name: 'name', type: 'string', label: label('Name'), required: true }] },
      'entities/plain.json': { kind: 'entity', id: 'b.plain', name: 'plain', label: label('Plain'), fields: fields('b.plain', room) },
      'entities/booking.json': { kind: 'entity', id: 'b.booking', name: 'booking', label: label('Booking'), fields: fields('b.booking', room), exclusions: rule('b.booking.ex', 'room') },
      'entities/block.json': { kind: 'entity', id: 'b.block', name: 'block', label: label('Block'), fields: fields('b.block', rooms), exclusions: rule('b.block.ex', 'rooms') },
    },
  };
}

function stats(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `min ${sorted[0]!.toFixed(0)} / median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} / max ${sorted[sorted.length - 1]!.toFixed(0)}`;
}

export async function exclusionsBenchmark(options: { records: number; runs: number; log: (line: string) => void }): Promise<void> {
  const { records: n, runs, log } = options;
  const adminUrl = process.env.TESSERA_BENCH_PG_URL;
  const scratch = adminUrl ? await createServerDatabase(adminUrl) : null;
  const platform = await startPlatform({ ...(scratch ? { url: scratch.url } : {}), secretKey: randomBytes(32).toString('base64') });
  try {
    await platform.applyMetadata(benchPackage(), { source: 'cli' });
    const roomIds: string[] = [];
    for (let i = 0; i < 10; i++) roomIds.push(String((await platform.records.create(SYSTEM, 'room', { name: `Sala ${i}` })).id));
    const results: Record<'plain' | 'booking' | 'block', number[]> = { plain: [], booking: [], block: [] };
    let slot = 0;
    for (let run = 0; run < runs; run++) {
      for (const entity of ['plain', 'booking', 'block'] as const) {
        const first = slot;
        const started = performance.now();
        for (let i = 0; i < n; i++) {
          const hour = first + i;
          const room = roomIds[i % roomIds.length]!;
          const start = new Date(Date.UTC(2026, 0, 1) + hour * 3_600_000);
          await platform.records.create(SYSTEM, entity, {
            title: `${entity} ${hour}`,
            ...(entity === 'block' ? { rooms: [{ id: room }] } : { room }),
            starts_at: start.toISOString(),
            ends_at: new Date(start.getTime() + 3_600_000).toISOString(),
          });
        }
        results[entity].push(n / ((performance.now() - started) / 1000));
      }
      slot += n;
    }
    const where = scratch ? `PostgreSQL server ${new URL(adminUrl!).host}` : 'embedded PGlite';
    log(`exclusion rules (${where}, ${n} creates × ${runs} runs, one transaction each): no rule (baseline) ${stats(results.plain)} records/s; rule on a column (engine check + EXCLUDE constraint) ${stats(results.booking)} records/s; rule on a many-to-many key (engine check) ${stats(results.block)} records/s`);
  } finally {
    await platform.close();
    await scratch?.drop();
  }
}
