// The monthly partitions of tessera.audit_log (migration 049): made ahead by the maintenance loop,
// detached into schema tessera_archive past the retention (TESSERA_AUDIT_RETENTION_MONTHS), and an
// archived month exported to a gzip'd CSV file and then dropped (`tessera audit-archive export`).
// A month leaves the trail only by these steps, each one recorded in tessera.audit_archive: the audit
// trail is the record of who changed what, so nothing is dropped that was not written out first.
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { open, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createGzip } from 'node:zlib';
import type { Knex } from 'knex';

/**
 * How long making or detaching a partition waits for its lock on tessera.audit_log. Every record
 * write inserts audit rows, and they would queue behind a DDL waiting for a long transaction; the
 * next hourly round tries again.
 */
const PARTITION_LOCK_TIMEOUT = '2s';

/** Months are calendar months in UTC, written YYYY-MM. */
export type AuditMonth = string;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const PARTITION = /^audit_log_(\d{4})_(\d{2})$/;

export function monthOf(date: Date): AuditMonth {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The first instant of `month` plus `add` months. */
export function monthStart(month: AuditMonth, add = 0): Date {
  const m = MONTH.exec(month);
  if (!m) throw new Error(`not a month (YYYY-MM): ${month}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1 + add, 1));
}

export function isAuditMonth(text: string): text is AuditMonth {
  return MONTH.test(text);
}

function tableOf(month: AuditMonth): string {
  return `audit_log_${month.replace('-', '_')}`;
}

/** The monthly partitions attached to tessera.audit_log, oldest first. */
export async function auditPartitions(knex: Knex): Promise<AuditMonth[]> {
  const { rows } = (await knex.raw(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'tessera.audit_log'::regclass`,
  )) as { rows: { name: string }[] };
  return rows
    .map((r) => PARTITION.exec(r.name))
    .filter((m) => m !== null)
    .map((m) => `${m[1]}-${m[2]}`)
    .sort();
}

/**
 * The current month and the two after it exist, and every month the DEFAULT partition holds rows of
 * gets its own partition (tessera.audit_log_partition moves those rows). Returns the months made.
 */
export async function ensureAuditPartitions(knex: Knex, now: Date = new Date()): Promise<AuditMonth[]> {
  const before = new Set(await auditPartitions(knex));
  const current = monthOf(now);
  const { rows } = (await knex.raw(`SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS m FROM tessera.audit_log_default`)) as {
    rows: { m: Date }[];
  };
  const waiting = new Set(rows.map((r) => monthOf(r.m)));
  // A month archived once (and maybe exported and dropped) is not made again: its rows in DEFAULT stay there.
  const archived = new Set((await archivedAuditMonths(knex)).map((m) => m.month));
  const months = [...new Set([current, monthOf(monthStart(current, 1)), monthOf(monthStart(current, 2)), ...waiting])]
    .filter((m) => !before.has(m) && !archived.has(m))
    .sort();
  // One transaction per month: one that cannot be made now (a lock not granted) leaves the others made.
  for (const month of months) {
    await knex.transaction(async (trx) => {
      await trx.raw(`SET LOCAL lock_timeout = '${PARTITION_LOCK_TIMEOUT}'`);
      // Rows written into DEFAULT meanwhile would make the ATTACH fail: hold writes to it while they move.
      if (waiting.has(month)) await trx.raw('LOCK TABLE tessera.audit_log_default IN SHARE ROW EXCLUSIVE MODE');
      await trx.raw(`SELECT tessera.audit_log_partition(?::timestamptz)`, [monthStart(month).toISOString()]);
    });
  }
  return (await auditPartitions(knex)).filter((m) => !before.has(m));
}

export interface ArchivedMonth {
  readonly month: AuditMonth;
  readonly table: string;
  readonly rows: number;
  readonly detachedAt: string;
  readonly exportedTo: string | null;
  readonly droppedAt: string | null;
}

/**
 * Detaches the monthly partitions older than the `retentionMonths` whole months before the current
 * one into tessera_archive (same name), keeping them append-only there. Returns the months moved.
 */
export async function archiveAuditMonths(knex: Knex, retentionMonths: number, now: Date = new Date()): Promise<AuditMonth[]> {
  const cutoff = monthOf(monthStart(monthOf(now), -retentionMonths));
  const due = (await auditPartitions(knex)).filter((m) => m < cutoff);
  const moved: AuditMonth[] = [];
  for (const month of due) {
    const table = tableOf(month);
    // Counted before the lock: a past month's rows do not change, and the lock is held as briefly as can be.
    const { rows } = (await knex.raw(`SELECT count(*)::bigint AS n FROM tessera.??`, [table])) as { rows: { n: string }[] };
    await knex.transaction(async (trx) => {
      await trx.raw(`SELECT pg_advisory_xact_lock(hashtext('tessera.audit_log partitions'))`);
      // Another process may have moved it meanwhile.
      if (!(await auditPartitions(trx)).includes(month)) return;
      await trx.raw(`SET LOCAL lock_timeout = '${PARTITION_LOCK_TIMEOUT}'`);
      await trx.raw(`ALTER TABLE tessera.audit_log DETACH PARTITION tessera.??`, [table]);
      await trx.raw(`ALTER TABLE tessera.?? SET SCHEMA tessera_archive`, [table]);
      // The row triggers were the parent's clones and went with the detach; the archive stays append-only.
      await trx.raw(`DROP TRIGGER IF EXISTS audit_log_no_change ON tessera_archive.??`, [table]);
      await trx.raw(
        `CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON tessera_archive.?? FOR EACH ROW EXECUTE FUNCTION tessera.audit_log_append_only()`,
        [table],
      );
      await trx('tessera.audit_archive').insert({ month: `${month}-01`, table_name: `tessera_archive.${table}`, rows: rows[0]!.n });
      moved.push(month);
    });
  }
  return moved;
}

/** Every month detached so far (exported and dropped ones included), oldest first. */
export async function archivedAuditMonths(knex: Knex): Promise<ArchivedMonth[]> {
  const rows = (await knex('tessera.audit_archive')
    .orderBy('month')
    .select(knex.raw(`to_char(month, 'YYYY-MM') AS month`), 'table_name', 'rows', 'detached_at', 'exported_to', 'dropped_at')) as {
    month: string;
    table_name: string;
    rows: string;
    detached_at: Date;
    exported_to: string | null;
    dropped_at: Date | null;
  }[];
  return rows.map((r) => ({
    month: r.month,
    table: r.table_name,
    rows: Number(r.rows),
    detachedAt: r.detached_at.toISOString(),
    exportedTo: r.exported_to,
    droppedAt: r.dropped_at?.toISOString() ?? null,
  }));
}

/** The trail in tessera.audit_log is complete from this instant on (null: nothing was ever archived). */
export async function auditArchivedBefore(knex: Knex): Promise<Date | null> {
  const { rows } = (await knex.raw(`SELECT to_char(max(month), 'YYYY-MM') AS month FROM tessera.audit_archive`)) as { rows: { month: string | null }[] };
  const month = rows[0]?.month;
  return month ? monthStart(month, 1) : null;
}

export type AuditExportError =
  | { readonly code: 'NOT_ARCHIVED'; readonly message: string }
  | { readonly code: 'ALREADY_DROPPED'; readonly message: string }
  | { readonly code: 'EXPORT_FAILED'; readonly message: string };

export type AuditExportResult = { readonly ok: true; readonly rows: number; readonly file: string } | { readonly ok: false; readonly error: AuditExportError };

const COLUMNS = ['id', 'at', 'actor', 'via', 'entity', 'record_id', 'action', 'changes', 'meta_version', 'instance_id', 'origin'] as const;
const PAGE = 5000;

/** A value as COPY … (FORMAT csv) writes it: NULL empty and unquoted, anything else quoted when needed. */
function csvField(value: string | null): string {
  if (value === null) return '';
  return value === '' || /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Writes an archived month to `file` (gzip'd CSV with a header, in COPY's csv format: loadable with
 * `COPY … FROM … (FORMAT csv, HEADER)`), checks the row count against the table, then drops the
 * table and records where it went. Nothing is dropped unless the whole file was written.
 */
export async function exportArchivedMonth(knex: Knex, month: AuditMonth, file: string): Promise<AuditExportResult> {
  const entry = (await archivedAuditMonths(knex)).find((m) => m.month === month);
  if (!entry)
    return { ok: false, error: { code: 'NOT_ARCHIVED', message: `audit month ${month} is not archived (only months detached by the retention are exported)` } };
  if (entry.droppedAt)
    return {
      ok: false,
      error: { code: 'ALREADY_DROPPED', message: `audit month ${month} was exported to ${entry.exportedTo ?? '?'} and dropped on ${entry.droppedAt}` },
    };
  const table = tableOf(month);
  let written = 0;
  async function* lines(): AsyncGenerator<string> {
    yield `${COLUMNS.join(',')}\n`;
    let after = '-9223372036854775808';
    for (;;) {
      const { rows } = (await knex.raw(
        `SELECT ${COLUMNS.map((c) => `${c}::text`).join(', ')} FROM tessera_archive.?? WHERE id > ?::bigint ORDER BY id LIMIT ${PAGE}`,
        [table, after],
      )) as { rows: Record<(typeof COLUMNS)[number], string | null>[] };
      if (rows.length === 0) return;
      yield rows.map((r) => `${COLUMNS.map((c) => csvField(r[c])).join(',')}\n`).join('');
      written += rows.length;
      after = rows[rows.length - 1]!.id!;
    }
  }
  try {
    // Personal data: readable by its owner only. On disk before the table goes (a power cut after the
    // DROP must not find the file empty): the file and its directory entry are synced.
    await pipeline(Readable.from(lines()), createGzip(), createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    for (const path of [file, dirname(resolve(file))]) {
      const handle = await open(path, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  } catch (error) {
    // A file that was there before is not ours to remove; a half-written one of ours is.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') await rm(file, { force: true }).catch(() => undefined);
    return {
      ok: false,
      error: {
        code: 'EXPORT_FAILED',
        message: `audit month ${month}: writing ${file} failed (${error instanceof Error ? error.message : String(error)}); nothing dropped`,
      },
    };
  }
  return knex.transaction(async (trx): Promise<AuditExportResult> => {
    const { rows } = (await trx.raw(`SELECT count(*)::bigint AS n FROM tessera_archive.??`, [table])) as { rows: { n: string }[] };
    if (Number(rows[0]!.n) !== written)
      return {
        ok: false,
        error: { code: 'EXPORT_FAILED', message: `audit month ${month}: ${written} row(s) written but the table holds ${rows[0]!.n}; nothing dropped` },
      };
    await trx.raw(`DROP TABLE tessera_archive.??`, [table]);
    await trx('tessera.audit_archive')
      .where({ month: `${month}-01` })
      .update({ exported_to: file, exported_rows: written, dropped_at: trx.fn.now() });
    return { ok: true, rows: written, file };
  });
}

export interface AuditPartitionSchedule {
  stop(): Promise<void>;
}

/**
 * Makes the partitions ahead and applies the retention now and every `intervalMs` (never two rounds
 * at once; stop() waits for a round in progress). `retentionMonths` null keeps everything.
 */
export function scheduleAuditPartitions(
  knex: Knex,
  options: { readonly intervalMs: number; readonly retentionMonths: number | null },
  log: (message: string) => void,
): AuditPartitionSchedule {
  let running: Promise<void> | null = null;
  const round = () => {
    if (running) return;
    running = (async () => {
      await ensureAuditPartitions(knex);
      if (options.retentionMonths !== null) {
        const moved = await archiveAuditMonths(knex, options.retentionMonths);
        if (moved.length)
          log(
            `audit months ${moved.join(', ')} detached into tessera_archive (retention ${options.retentionMonths} months); export them with \`tessera audit-archive export\``,
          );
      }
    })()
      .catch((error: unknown) => log(`audit partition maintenance failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        running = null;
      });
  };
  round();
  const timer = setInterval(round, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
