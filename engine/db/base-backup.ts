// BASE_BACKUP on the embedded database's socket: a consistent copy of PGlite's data directory,
// taken by the database thread between two batches (no transaction of any connection is open),
// answered as rows of base64 text so any PostgreSQL client reads it. PostgreSQL itself knows the
// command only on replication connections, so it names nothing a real query could mean. The socket
// takes only connections that proved the per-start secret: whoever may run SQL may take a backup.
import { message } from './wire-messages.ts';

/** The query text that asks for a base backup (one simple Query message). */
export const BASE_BACKUP_QUERY = /^\s*BASE_BACKUP\s*;?\s*$/i;
/** Bytes of the archive per row (base64 makes each row a third longer). */
const CHUNK = 1 << 20;
const TEXT_OID = 25;

function rowDescription(column: string): Buffer {
  const name = Buffer.from(`${column}\0`);
  const body = Buffer.alloc(2 + name.length + 18);
  body.writeInt16BE(1, 0);
  name.copy(body, 2);
  const at = 2 + name.length;
  body.writeInt32BE(0, at); // table oid
  body.writeInt16BE(0, at + 4); // column number
  body.writeInt32BE(TEXT_OID, at + 6);
  body.writeInt16BE(-1, at + 10); // variable size
  body.writeInt32BE(-1, at + 12); // no type modifier
  body.writeInt16BE(0, at + 16); // text format
  return message('T', body);
}

function dataRow(text: string): Buffer {
  const value = Buffer.from(text, 'latin1');
  const body = Buffer.alloc(6 + value.length);
  body.writeInt16BE(1, 0);
  body.writeInt32BE(value.length, 2);
  value.copy(body, 6);
  return message('D', body);
}

/** The reply to BASE_BACKUP: the archive (PGlite's gzipped tar of its data directory) in base64 rows. */
export function baseBackupReply(archive: Uint8Array): Buffer {
  const bytes = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  const parts: Buffer[] = [rowDescription('chunk')];
  let rows = 0;
  for (let at = 0; at < bytes.length; at += CHUNK, rows++) parts.push(dataRow(bytes.subarray(at, at + CHUNK).toString('base64')));
  parts.push(message('C', Buffer.from(`SELECT ${rows}\0`)), message('Z', Buffer.from('I')));
  return Buffer.concat(parts);
}

/** The reply when a backup cannot be taken now (ReadyForQuery keeps the connection's transaction state). */
export function baseBackupRefusal(sqlState: string, text: string, transactionStatus: 'I' | 'T' | 'E'): Buffer {
  return Buffer.concat([message('E', Buffer.from(`SERROR\0VERROR\0C${sqlState}\0M${text}\0\0`)), message('Z', Buffer.from(transactionStatus))]);
}

/** Reads a BASE_BACKUP answer back into the archive's bytes (the client side). */
export function archiveFromRows(rows: readonly { readonly chunk: string }[]): Buffer {
  return Buffer.concat(rows.map((row) => Buffer.from(row.chunk, 'base64')));
}
