// Secret fields (metadata/field-types/secret.ts) on their way to the column: sealed with the
// installation's key, bound to the field's id, so an envelope copied to another field does not open.
// The API never returns them; connectors read one with `revealSecret`.
import type { Knex } from 'knex';
import { pointer, SECRET_MASK, type EntityModel } from '../../metadata/index.ts';
import { TesseraError } from '../errors.ts';

/** What seals and opens secrets (the connectors' keyring: AES-256-GCM, key rotation). */
export interface SecretSealer {
  seal(plain: string, context: string): string;
  open(envelope: string, context: string): string;
  isStale(envelope: string): boolean;
}

/** The sealing context of a field: its id, stable across renames. */
export const secretContext = (fieldId: string): string => `field:${fieldId}`;

/** The written values with each new secret sealed; the mask (a form sent back unchanged) keeps the stored one. */
export function sealSecrets(entity: EntityModel, values: Readonly<Record<string, unknown>>, sealer: SecretSealer | null): Record<string, unknown> {
  const secrets = entity.fields.filter((f) => f.type === 'secret' && Object.hasOwn(values, f.name));
  if (secrets.length === 0) return values as Record<string, unknown>;
  const sealed: Record<string, unknown> = { ...values };
  for (const field of secrets) {
    const value = values[field.name];
    if (value === SECRET_MASK) delete sealed[field.name];
    else if (typeof value === 'string') {
      if (!sealer) {
        throw new TesseraError('VALIDATION_FAILED', 'secrets cannot be stored: the installation has no secret key (set TESSERA_SECRET_KEY or give it a data directory)', {
          problems: [{ pointer: pointer(field.name), detail: 'no secret key to store it with', code: 'NO_SECRET_KEY' }],
        });
      }
      sealed[field.name] = sealer.seal(value, secretContext(field.id));
    }
  }
  return sealed;
}

/**
 * The audit entries of the secrets a write set, replaced or cleared: from mask to mask says "changed"
 * (the values are never recorded). A diff of the read values alone would miss a replaced secret.
 */
export function secretChanges(entity: EntityModel, written: Readonly<Record<string, unknown>>, before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): Record<string, [unknown, unknown]> {
  const changes: Record<string, [unknown, unknown]> = {};
  for (const field of entity.fields) {
    if (field.type !== 'secret' || !Object.hasOwn(written, field.name) || written[field.name] === SECRET_MASK) continue;
    if (before[field.name] === null && after[field.name] === null) continue;
    changes[field.name] = [before[field.name] ?? null, after[field.name] ?? null];
  }
  return changes;
}

/**
 * Seals every stored secret field again with the current key (`tessera connectors rotate-key`), in
 * one transaction; not a change of the records (no version, no audit row). Returns how many values.
 */
export async function resealSecretFields(knex: Knex, entities: Iterable<EntityModel>, sealer: SecretSealer): Promise<number> {
  return knex.transaction(async (trx) => {
    let changed = 0;
    for (const entity of entities) {
      for (const field of entity.fields.filter((f) => f.type === 'secret')) {
        const rows = (await trx(entity.table).whereNotNull(field.name).forUpdate().select('id', field.name)) as Record<string, unknown>[];
        for (const row of rows) {
          const envelope = row[field.name] as string;
          if (!sealer.isStale(envelope)) continue;
          const context = secretContext(field.id);
          await trx(entity.table).where({ id: row.id }).update({ [field.name]: sealer.seal(sealer.open(envelope, context), context) });
          changed++;
        }
      }
    }
    return changed;
  });
}
