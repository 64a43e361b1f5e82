// A test platform with the shipped CRM applied, for tests of the default CRM's metadata (rollups,
// computed fields, rules) through the records service; writes as the platform in system-writes.ts.
import { loadPackageDir } from '../../metadata/index.ts';
import { SEED_METADATA_DIR } from '../../seed/index.ts';
import { startTestPlatform, type TestPlatform } from './database.ts';

export { SYSTEM, updateStored } from './system-writes.ts';

export async function startSeedCrm(): Promise<TestPlatform> {
  const env = await startTestPlatform();
  await env.platform.applyMetadata((await loadPackageDir(SEED_METADATA_DIR)).package, { source: 'seed' });
  return env;
}
