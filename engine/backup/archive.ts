// The backup file: a plain tar of manifest.json, the database dump and (when asked for) secret.key.
// The dumps are compressed already (PGlite's gzip, pg_dump's custom format), so the tar is not.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { create, extract } from 'tar';
import { BackupError } from './backup-error.ts';
import { ARCHIVE_FILES } from './manifest.ts';

/** Size and SHA-256 of a file, read as a stream (dumps can be large). */
export async function fileDigest(path: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, sha256: hash.digest('hex') };
}

/** Writes the files of `dir` named `names` into `file`, under a temporary name first: a failed write leaves nothing. */
export async function writeArchive(file: string, dir: string, names: readonly string[]): Promise<void> {
  const partial = `${file}.partial-${process.pid}`;
  try {
    await create({ file: partial, cwd: dir, portable: true }, [...names]);
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Extracts an archive's known files into `into`; anything else in it (paths, links) is ignored. */
export async function extractArchive(file: string, into: string): Promise<void> {
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
  } catch {
    throw new BackupError('BACKUP_UNREADABLE', `the backup file ${file} does not exist or is not a file`);
  }
  try {
    await extract({ file, cwd: into, strict: true, filter: (path, entry) => ARCHIVE_FILES.includes(path) && 'type' in entry && entry.type === 'File' });
  } catch (error) {
    throw new BackupError('BACKUP_UNREADABLE', `${file} is not a readable Tessera backup: ${error instanceof Error ? error.message : String(error)}`);
  }
}
