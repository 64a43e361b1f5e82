// Hostile input for property-based tests (fast-check): names that are members of every JavaScript
// object, text the database cannot store, JSON with such names as keys, deep nesting. Values meant
// to arrive as a request body or a JSON query parameter go through JSON (`asSent`), so `__proto__`
// is an own member as it would be after JSON.parse on the server.
import fc from 'fast-check';

/** Members of Object.prototype: a lookup by name in a plain object finds them. */
export const OBJECT_MEMBERS = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupGetter__'] as const;

/** Text with a NUL character or an unpaired surrogate. */
export const unstorableText: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 })).map(([a, b]) => `${a}\u0000${b}`),
  fc.tuple(fc.string({ maxLength: 5 }), fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff'), fc.string({ maxLength: 5 })).map(([a, s, b]) => `${a}${s}${b}`),
);

/** Text a client might send to break things: any UTF-16 (lone surrogates too), SQL and LIKE characters, tokens, long runs. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 12 }), weight: 3 },
  fc.string({ unit: 'binary', maxLength: 8 }),
  unstorableText,
  fc.constantFrom(...OBJECT_MEMBERS),
  fc.constantFrom('', ' ', '%', '_', '\\', "'", '"', "'; DROP TABLE contractor; --", '$me', '$myTeams', 'null', 'true', 'NaN', '1e400', '-0', '0x10', '2024-02-30', 'Żółć', 'ș'),
  fc.string({ minLength: 1, maxLength: 3 }).map((s) => s.repeat(400)),
);

/** A name of `known` (often) or a hostile one. */
export function hostileName(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 4 }, fc.constantFrom(...OBJECT_MEMBERS), hostileText);
}

/** JSON values with hostile strings and member names as keys. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -0, Number.MAX_SAFE_INTEGER + 2),
    hostileText,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileText, fc.constantFrom(...OBJECT_MEMBERS)), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** `value` wrapped in `depth` arrays or objects. */
export function nested(value: unknown, depth: number, kind: 'array' | 'object' = 'array'): unknown {
  let result = value;
  for (let i = 0; i < depth; i++) result = kind === 'array' ? [result] : { a: result };
  return result;
}

/** The value as a server sees it after JSON.parse (own `__proto__` members included). */
export const asSent = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

/** Whether an RFC 6901 pointer names a member that exists in `doc` (own members only). */
export function pointerExists(doc: unknown, pointer: string): boolean {
  if (pointer === '') return true;
  let current = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) ? !/^(0|[1-9]\d*)$/.test(key) || Number(key) >= current.length : typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return false;
    current = (current as Record<string, unknown>)[key];
  }
  return true;
}
