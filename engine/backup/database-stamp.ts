// The metadata version a database holds and its server version: what the manifest records and the
// restore checks. Any client with `query(sql)` (pg, PGlite) answers it.
import type { MetadataStamp } from './manifest.ts';

export interface Queryable {
  query(sql: string): Promise<{ rows: unknown[] }>;
}

export async function metadataStamp(db: Queryable): Promise<MetadataStamp> {
  const { rows } = await db.query(`SELECT to_regclass('tessera.meta_versions') IS NOT NULL AS present`);
  if (!(rows[0] as { present: boolean }).present) return { version: 0, checksum: null };
  const latest = (await db.query('SELECT version, checksum FROM tessera.meta_versions ORDER BY version DESC LIMIT 1')).rows[0] as { version: number; checksum: string } | undefined;
  return latest ? { version: latest.version, checksum: latest.checksum.trim() } : { version: 0, checksum: null };
}

export async function serverVersion(db: Queryable): Promise<string> {
  return ((await db.query('SHOW server_version')).rows[0] as { server_version: string }).server_version;
}
