// First start: the default CRM configuration (seed/metadata) and its demo data, loaded through the
// same records service every client uses, so demo data obeys every rule real data does.
import { loadPackageDir, formatMetadataError, type PackageFiles } from '../metadata/index.ts';
import { demoRecords, SEED_METADATA_DIR, type DemoRecord } from '../seed/index.ts';
import { userIdByLogin } from './access/users.ts';
import type { Platform } from './platform.ts';
import type { RecordContext } from './records/index.ts';

export async function seedPackage(): Promise<PackageFiles> {
  const { package: files, errors } = await loadPackageDir(SEED_METADATA_DIR);
  if (errors.length) throw new Error(`seed metadata unreadable: ${errors.map(formatMetadataError).join('; ')}`);
  return files;
}

/** Resolves {"$ref": …} and {"$user": …} placeholders of demo records to ids. */
function resolve(value: unknown, refs: ReadonlyMap<string, string>, users: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, refs, users));
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (typeof obj.$ref === 'string') {
      const id = refs.get(obj.$ref);
      if (!id) throw new Error(`demo data: unknown $ref ${obj.$ref}`);
      const { $ref: _r, ...rest } = obj;
      return Object.keys(rest).length ? { id, ...rest } : id;
    }
    if (typeof obj.$user === 'string') {
      const id = users.get(obj.$user);
      if (!id) throw new Error(`demo data: unknown user ${obj.$user}`);
      return id;
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, resolve(v, refs, users)]));
  }
  return value;
}

export async function loadDemoData(platform: Platform, today: string, records: readonly DemoRecord[] = demoRecords(today)): Promise<number> {
  const adminId = await userIdByLogin(platform.knex, 'admin');
  const users = new Map<string, string>(adminId ? [['admin', adminId]] : []);
  const refs = new Map<string, string>();
  await platform.knex.transaction(async (trx) => {
    const ctx: RecordContext = { actor: { userId: adminId, via: 'system' }, trx };
    for (const demo of records) {
      const created = await platform.records.create(ctx, demo.entity, resolve(demo.values, refs, users), { allowReadOnly: true });
      refs.set(demo.ref, created.id as string);
    }
  });
  return records.length;
}

/** Applies the seed metadata and demo data when the database has none. */
export async function seedIfEmpty(platform: Platform, options: { demo: boolean; today?: string }): Promise<{ metadataVersion: number | null; demoRecords: number }> {
  let metadataVersion: number | null = null;
  if (!platform.runtime.loaded) {
    const result = await platform.applyMetadata(await seedPackage(), { source: 'seed' });
    metadataVersion = result.version;
  }
  let count = 0;
  if (options.demo) {
    const any = await platform.knex('tessera.audit_log').first('id');
    if (!any) count = await loadDemoData(platform, options.today ?? new Date().toISOString().slice(0, 10));
  }
  return { metadataVersion, demoRecords: count };
}
