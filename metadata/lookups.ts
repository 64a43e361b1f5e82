// Lookups: values read from other records for a guard or a computed field (engine/rules/lookups.ts
// reads them; metadata/lookup-problems.ts validates them). What one takes from the record it is read
// for: the order of computed fields and the guards' change detection both need it. Pure, browser-safe.
import type { Lookup } from './schema/types.generated.ts';

/** A lookup's `match` as [field of `from`, operator, field of this record]. */
export function matchTerms(lookup: Lookup): [string, string, string][] {
  return Object.entries(lookup.match ?? {}).flatMap(([field, cmp]) => Object.entries(cmp).map(([op, own]): [string, string, string] => [field, op, own as string]));
}

/** The fields of the record lookups read: those they start from (`on`) and those `match` compares with. */
export function lookupReads(lookups: Readonly<Record<string, Lookup>> | undefined): Set<string> {
  const names = new Set<string>();
  for (const lookup of Object.values(lookups ?? {})) {
    if (lookup.via !== undefined && lookup.on !== undefined && lookup.on !== 'id') names.add(lookup.on);
    for (const [, , own] of matchTerms(lookup)) names.add(own);
  }
  return names;
}
