// Key order is never meaning in a package: JSON files, editors and jsonb (which stores shorter keys
// first) each order an object's keys their own way. Whatever compares or derives text from package
// values goes through these.

/** The value with every object's keys sorted (arrays keep their order). */
export function sortedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortedKeys) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])])) as T;
  }
  return value;
}

/** JSON with object keys sorted, so key order never counts as a change. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortedKeys(value));
}
