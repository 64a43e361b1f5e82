// The read replica's pure parts: DATABASE_READ_URL needs DATABASE_URL (the embedded database has no
// replica), WAL positions compare as numbers, and which errors mean "the replica is unavailable"
// (read again on the primary) rather than "the query is wrong"; the notices that tell other processes
// of an API token's writes read back as written (and foreign lines are skipped); which requests
// count as writes (a POST aggregate does not).
import { configFromEnv } from '../../engine/config.ts';
import { openDatabase } from '../../engine/db/connection.ts';
import { isReplicaUnavailable, parseLsn } from '../../engine/db/replica.ts';
import { formatNotice, parseNotices, type WriteNotice } from '../../engine/db/replica-announcements.ts';
import { mayWrite } from '../../engine/http/read-routing.ts';

test('DATABASE_READ_URL without DATABASE_URL is a configuration error that says what to do', () => {
  expect(() => configFromEnv({ DATABASE_READ_URL: 'postgres://replica/db' })).toThrow(/DATABASE_READ_URL is set without DATABASE_URL.*embedded database has no replicas/);
});

test('with both, the replica is configured with its wait and retry times (defaults 500 ms and 5 s)', () => {
  expect(configFromEnv({ DATABASE_URL: 'postgres://primary/db', DATABASE_READ_URL: 'postgres://replica/db' }).readReplica).toEqual({ url: 'postgres://replica/db', waitMs: 500, retryMs: 5000 });
  expect(configFromEnv({ DATABASE_URL: 'postgres://primary/db', DATABASE_READ_URL: 'postgres://replica/db', TESSERA_REPLICA_WAIT_MS: '50', TESSERA_REPLICA_RETRY_MS: '1000' }).readReplica).toEqual({ url: 'postgres://replica/db', waitMs: 50, retryMs: 1000 });
  expect(() => configFromEnv({ DATABASE_URL: 'postgres://primary/db', DATABASE_READ_URL: 'postgres://replica/db', TESSERA_REPLICA_WAIT_MS: 'soon' })).toThrow(/TESSERA_REPLICA_WAIT_MS/);
  expect(configFromEnv({ DATABASE_URL: 'postgres://primary/db' }).readReplica).toBeUndefined();
});

test('opening the embedded database with a read URL is refused before anything starts', async () => {
  await expect(openDatabase({ readUrl: 'postgres://replica/db' })).rejects.toThrow(/DATABASE_READ_URL needs DATABASE_URL/);
});

test('WAL positions compare as 64-bit numbers, not as text', () => {
  expect(parseLsn('0/16B3748')).toBe(0x16b3748n);
  expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
  expect(parseLsn('A/0') > parseLsn('9/FFFFFFFF')).toBe(true);
  expect(() => parseLsn('nonsense')).toThrow(/not a WAL position/);
});

test('connection failures and recovery conflicts mean the replica is unavailable; query errors do not', () => {
  expect(isReplicaUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' }))).toBe(true);
  expect(isReplicaUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
  expect(isReplicaUnavailable({ code: '57P01' })).toBe(true); // admin shutdown
  expect(isReplicaUnavailable({ code: '40001' })).toBe(true); // cancelled: conflict with recovery
  expect(isReplicaUnavailable({ nativeError: { code: '08006' } })).toBe(true);
  expect(isReplicaUnavailable({ code: '42703' })).toBe(false); // a column the replica has not replayed yet: read again, but not "down"
  expect(isReplicaUnavailable({ code: '22P02' })).toBe(false);
});

test('write notices read back as written, several to a payload; lines that are not notices are skipped', () => {
  const notices: WriteNotice[] = [
    { kind: 'begin', instance: 'a1b2c3d4', write: '7', session: 'token:5f0e8a4c-2b1d-4c6e-9f3a-0d1e2f3a4b5c' },
    { kind: 'end', instance: 'a1b2c3d4', write: '7', session: 'token:5f0e8a4c-2b1d-4c6e-9f3a-0d1e2f3a4b5c', lsn: parseLsn('16/B374D848') },
  ];
  expect(parseNotices(notices.map(formatNotice).join('\n'))).toEqual(notices);
  expect(parseNotices('')).toEqual([]);
  expect(parseNotices('x a b c\ne a 1 token:t not-hex\nb only-two')).toEqual([]);
});

test('requests that may write: not GET/HEAD/OPTIONS, and not a POST that only reads', () => {
  expect(mayWrite('POST', '/records/contractor')).toBe(true);
  expect(mayWrite('PATCH', '/records/contractor/1')).toBe(true);
  // Reading POSTs: a form's duplicate check and price quote, a package's plan and sandbox, an import's preview.
  expect(mayWrite('POST', '/records/contractor/duplicates')).toBe(false);
  expect(mayWrite('POST', '/records/order/prices')).toBe(false);
  expect(mayWrite('POST', '/meta/plan')).toBe(false);
  expect(mayWrite('POST', '/meta/sandbox')).toBe(false);
  expect(mayWrite('POST', '/imports/preview')).toBe(false);
  // Their neighbours still write: applying a package, starting an import, saving a mapping, merging duplicates.
  expect(mayWrite('PUT', '/meta')).toBe(true);
  expect(mayWrite('POST', '/imports')).toBe(true);
  expect(mayWrite('POST', '/imports/mappings')).toBe(true);
  expect(mayWrite('POST', '/records/contractor/1/merge')).toBe(true);
  expect(mayWrite('POST', '/records/duplicates')).toBe(true);
  expect(mayWrite('POST', '/records/prices')).toBe(true);
  expect(mayWrite('PUT', '/records/contractor/duplicates')).toBe(true);
  expect(mayWrite('GET', '/records/contractor')).toBe(false);
  expect(mayWrite('POST', '/records/deal/aggregate')).toBe(false);
  // A type named "aggregate" is still created by its POST.
  expect(mayWrite('POST', '/records/aggregate')).toBe(true);
  expect(mayWrite('DELETE', '/records/deal/aggregate')).toBe(true);
});
