// Login throttling (OWASP ASVS V2.2.1): failed sign-ins are counted per account and per client
// address over a sliding window. Past the limit, attempts are refused with 429 and Retry-After
// before the password is even checked, so a throttled account cannot be guessed faster. A
// successful sign-in clears the account's count (not the address's).
import type { Knex } from 'knex';

export interface ThrottlePolicy {
  readonly windowMinutes: number;
  /** Failed attempts per account (login name) within the window. */
  readonly accountFailures: number;
  /** Failed attempts per client address within the window, across accounts. */
  readonly ipFailures: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = { windowMinutes: 15, accountFailures: 5, ipFailures: 50 };

/** Seconds until the next attempt may be made, or null when it may be made now. */
export async function loginRetryAfter(db: Knex | Knex.Transaction, login: string, ip: string, policy: ThrottlePolicy): Promise<number | null> {
  const key = normalizeLogin(login);
  const account = await waitFor(db, policy, policy.accountFailures, (q) =>
    q.where('login', key).whereRaw(`at > coalesce((SELECT max(at) FROM tessera.login_attempts WHERE login = ? AND success), '-infinity'::timestamptz)`, [key]),
  );
  const address = await waitFor(db, policy, policy.ipFailures, (q) => q.where('ip', ip));
  const wait = Math.max(account ?? 0, address ?? 0);
  return wait > 0 ? wait : null;
}

async function waitFor(db: Knex | Knex.Transaction, policy: ThrottlePolicy, limit: number, scope: (q: Knex.QueryBuilder) => void): Promise<number | null> {
  const q = db('tessera.login_attempts').where('success', false).whereRaw('at > now() - make_interval(mins => ?)', [policy.windowMinutes]);
  scope(q);
  // The limit-th most recent failure: once it leaves the window, fewer than `limit` remain.
  const rows = (await q
    .orderBy('at', 'desc')
    .limit(limit)
    .select(db.raw('ceil(extract(epoch FROM (at + make_interval(mins => ?) - now())))::int AS wait', [policy.windowMinutes]))) as { wait: number }[];
  if (rows.length < limit) return null;
  return Math.max(1, rows[rows.length - 1]!.wait);
}

/**
 * Check the throttle, verify and record as one step per login and per address: concurrent guesses
 * queue on advisory locks, so each sees the failures recorded before it (otherwise forty parallel
 * requests would all pass the check before any failure is written). Returns the verified user id,
 * null for wrong credentials, or the seconds to wait when throttled.
 */
export async function throttledVerification(
  db: Knex,
  attempt: { login: string; ip: string },
  policy: ThrottlePolicy,
  verify: (db: Knex.Transaction) => Promise<string | null>,
): Promise<{ readonly userId: string | null } | { readonly retryAfter: number }> {
  return db.transaction(async (trx) => {
    // Sorted keys: two requests never take the two locks in opposite order.
    for (const key of [`login:${normalizeLogin(attempt.login)}`, `ip:${attempt.ip}`].sort()) await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [key]);
    const wait = await loginRetryAfter(trx, attempt.login, attempt.ip, policy);
    if (wait !== null) return { retryAfter: wait };
    const userId = await verify(trx);
    await recordLoginAttempt(trx, { ...attempt, userId, success: userId !== null });
    return { userId };
  });
}

export async function recordLoginAttempt(db: Knex | Knex.Transaction, attempt: { login: string; ip: string; userId: string | null; success: boolean }): Promise<void> {
  await db('tessera.login_attempts').insert({ login: normalizeLogin(attempt.login), ip: attempt.ip.slice(0, 64), user_id: attempt.userId, success: attempt.success });
  // The log doubles as the sign-in history; keep 90 days of it.
  if (Math.random() < 0.01) await db('tessera.login_attempts').whereRaw(`at < now() - interval '90 days'`).delete();
}

function normalizeLogin(login: string): string {
  return login.trim().toLowerCase().slice(0, 100);
}
