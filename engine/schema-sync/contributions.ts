// Connector metadata in the applied package: on start, and with every package an analyst applies,
// the connectors' own files (metadata/contributed-packages.ts) are merged in, so a connector's entity
// types exist wherever it runs and an analyst's package neither loses nor alters them.
import type { Knex } from 'knex';
import { contributedFileChanges, withContributions, type ContributedPackage, type PackageFiles } from '../../metadata/index.ts';
import { TesseraError } from '../errors.ts';
import { applyPackage, currentMetadata, metadataProblems, packageChecksum, type ApplyOptions, type ApplyResult } from './apply.ts';

/** An analyst's package with the connectors' files merged in; refuses changes to those files. */
export async function packageWithContributions(knex: Knex, files: PackageFiles, contributions: readonly ContributedPackage[]): Promise<PackageFiles> {
  if (typeof files?.files !== 'object' || files.files === null) return files;
  const applied = contributions.length > 0 || Object.keys(files.files).some((f) => f.startsWith('connectors/')) ? await currentMetadata(knex) : null;
  const changes = contributedFileChanges(files, applied?.files ?? null, contributions);
  if (changes.length > 0) {
    throw new TesseraError('METADATA_INVALID', `the package changes ${changes.length} file(s) that belong to connectors: ${changes.map((c) => c.file).join(', ')}`, { problems: metadataProblems(changes) });
  }
  return withContributions(files, contributions);
}

/**
 * Applies the connectors' files when they differ from the applied version (a connector installed or
 * upgraded), as a version of its own (source `platform`). Nothing happens before the first package is
 * applied: seeding or the first apply merges them. A package that no longer validates, or a change
 * that would drop data, stops the start with the reason: the connector's code needs its tables.
 */
export async function applyContributions(knex: Knex, contributions: readonly ContributedPackage[], options: Pick<ApplyOptions, 'trigram' | 'buildIndexes'>): Promise<ApplyResult | null> {
  for (let attempt = 1; ; attempt++) {
    const current = await currentMetadata(knex);
    if (!current) return null;
    const merged = withContributions(current.files, contributions);
    if (packageChecksum(merged) === current.checksum) return null;
    try {
      return await applyPackage(knex, merged, { ...options, source: 'platform', expectedVersion: current.version });
    } catch (error) {
      // Another process applied meanwhile (two processes starting together): merge into its version.
      if (error instanceof TesseraError && error.code === 'METADATA_CONFLICT' && attempt < 3) continue;
      const owners = contributions.map((c) => c.owner).join(', ');
      const reason = error instanceof TesseraError ? [error.message, ...(error.problems ?? []).slice(0, 5).map((p) => `${p.pointer}: ${p.detail}`)].join('\n  ') : String(error);
      throw new Error(`the metadata of the connectors (${owners}) cannot be applied to the installation's package:\n  ${reason}`, { cause: error });
    }
  }
}
