// Lookups: values read from other records for a guard or a computed field (engine/rules/lookups.ts
// reads them; metadata/lookup-problems.ts validates them). What one takes from the record it is read
// for: the order of computed fields and the guards' change detection both need it. Pure, browser-safe.
import type { Lookup } from './schema/types.generated.ts';

/** A lookup's `match` as [field of `from`, operator, field of this record]. */
export function matchTerms(lookup: Lookup): [string, string, string][] {
  return Object.entries(lookup.match ?? {}).flatMap(([field, cmp]) => Object.entries(cmp).map(([op, own]): [string, string, string] => [field, op, own as string]));
}

/**
 * A `match` value naming a field of a record this one references (`product.product_group`: the
 * group of the line's product; `invoice.paid_date`: a line's own invoice), as [reference, field];
 * null for a field of this record.
 */
export function matchPath(own: string): [string, string] | null {
  const dot = own.indexOf('.');
  return dot < 0 ? null : [own.slice(0, dot), own.slice(dot + 1)];
}

/** The fields of the record lookups read: those they start from (`on`) and those `match` compares with (a path's reference). */
export function lookupReads(lookups: Readonly<Record<string, Lookup>> | undefined): Set<string> {
  const names = new Set<string>();
  for (const lookup of Object.values(lookups ?? {})) {
    if (lookup.via !== undefined && lookup.on !== undefined && lookup.on !== 'id') names.add(lookup.on);
    for (const [, , own] of matchTerms(lookup)) names.add(matchPath(own)?.[0] ?? own);
  }
  return names;
}

/** The fields of the record behind reference `field` that lookups' `match` paths read (`invoice.paid_date` → paid_date). */
export function lookupPathReads(lookups: Readonly<Record<string, Lookup>> | undefined, field: string): Set<string> {
  const names = new Set<string>();
  for (const lookup of Object.values(lookups ?? {})) {
    for (const [, , own] of matchTerms(lookup)) {
      const path = matchPath(own);
      if (path?.[0] === field) names.add(path[1]);
    }
  }
  return names;
}
