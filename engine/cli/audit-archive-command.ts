// `tessera audit-archive list|detach|export`: the months of the audit trail the retention moved
// into tessera_archive (engine/db/audit-partitions.ts), applying it now, and writing one month to a
// gzip'd CSV file before its table is dropped. A failure prints why and exits non-zero; nothing is
// dropped that was not written.
import type { Platform } from '../platform.ts';
import { archiveAuditMonths, archivedAuditMonths, exportArchivedMonth, isAuditMonth } from '../db/audit-partitions.ts';

export class AuditArchiveUsageError extends Error {}

export async function auditArchiveCommand(platform: Platform, args: { readonly sub: string | undefined; readonly month: string | undefined; readonly file: string | undefined; readonly retentionMonths: number | null }): Promise<number> {
  const { knex } = platform;
  if (args.sub === 'list') {
    const months = await archivedAuditMonths(knex);
    if (months.length === 0) console.log('no audit month is archived');
    for (const m of months) console.log(`${m.month}  ${m.rows} row(s)  detached ${m.detachedAt}  ${m.droppedAt ? `exported to ${m.exportedTo ?? '?'} and dropped ${m.droppedAt}` : `in ${m.table}`}`);
    return 0;
  }
  if (args.sub === 'detach') {
    if (args.retentionMonths === null) throw new AuditArchiveUsageError('TESSERA_AUDIT_RETENTION_MONTHS is not set: the whole audit trail is kept, nothing to detach');
    const moved = await archiveAuditMonths(knex, args.retentionMonths);
    console.log(moved.length ? `detached into tessera_archive: ${moved.join(', ')}` : `nothing to detach (every month older than the ${args.retentionMonths} kept is archived already)`);
    return 0;
  }
  if (args.sub === 'export') {
    if (!args.month || !isAuditMonth(args.month) || !args.file) throw new AuditArchiveUsageError('usage: tessera audit-archive export <YYYY-MM> <file.csv.gz>');
    const result = await exportArchivedMonth(knex, args.month, args.file);
    if (!result.ok) {
      console.error(`tessera: ${result.error.message} [${result.error.code}]`);
      return 1;
    }
    console.log(`audit month ${args.month}: ${result.rows} row(s) written to ${result.file} (gzip'd CSV with a header); its table was dropped`);
    return 0;
  }
  throw new AuditArchiveUsageError(`unknown audit-archive command "${args.sub ?? ''}" (list, detach, export)`);
}
