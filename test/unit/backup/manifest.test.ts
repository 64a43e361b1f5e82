// The backup manifest: what a restore accepts before it writes anything.
import { checkFiles, isManifestProblem, parseManifest, type BackupManifest } from '../../../engine/backup/manifest.ts';
import { toolMajor } from '../../../engine/backup/server-dump.ts';

const manifest: BackupManifest = {
  format: 'tessera-backup',
  formatVersion: 1,
  tesseraVersion: '0.1.0',
  createdAt: '2026-12-04T23:50:00.000Z',
  createdBy: 'tessera@host',
  database: { kind: 'embedded', serverVersion: '17.5' },
  metadata: { version: 3, checksum: 'a'.repeat(64) },
  files: [{ name: 'pglite.tar.gz', size: 10, sha256: 'b'.repeat(64) }],
};

test('a manifest written by a backup reads back; other JSON is refused with the reason', () => {
  expect(parseManifest(JSON.stringify(manifest))).toEqual(manifest);
  const problem = (value: unknown) => {
    const parsed = parseManifest(typeof value === 'string' ? value : JSON.stringify(value));
    return isManifestProblem(parsed) ? parsed.detail : 'accepted';
  };
  expect(problem('{ nope')).toBe('manifest.json is not JSON');
  expect(problem({ ...manifest, format: 'zip' })).toContain('not a Tessera backup');
  expect(problem({ ...manifest, formatVersion: 2 })).toContain('format version 2 is not supported');
  expect(problem({ ...manifest, database: { kind: 'mysql', serverVersion: '8' } })).toContain('database: kind');
  expect(problem({ ...manifest, files: [{ name: '../etc/passwd', size: 1, sha256: 'c' }] })).toContain('files:');
  // The dump of the database's kind must be there.
  expect(problem({ ...manifest, files: [{ name: 'database.pgdump', size: 1, sha256: 'c' }] })).toContain('pglite.tar.gz is not listed');
});

test('every listed file must be in the archive with its size and checksum', () => {
  const ok = new Map([['pglite.tar.gz', { size: 10, sha256: 'b'.repeat(64) }]]);
  expect(checkFiles(manifest, ok)).toEqual([]);
  expect(checkFiles(manifest, new Map()).map((p) => p.code)).toEqual(['BACKUP_FILE_MISSING']);
  expect(checkFiles(manifest, new Map([['pglite.tar.gz', { size: 10, sha256: 'c'.repeat(64) }]])).map((p) => p.code)).toEqual(['BACKUP_CHECKSUM_MISMATCH']);
  expect(checkFiles(manifest, new Map([['pglite.tar.gz', { size: 9, sha256: 'b'.repeat(64) }]])).map((p) => p.code)).toEqual(['BACKUP_CHECKSUM_MISMATCH']);
});

test('the major version of pg_dump and pg_restore from their --version line', () => {
  expect(toolMajor('pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)')).toBe(15);
  expect(toolMajor('pg_restore (PostgreSQL) 17.2')).toBe(17);
  expect(toolMajor('pg_dump (PostgreSQL) 18devel')).toBe(18);
  expect(toolMajor('something else')).toBeNull();
});
