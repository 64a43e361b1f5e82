// Regenerates metadata/schema/types.generated.ts from the meta-schema, so the TypeScript model of a
// metadata package is never written by hand. `npm test` fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { metaSchemaTypesSource } from '../metadata/schema/generate.ts';

const target = new URL('../metadata/schema/types.generated.ts', import.meta.url);
writeFileSync(target, await metaSchemaTypesSource());
console.log(`wrote ${target.pathname}`);
