// A test platform with the shipped CRM applied, and writes as the platform itself (no user): for
// tests of the default CRM's metadata (rollups, computed fields, rules) through the records service.
import type { ApiRecord, RecordContext, RecordService } from '../../engine/records/index.ts';
import { loadPackageDir } from '../../metadata/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { startTestPlatform, type TestPlatform } from './database.ts';

export const SYSTEM: RecordContext = { actor: { userId: null, via: 'system' } };

export async function startSeedCrm(): Promise<TestPlatform> {
  const env = await startTestPlatform();
  await env.platform.applyMetadata((await loadPackageDir(SEED_METADATA_DIR)).package, { source: 'seed' });
  return env;
}

/** Updates a record at its stored version, as the platform. */
export async function updateStored(records: RecordService, entity: string, id: string, values: Record<string, unknown>): Promise<ApiRecord> {
  const current = await records.get(SYSTEM, entity, id);
  return records.update(SYSTEM, entity, id, values, { expectedVersion: current.version as number });
}
