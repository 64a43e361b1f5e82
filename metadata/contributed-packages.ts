// Metadata contributed by connectors: the entity types (and any other items) a connector needs, e.g.
// the e-mail connector's mail accounts, merged into the installation's package under
// `connectors/<connector id>/…`. The connector owns those files: it declares them in code, the platform
// applies them as a metadata version of their own when they change, and an analyst's package cannot
// alter them. A connector that is no longer installed leaves its files (and so its tables and their
// data) in place: nothing is dropped because a module went missing.
import { canonicalJson } from './canonical-json.ts';
import type { MetadataError } from './errors.ts';
import type { PackageFiles } from './package.ts';

/** The files one connector contributes, paths relative to its own folder (`entities/mail_account.json`). */
export interface ContributedPackage {
  readonly owner: string;
  readonly files: Readonly<Record<string, unknown>>;
}

const ROOT = 'connectors/';

/** Where a contributed file lives in the merged package. */
export function contributedPath(owner: string, file: string): string {
  return `${ROOT}${owner}/${file}`;
}

/** The connector that owns a file of the merged package, or null for the installation's own files. */
export function ownerOfFile(path: string): string | null {
  if (!path.startsWith(ROOT)) return null;
  const owner = path.slice(ROOT.length).split('/')[0];
  return owner ? owner : null;
}

/**
 * The package with every contributor's files as it declares them now. Files under a present
 * contributor's folder are replaced by its declaration; files of contributors not present are kept.
 */
export function withContributions(files: PackageFiles, contributions: readonly ContributedPackage[]): PackageFiles {
  const present = new Set(contributions.map((c) => c.owner));
  const merged: Record<string, unknown> = {};
  for (const [path, content] of Object.entries(files.files)) {
    const owner = ownerOfFile(path);
    if (owner === null || !present.has(owner)) merged[path] = content;
  }
  for (const contribution of contributions) {
    for (const [file, content] of Object.entries(contribution.files)) merged[contributedPath(contribution.owner, file)] = content;
  }
  return { files: merged };
}

/**
 * The files under a connector's folder that a submitted package changes: neither as the applied
 * version has them nor as the connector declares them now (a package read back from the API and sent
 * again is fine either way). Leaving a contributed file out is not a change: the merge puts it back.
 */
export function contributedFileChanges(submitted: PackageFiles, applied: PackageFiles | null, contributions: readonly ContributedPackage[]): MetadataError[] {
  const declared = withContributions({ files: {} }, contributions).files;
  const changes: MetadataError[] = [];
  for (const [path, content] of Object.entries(submitted.files)) {
    const owner = ownerOfFile(path);
    if (owner === null) continue;
    const same = (other: unknown) => other !== undefined && canonicalJson(other) === canonicalJson(content);
    if (same(declared[path]) || same(applied?.files[path])) continue;
    changes.push({ code: 'META_CONTRIBUTED_FILE', file: path, pointer: '', message: `this file belongs to the connector "${owner}", which declares it; it cannot be changed in a package (leave it out or send it unchanged)` });
  }
  return changes;
}

/**
 * The package that reverts to an earlier version (`target`): its own files, with the connectors'
 * files as the applied version has them (they belong to the connectors, which declare them as they
 * are now, not to the version).
 */
export function revertedPackage(target: PackageFiles, applied: PackageFiles): PackageFiles {
  const own = Object.entries(target.files).filter(([path]) => ownerOfFile(path) === null);
  const connectors = Object.entries(applied.files).filter(([path]) => ownerOfFile(path) !== null);
  return { files: Object.fromEntries([...own, ...connectors]) };
}

