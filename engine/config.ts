// Configuration from the environment (documented in the README).
import { resolve } from 'node:path';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** PostgreSQL server; absent → the embedded database in dataDir. */
  readonly databaseUrl?: string;
  /**
   * A streaming replica of DATABASE_URL for lists, search, reports and exports (docs/deployment.md):
   * `waitMs` the longest a session that just wrote waits for it to catch up before reading the
   * primary, `retryMs` how long an unavailable replica is left alone.
   */
  readonly readReplica?: { readonly url: string; readonly waitMs: number; readonly retryMs: number };
  /** Admin password for the first start; absent → one is generated and printed once. */
  readonly adminPassword?: string;
  /** Browser sessions: idle timeout, absolute lifetime, Secure cookies behind a TLS proxy (docs/security.md). */
  readonly auth: { readonly session: { readonly idleMinutes: number; readonly absoluteHours: number }; readonly secureCookies: boolean };
  /** Minutes between VACUUM (ANALYZE) rounds of the embedded database (it has no autovacuum). */
  readonly vacuumMinutes: number;
  /**
   * Whole months of the audit trail kept before the current one (TESSERA_AUDIT_RETENTION_MONTHS);
   * older months are detached into tessera_archive, never dropped (engine/db/audit-partitions.ts).
   * null (unset): keep everything.
   */
  readonly auditRetentionMonths: number | null;
  /** Embedded Node-RED at /automation (docs/automation.md); TESSERA_AUTOMATION=off disables it. */
  readonly automation: boolean;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  // Whole numbers: the database computes expiries with make_interval, which takes integers.
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  // The embedded database is one process's PGlite: nothing streams from it.
  if (env.DATABASE_READ_URL && !env.DATABASE_URL) throw new Error('DATABASE_READ_URL is set without DATABASE_URL: a read replica needs a PostgreSQL server as its primary (the embedded database has no replicas); set DATABASE_URL or unset DATABASE_READ_URL');
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir: resolve(env.TESSERA_DATA_DIR ?? './data'),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.DATABASE_URL && env.DATABASE_READ_URL
      ? { readReplica: { url: env.DATABASE_READ_URL, waitMs: positive(env, 'TESSERA_REPLICA_WAIT_MS', 500), retryMs: positive(env, 'TESSERA_REPLICA_RETRY_MS', 5000) } }
      : {}),
    ...(env.TESSERA_ADMIN_PASSWORD ? { adminPassword: env.TESSERA_ADMIN_PASSWORD } : {}),
    auth: {
      session: { idleMinutes: positive(env, 'TESSERA_SESSION_IDLE_MINUTES', 30), absoluteHours: positive(env, 'TESSERA_SESSION_HOURS', 12) },
      secureCookies: env.TESSERA_SECURE_COOKIES === 'true' || env.TESSERA_SECURE_COOKIES === '1',
    },
    vacuumMinutes: positive(env, 'TESSERA_VACUUM_MINUTES', 15),
    auditRetentionMonths: env.TESSERA_AUDIT_RETENTION_MONTHS ? positive(env, 'TESSERA_AUDIT_RETENTION_MONTHS', 1) : null,
    automation: !['off', 'false', '0'].includes((env.TESSERA_AUTOMATION ?? '').toLowerCase()),
  };
}
