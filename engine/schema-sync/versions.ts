// The history of applied metadata versions (tessera.meta_versions): who applied each, when, from
// where, what it changed against the version before it (metadata/version-diff.ts) and the plan it
// ran. Reverting to a version is no second way to change metadata: its package goes through the same
// plan → apply as any other (apply.ts), as a new version.
import type { Knex } from 'knex';
import { diffPackages, type PackageDiff, type PackageFiles } from '../../metadata/index.ts';
import { TesseraError } from '../errors.ts';

export interface VersionEntry {
  readonly version: number;
  readonly appliedAt: string;
  readonly source: string;
  readonly appliedBy: { readonly id: string; readonly name: string } | null;
  /** How many changes the diff against the version before it has. */
  readonly changes: number;
}

export interface VersionDetail extends VersionEntry {
  readonly diff: PackageDiff;
  /** The plan it ran, as stored: each step's op, description and whether it was destructive. */
  readonly plan: readonly { op: string; description: string; destructive: boolean }[];
}

/** The newest versions the list shows at once (each is diffed against the one before it). */
export const VERSION_LIST_LIMIT = 50;

interface Row {
  version: number;
  package: PackageFiles;
  plan: VersionDetail['plan'];
  source: string;
  applied_at: Date | string;
  applied_by: string | null;
  display_name: string | null;
}

const rows = (knex: Knex) =>
  knex('tessera.meta_versions as v')
    .leftJoin('tessera.users as u', 'u.id', 'v.applied_by')
    .select<Row[]>('v.version', 'v.package', 'v.plan', 'v.source', 'v.applied_at', 'v.applied_by', 'u.display_name');

function entry(row: Row, diff: PackageDiff): VersionEntry {
  return {
    version: row.version,
    appliedAt: new Date(row.applied_at).toISOString(),
    source: row.source,
    appliedBy: row.applied_by ? { id: row.applied_by, name: row.display_name ?? '' } : null,
    changes: diff.count,
  };
}

const diffOf = (previous: Row | undefined, row: Row) => diffPackages(previous?.package.files ?? {}, row.package.files);

/** The newest versions first (older than `before`, when given), at most `limit`, each with the count of its changes. */
export async function listVersions(knex: Knex, options: { before?: number; limit?: number } = {}): Promise<VersionEntry[]> {
  const limit = options.limit ?? VERSION_LIST_LIMIT;
  const query = rows(knex).orderBy('v.version', 'desc').limit(limit + 1);
  if (options.before !== undefined) void query.where('v.version', '<', options.before);
  const found = await query;
  return found.slice(0, limit).map((row, i) => entry(row, diffOf(found[i + 1], row)));
}

/** One version: its diff against the version before it and the plan it ran. */
export async function versionDetail(knex: Knex, version: number): Promise<VersionDetail> {
  const found = await rows(knex).whereIn('v.version', [version - 1, version]).orderBy('v.version');
  const row = found.find((r) => r.version === version);
  if (!row) throw new TesseraError('NOT_FOUND', `there is no metadata version ${version}`);
  const diff = diffOf(found.find((r) => r.version === version - 1), row);
  return { ...entry(row, diff), diff, plan: row.plan };
}

/** A stored version's package. */
export async function versionPackage(knex: Knex, version: number): Promise<PackageFiles> {
  const row = await knex('tessera.meta_versions').where({ version }).first('package');
  if (!row) throw new TesseraError('NOT_FOUND', `there is no metadata version ${version}`);
  return row.package as PackageFiles;
}
