// The default CRM configuration that ships with Tessera: the metadata package and its demo data.
import { fileURLToPath } from 'node:url';

/** Absolute path of the default metadata package (a folder for `loadPackageDir`). */
export const SEED_METADATA_DIR: string = fileURLToPath(new URL('./metadata/', import.meta.url));

/** Example Node-RED flows (disabled) stored on the first start with automation (docs/automation.md). */
export const SEED_AUTOMATION_FLOWS: string = fileURLToPath(new URL('./automation/example-flows.json', import.meta.url));

export { demoRecords, type DemoRecord } from './demo/index.ts';
