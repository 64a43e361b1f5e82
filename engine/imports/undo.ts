// Undoing an import: the records it created (with the related records of its rows) are deleted and the ones it updated get back the values
// the audit trail recorded before its change — all in one transaction, through the records service
// as the undoing user, and only while nothing newer touched them (each record still has the version
// the import left). Otherwise nothing is undone and the records changed since are named.
import type { Knex } from 'knex';
import { TesseraError } from '../errors.ts';
import type { Actor, RecordService } from '../records/index.ts';
import { ownImport } from './report.ts';

interface UndoEntry {
  row_number: number;
  part: number;
  /** A related record's type (a contractor's person); null: the import's own. */
  entity: string | null;
  record_id: string;
  action: 'create' | 'update';
  version: number;
  audit_id: string | number | null;
}

export async function undoImport(knex: Knex, records: RecordService, actor: Actor, id: string): Promise<{ deleted: number; reverted: number }> {
  return knex.transaction(async (trx) => {
    const job = await ownImport(trx, actor, id, true);
    if (job.dry_run) throw new TesseraError('CONFLICT', 'a dry run changed nothing: there is nothing to undo');
    if (job.undone_at) throw new TesseraError('CONFLICT', 'the import has already been undone');
    if (['queued', 'running', 'cancelling'].includes(job.status)) throw new TesseraError('CONFLICT', 'the import is still running: cancel it first');
    const { entity } = records.runtime.entity(job.entity);
    const entries = (await trx('tessera.import_records').where({ import_id: id }).orderBy([{ column: 'row_number', order: 'desc' }, { column: 'part', order: 'desc' }]).select('row_number', 'part', 'entity', 'record_id', 'action', 'version', 'audit_id')) as UndoEntry[];
    // A record written twice by one import (a duplicate key in the file) is undone from its last write back.
    // Related records (a row's persons) come before their row's own in `entries`: deleted first.
    const typeOf = (e: UndoEntry) => e.entity ?? entity.name;
    const current = new Map<string, { version: number; deleted: boolean }>();
    for (const type of new Set(entries.map(typeOf))) {
      const table = records.runtime.entity(type).entity.table;
      const ids = [...new Set(entries.filter((e) => typeOf(e) === type).map((e) => e.record_id))];
      for (let i = 0; i < ids.length; i += 1000) {
        const rows = (await trx(table).whereIn('id', ids.slice(i, i + 1000)).forUpdate().select('id', 'version', 'deleted_at')) as { id: string; version: number; deleted_at: Date | null }[];
        for (const r of rows) current.set(r.id, { version: r.version, deleted: r.deleted_at !== null });
      }
    }
    const last = new Map<string, UndoEntry>();
    for (const e of entries) if (!last.has(e.record_id)) last.set(e.record_id, e);
    const touched = [...last.values()].filter((e) => {
      const now = current.get(e.record_id);
      return !now || now.deleted || now.version !== e.version;
    });
    if (touched.length) {
      throw new TesseraError('CONFLICT', `${touched.length} record(s) of this import were changed since (first at row ${touched[touched.length - 1]!.row_number}); nothing was undone`, {
        extensions: { changedSince: touched.slice(-100).reverse().map((e) => ({ row: e.row_number, id: e.record_id })), params: { count: touched.length } },
      });
    }
    const ctx = { actor, trx };
    let deleted = 0;
    let reverted = 0;
    let version = new Map([...last].map(([rid, e]) => [rid, e.version]));
    for (const e of entries) {
      if (e.action === 'create') {
        await records.remove(ctx, typeOf(e), e.record_id, { expectedVersion: version.get(e.record_id)! });
        deleted += 1;
        continue;
      }
      const audit = (await trx('tessera.audit_log').where({ id: e.audit_id }).first('changes')) as { changes: Record<string, [unknown, unknown]> } | undefined;
      // The audit retention archived the month of the import's changes: the values before it are no
      // longer at hand, and an undo that reverted nothing must not say it did.
      if (!audit) throw new TesseraError('CONFLICT', 'the values before the import were archived by the audit retention (TESSERA_AUDIT_RETENTION_MONTHS): the import can no longer be undone');
      const before = Object.fromEntries(Object.entries(audit?.changes ?? {}).filter(([name]) => entity.fieldsByName.has(name)).map(([name, [old]]) => [name, old ?? null]));
      if (Object.keys(before).length) {
        const record = await records.update(ctx, entity.name, e.record_id, before, { expectedVersion: version.get(e.record_id)! });
        version = new Map(version).set(e.record_id, Number(record.version));
      }
      reverted += 1;
    }
    await trx('tessera.imports').where({ id }).update({ status: 'undone', undone_at: trx.fn.now() });
    return { deleted, reverted };
  });
}
