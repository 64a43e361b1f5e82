// Imported as a JSON module (not read from disk) so the same file works in Node and in the browser
// bundle (Vite), where the designer builds its forms from it.
import packageSchema from './package.schema.json' with { type: 'json' };

/** The meta-schema (JSON Schema 2020-12) every file of a metadata package is validated against. */
export const metaSchema: Readonly<Record<string, unknown>> = packageSchema as Record<string, unknown>;
