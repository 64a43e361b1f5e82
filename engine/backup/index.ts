// `tessera backup` / `tessera restore`: one archive format for both databases (manifest.ts). The
// embedded database is copied by the process that owns it (through its socket when a server runs),
// a server database by pg_dump/pg_restore. The secret key (connector passwords, secret fields) is
// left out unless asked for: whoever holds the file then holds the secrets.
import { access, mkdir, mkdtemp, readFile, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { hostname, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { SECRET_KEY_FILE } from '../connectors/platform-api.ts';
import { embeddedDatabaseExists, readLock, startEmbeddedPostgres } from '../db/embedded.ts';
import { extractArchive, fileDigest, writeArchive } from './archive.ts';
import { BackupError } from './backup-error.ts';
import { restoreEmbeddedDump, takeEmbeddedDump } from './embedded-dump.ts';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  checkFiles,
  EMBEDDED_DUMP_FILE,
  isManifestProblem,
  MANIFEST_FILE,
  parseManifest,
  sameMetadata,
  SECRET_KEY_ENTRY,
  SERVER_DUMP_FILE,
  type BackupManifest,
  type DatabaseKind,
  type MetadataStamp,
} from './manifest.ts';
import { dumpServer, restoreServer } from './server-dump.ts';

export { BackupError, type BackupErrorCode } from './backup-error.ts';
export type { BackupManifest } from './manifest.ts';

export interface BackupPlace {
  readonly dataDir: string;
  /** A PostgreSQL server; absent → the embedded database of dataDir. */
  readonly databaseUrl?: string;
}

export interface BackupResult {
  readonly manifest: BackupManifest;
  /** Why the secret key is not in the archive, when it is not. */
  readonly secretKeyLeftOut: string | null;
}

const exists = (path: string) => access(path).then(() => true, () => false);

async function tesseraVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The embedded database's dump: through the running server's socket, or by opening the directory ourselves. */
async function embeddedDump(dataDir: string) {
  const lock = await readLock(dataDir);
  if (lock?.url) return takeEmbeddedDump(lock.url);
  if (!(await embeddedDatabaseExists(dataDir))) throw new BackupError('BACKUP_NO_DATABASE', `the data directory ${dataDir} holds no database (set TESSERA_DATA_DIR, or DATABASE_URL for a server)`);
  const db = await startEmbeddedPostgres({ dataDir, maxConnections: 4 });
  try {
    return await takeEmbeddedDump(db.url);
  } finally {
    await db.stop();
  }
}

export async function createBackup(place: BackupPlace, file: string, options: { readonly includeSecretKey?: boolean } = {}): Promise<BackupResult> {
  if (await exists(file)) throw new BackupError('BACKUP_EXISTS', `${file} exists already: choose a new file name (a backup never overwrites one)`);
  const staging = await mkdtemp(join(tmpdir(), 'tessera-backup-'));
  try {
    let kind: DatabaseKind;
    let dump: { metadata: MetadataStamp; serverVersion: string; dumpTool?: string };
    if (place.databaseUrl) {
      kind = 'postgresql';
      dump = await dumpServer(place.databaseUrl, join(staging, SERVER_DUMP_FILE));
    } else {
      kind = 'embedded';
      const embedded = await embeddedDump(place.dataDir);
      await writeFile(join(staging, EMBEDDED_DUMP_FILE), embedded.archive);
      dump = embedded;
    }
    const names = [kind === 'embedded' ? EMBEDDED_DUMP_FILE : SERVER_DUMP_FILE];
    let secretKeyLeftOut: string | null = null;
    const keyFile = join(place.dataDir, SECRET_KEY_FILE);
    if (!options.includeSecretKey) secretKeyLeftOut = `the secret key is not in the backup: keep ${process.env.TESSERA_SECRET_KEY ? 'TESSERA_SECRET_KEY' : keyFile} safe apart from it (without it stored connector passwords and secret fields cannot be read), or back up with --include-secret-key`;
    else if (await exists(keyFile)) {
      await writeFile(join(staging, SECRET_KEY_ENTRY), await readFile(keyFile), { mode: 0o600 });
      names.push(SECRET_KEY_ENTRY);
    } else secretKeyLeftOut = `there is no ${keyFile} to include${process.env.TESSERA_SECRET_KEY ? ' (the key comes from TESSERA_SECRET_KEY: keep it safe apart from the backup)' : ''}`;
    const files = await Promise.all(names.map(async (name) => ({ name, ...(await fileDigest(join(staging, name))) })));
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      tesseraVersion: await tesseraVersion(),
      createdAt: new Date().toISOString(),
      createdBy: `${userInfo().username}@${hostname()}`,
      database: { kind, serverVersion: dump.serverVersion, ...(dump.dumpTool ? { dumpTool: dump.dumpTool } : {}) },
      metadata: dump.metadata,
      files,
    };
    await writeFile(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    await writeArchive(file, staging, [MANIFEST_FILE, ...names]);
    return { manifest, secretKeyLeftOut };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The archive's manifest after every listed file was checked against it. */
async function openArchive(file: string, into: string): Promise<BackupManifest> {
  await extractArchive(file, into);
  const manifestPath = join(into, MANIFEST_FILE);
  if (!(await exists(manifestPath))) throw new BackupError('BACKUP_UNREADABLE', `${file} is not a Tessera backup: it holds no ${MANIFEST_FILE}`);
  const manifest = parseManifest(await readFile(manifestPath, 'utf8'));
  if (isManifestProblem(manifest)) throw new BackupError(manifest.code, manifest.detail);
  const found = new Map<string, { size: number; sha256: string }>();
  for (const name of await readdir(into)) if (name !== MANIFEST_FILE) found.set(name, await fileDigest(join(into, name)));
  const [problem] = checkFiles(manifest, found);
  if (problem) throw new BackupError(problem.code, problem.detail);
  return manifest;
}

/** An empty or missing directory is a place to restore into; anything in it is someone's data. */
async function ensureEmptyDir(dir: string): Promise<void> {
  if (await readLock(dir)) throw new BackupError('RESTORE_TARGET_IN_USE', `a Tessera server is running on ${dir}: stop it, and restore into a new, empty directory`);
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  if (entries.length > 0) throw new BackupError('RESTORE_TARGET_NOT_EMPTY', `the data directory ${dir} is not empty: restore into a new, empty directory (set TESSERA_DATA_DIR)`);
}

function checkRestored(manifest: BackupManifest, restored: MetadataStamp): void {
  if (!sameMetadata(manifest.metadata, restored))
    throw new BackupError('BACKUP_METADATA_MISMATCH', `the restored database holds metadata version ${restored.version}, the manifest says ${manifest.metadata.version}: the backup is not consistent`);
}

export async function restoreBackup(place: BackupPlace, file: string): Promise<BackupManifest> {
  const unpacked = await mkdtemp(join(tmpdir(), 'tessera-restore-'));
  try {
    const manifest = await openArchive(file, unpacked);
    const hasKey = manifest.files.some((f) => f.name === SECRET_KEY_ENTRY);
    if (manifest.database.kind === 'postgresql') {
      if (!place.databaseUrl) throw new BackupError('BACKUP_WRONG_DATABASE_KIND', 'this is a backup of a PostgreSQL server database: set DATABASE_URL to a new, empty database to restore it');
      if (hasKey) await ensureNoKey(place.dataDir);
      checkRestored(manifest, await restoreServer(place.databaseUrl, join(unpacked, SERVER_DUMP_FILE), manifest.database.dumpTool));
      if (hasKey) await placeKey(join(unpacked, SECRET_KEY_ENTRY), place.dataDir);
      return manifest;
    }
    if (place.databaseUrl) throw new BackupError('BACKUP_WRONG_DATABASE_KIND', 'this is a backup of the embedded database: unset DATABASE_URL and set TESSERA_DATA_DIR to a new, empty directory to restore it');
    await ensureEmptyDir(place.dataDir);
    // Restored beside the target and moved in whole: a failed restore leaves the target as it was.
    const staging = `${place.dataDir.replace(/\/+$/, '')}.restoring-${process.pid}`;
    await mkdir(staging, { recursive: true, mode: 0o700 });
    try {
      checkRestored(manifest, await restoreEmbeddedDump(await readFile(join(unpacked, EMBEDDED_DUMP_FILE)), join(staging, 'pglite')));
      if (hasKey) await placeKey(join(unpacked, SECRET_KEY_ENTRY), staging);
      await mkdir(dirname(place.dataDir), { recursive: true });
      await rmdir(place.dataDir).catch(() => undefined);
      await rename(staging, place.dataDir);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
    return manifest;
  } finally {
    await rm(unpacked, { recursive: true, force: true });
  }
}

async function ensureNoKey(dataDir: string): Promise<void> {
  if (await exists(join(dataDir, SECRET_KEY_FILE))) throw new BackupError('RESTORE_TARGET_NOT_EMPTY', `${join(dataDir, SECRET_KEY_FILE)} exists: the backup's secret key would replace it (move it away first)`);
}

async function placeKey(from: string, dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(join(dataDir, SECRET_KEY_FILE), await readFile(from), { mode: 0o600, flag: 'wx' });
}
