// The per-account rate limit shared by every process that sends (migration 032): a token bucket
// per account in `tessera.sms_rate_buckets`, refilled at `ratePerSecond` up to one second's worth and
// taken from by one atomic upsert (the row's lock orders two processes). Tokens may go below zero: a
// negative balance is the queue of sends already promised a later slot, so each taker learns how long
// its sends must wait, whichever process they run in.
import type { Knex } from 'knex';

/** Reserves `count` sends of `account`; per send, the milliseconds to wait before it (0: at once). */
export async function reserveSends(knex: Knex, account: string, ratePerSecond: number, count: number): Promise<number[]> {
  if (count <= 0) return [];
  const rate = ratePerSecond > 0 ? ratePerSecond : 1;
  const burst = Math.max(1, rate);
  const { rows } = (await knex.raw(
    `INSERT INTO tessera.sms_rate_buckets AS b (account, tokens, at) VALUES (?, ?::float8 - ?::float8, clock_timestamp())
     ON CONFLICT (account) DO UPDATE
       SET tokens = least(?::float8, b.tokens + extract(epoch FROM clock_timestamp() - b.at)::float8 * ?::float8) - ?::float8, at = clock_timestamp()
     RETURNING tokens`,
    [account, burst, count, burst, rate, count],
  )) as { rows: { tokens: number | string }[] };
  const before = Number(rows[0]!.tokens) + count;
  return Array.from({ length: count }, (_, k) => {
    const after = before - (k + 1);
    return after >= 0 ? 0 : Math.ceil((-after / rate) * 1000);
  });
}
