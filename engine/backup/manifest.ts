// What a backup archive says about itself (manifest.json): which Tessera and database made it, the
// metadata version it holds, and each file's size and SHA-256, checked before anything is restored.
// Pure: building, parsing and checking; the archive's I/O is in archive.ts.

export const BACKUP_FORMAT = 'tessera-backup';
export const BACKUP_FORMAT_VERSION = 1;
/** The files an archive may hold, by role. */
export const MANIFEST_FILE = 'manifest.json';
export const EMBEDDED_DUMP_FILE = 'pglite.tar.gz';
export const SERVER_DUMP_FILE = 'database.pgdump';
export const SECRET_KEY_ENTRY = 'secret.key';
export const ARCHIVE_FILES: readonly string[] = [MANIFEST_FILE, EMBEDDED_DUMP_FILE, SERVER_DUMP_FILE, SECRET_KEY_ENTRY];

export type DatabaseKind = 'embedded' | 'postgresql';

export interface MetadataStamp {
  /** The applied metadata version (tessera.meta_versions), 0 for a database without metadata. */
  readonly version: number;
  readonly checksum: string | null;
}

export interface ArchivedFile {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

export interface BackupManifest {
  readonly format: typeof BACKUP_FORMAT;
  readonly formatVersion: number;
  readonly tesseraVersion: string;
  readonly createdAt: string;
  /** OS user and host that took it (the CLI has no Tessera user). */
  readonly createdBy: string;
  readonly database: { readonly kind: DatabaseKind; readonly serverVersion: string; readonly dumpTool?: string };
  readonly metadata: MetadataStamp;
  readonly files: readonly ArchivedFile[];
}

export type ManifestProblem = { readonly code: 'BACKUP_MANIFEST_INVALID'; readonly detail: string } | { readonly code: 'BACKUP_FILE_MISSING' | 'BACKUP_CHECKSUM_MISMATCH'; readonly file: string; readonly detail: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The manifest in an archive, or what is wrong with it. */
export function parseManifest(text: string): BackupManifest | ManifestProblem {
  const invalid = (detail: string): ManifestProblem => ({ code: 'BACKUP_MANIFEST_INVALID', detail });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid('manifest.json is not JSON');
  }
  if (!isRecord(value) || value.format !== BACKUP_FORMAT) return invalid(`not a Tessera backup (format is not "${BACKUP_FORMAT}")`);
  if (value.formatVersion !== BACKUP_FORMAT_VERSION) return invalid(`backup format version ${String(value.formatVersion)} is not supported by this Tessera (it reads version ${BACKUP_FORMAT_VERSION})`);
  const { database, metadata, files } = value;
  if (!isRecord(database) || (database.kind !== 'embedded' && database.kind !== 'postgresql') || typeof database.serverVersion !== 'string') return invalid('database: kind "embedded" or "postgresql" and serverVersion expected');
  if (!isRecord(metadata) || !Number.isInteger(metadata.version) || !(metadata.checksum === null || typeof metadata.checksum === 'string')) return invalid('metadata: version and checksum expected');
  if (!Array.isArray(files) || !files.every((f) => isRecord(f) && typeof f.name === 'string' && ARCHIVE_FILES.includes(f.name) && f.name !== MANIFEST_FILE && Number.isInteger(f.size) && typeof f.sha256 === 'string')) return invalid('files: name, size and sha256 of each archived file expected');
  const dump = database.kind === 'embedded' ? EMBEDDED_DUMP_FILE : SERVER_DUMP_FILE;
  if (!files.some((f) => (f as ArchivedFile).name === dump)) return invalid(`files: the database dump ${dump} is not listed`);
  return value as unknown as BackupManifest;
}

/** Each listed file must be there with its size and checksum; `found` maps names to what the archive holds. */
export function checkFiles(manifest: BackupManifest, found: ReadonlyMap<string, { readonly size: number; readonly sha256: string }>): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  for (const file of manifest.files) {
    const actual = found.get(file.name);
    if (!actual) problems.push({ code: 'BACKUP_FILE_MISSING', file: file.name, detail: `${file.name} is listed in the manifest but not in the archive` });
    else if (actual.size !== file.size || actual.sha256 !== file.sha256) problems.push({ code: 'BACKUP_CHECKSUM_MISMATCH', file: file.name, detail: `${file.name} does not match its checksum: the archive is damaged or was changed` });
  }
  return problems;
}

export function isManifestProblem(value: BackupManifest | ManifestProblem): value is ManifestProblem {
  return 'code' in value;
}

/** Whether the database restored holds the metadata the manifest promised. */
export function sameMetadata(a: MetadataStamp, b: MetadataStamp): boolean {
  return a.version === b.version && a.checksum === b.checksum;
}
