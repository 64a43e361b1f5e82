import { compile } from 'json-schema-to-typescript';
import { metaSchema } from './meta-schema.ts';

/** TypeScript source of the metadata package model, generated from the meta-schema. */
export async function metaSchemaTypesSource(): Promise<string> {
  const banner =
    '/* Generated from metadata/schema/package.schema.json by `npm run generate:types`. Do not edit. */\n';
  // compile() mutates its input; give it a copy.
  const source = await compile(structuredClone(metaSchema) as Parameters<typeof compile>[0], 'MetadataItem', {
    additionalProperties: false,
    bannerComment: '',
    unreachableDefinitions: true,
    ignoreMinAndMaxItems: true,
    format: true,
    style: { singleQuote: true, printWidth: 120 },
  });
  return banner + source;
}
