// Secret fields of a connector configuration: string properties marked `writeOnly: true` in its
// JSON Schema, at any depth of objects and arrays of objects. Pure. A secret is kept apart from the
// configuration under a logical path, where an array item is named by its `id` or `name` property
// (its index only when it has neither), so removing or reordering items never hands one item's
// secret to another.
import type { JsonObject, JsonValue } from '../workflows/expression.ts';

type Schema = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

interface SecretSlot {
  readonly holder: Record<string, unknown>;
  readonly key: string;
  /** JSON pointer of the value in this configuration. */
  readonly pointer: string;
  /** Where the secret is kept (stable under array edits). */
  readonly path: string;
}

function itemName(item: unknown, index: number): string {
  if (isObject(item)) {
    for (const key of ['id', 'name']) if (typeof item[key] === 'string' && item[key] !== '') return `@${escape(item[key] as string)}`;
  }
  return String(index);
}

/** Every place in `value` where the schema declares a secret (present or not). */
function slots(schema: Schema | undefined, value: unknown, pointer = '', path = ''): SecretSlot[] {
  if (!schema || !isObject(value)) return [];
  const found: SecretSlot[] = [];
  const properties = isObject(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
  for (const [key, sub] of Object.entries(properties)) {
    if (!isObject(sub)) continue;
    const p = `${pointer}/${escape(key)}`;
    const l = `${path}/${escape(key)}`;
    if (sub.writeOnly === true) found.push({ holder: value, key, pointer: p, path: l });
    else if (sub.type === 'object') found.push(...slots(sub, value[key], p, l));
    else if (sub.type === 'array' && isObject(sub.items) && Array.isArray(value[key])) {
      (value[key] as unknown[]).forEach((item, i) => found.push(...slots(sub.items as Schema, item, `${p}/${i}`, `${l}/${itemName(item, i)}`)));
    }
  }
  return found;
}

const clone = (value: JsonObject): JsonObject => structuredClone(value);

/** The configuration without its secrets, and the secrets by logical path. */
export function splitSecrets(schema: Schema | undefined, config: JsonObject): { plain: JsonObject; secrets: Record<string, string> } {
  const plain = clone(config);
  const secrets: Record<string, string> = {};
  for (const slot of slots(schema, plain)) {
    const value = slot.holder[slot.key];
    if (typeof value === 'string' && value !== '') secrets[slot.path] = value;
    delete slot.holder[slot.key];
  }
  return { plain, secrets };
}

/** The configuration with its secrets put back (what connector code reads). */
export function joinSecrets(schema: Schema | undefined, plain: JsonObject, secrets: Readonly<Record<string, string>>): JsonObject {
  const config = clone(plain);
  for (const slot of slots(schema, config)) {
    const value = secrets[slot.path];
    if (value !== undefined) slot.holder[slot.key] = value;
  }
  return config;
}

/** JSON pointers (in this configuration) of the secrets that are set: what the API says instead of the values. */
export function secretPointers(schema: Schema | undefined, plain: JsonObject, secrets: Readonly<Record<string, string>>): string[] {
  return slots(schema, clone(plain))
    .filter((slot) => secrets[slot.path] !== undefined)
    .map((slot) => slot.pointer);
}

/**
 * A configuration sent by a client, completed with the stored secrets: a secret field left out (or
 * empty) keeps its stored value, `null` clears it, a new text replaces it.
 */
export function withStoredSecrets(schema: Schema | undefined, input: JsonObject, stored: Readonly<Record<string, string>>): JsonObject {
  const config = clone(input);
  for (const slot of slots(schema, config)) {
    const value = slot.holder[slot.key];
    if (value === null) delete slot.holder[slot.key];
    else if ((value === undefined || value === '') && stored[slot.path] !== undefined) slot.holder[slot.key] = stored[slot.path] as JsonValue;
    else if (value === '') delete slot.holder[slot.key];
  }
  return config;
}

/** Every secret text of a configuration: what logs and errors must never show. */
export function secretValues(schema: Schema | undefined, config: JsonObject): string[] {
  return Object.values(splitSecrets(schema, config).secrets);
}
