import { readFileSync } from 'node:fs';

/** The meta-schema (JSON Schema 2020-12) every file of a metadata package is validated against. */
export const metaSchema: Readonly<Record<string, unknown>> = JSON.parse(
  readFileSync(new URL('./package.schema.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
