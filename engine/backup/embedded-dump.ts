// The embedded database's backup: BASE_BACKUP on its socket (engine/db/base-backup.ts) gives PGlite's
// data directory as a gzipped tar, taken between two batches; a restore opens a new PGlite on an
// empty directory with that tar (loadDataDir), which writes it out as the directory's files.
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { archiveFromRows } from '../db/base-backup.ts';
import { BackupError } from './backup-error.ts';
import { metadataStamp, serverVersion } from './database-stamp.ts';
import { sameMetadata, type MetadataStamp } from './manifest.ts';

export interface EmbeddedDump {
  readonly archive: Buffer;
  readonly metadata: MetadataStamp;
  readonly serverVersion: string;
}

/** Takes the dump through a connection to the embedded database's socket (its URL carries the secret). */
export async function takeEmbeddedDump(url: string): Promise<EmbeddedDump> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const before = await metadataStamp(client);
    const { rows } = await client.query<{ chunk: string }>('BASE_BACKUP');
    // A metadata apply between the two reads would leave the manifest naming the wrong version.
    const after = await metadataStamp(client);
    if (!sameMetadata(before, after)) throw new BackupError('BACKUP_METADATA_CHANGED', 'the metadata was applied while the backup ran; run the backup again');
    return { archive: archiveFromRows(rows), metadata: after, serverVersion: await serverVersion(client) };
  } finally {
    await client.end();
  }
}

/** Writes the dump out as PGlite's directory `pgliteDir` (which must not hold a database) and returns what it holds. */
export async function restoreEmbeddedDump(archive: Buffer, pgliteDir: string): Promise<MetadataStamp> {
  const db = await PGlite.create({ dataDir: pgliteDir, loadDataDir: new Blob([new Uint8Array(archive)]), extensions: { pg_trgm, btree_gist } });
  try {
    return await metadataStamp(db);
  } finally {
    await db.close();
  }
}
