// Connector settings as data: one row per connector in tessera.connector_settings (absent: disabled,
// empty configuration). Secrets (writeOnly fields) are sealed into one envelope per row; the rest of
// the configuration is plain JSON. Reads are cached for a few seconds per process; a write through
// this process is seen at once, one through another process as soon as its NOTIFY arrives (migration
// 043; `forget`), or within CACHE_MS where notifications do not cross connections.
import type { Knex } from 'knex';
import { checkSchema, schemaProblems } from '../../forms/index.ts';
import { TesseraError } from '../errors.ts';
import { auditAdminChange, diff, type AuditActor } from '../access/audit.ts';
import type { JsonObject } from '../workflows/expression.ts';
import type { ConfigSchema } from './contract.ts';
import { joinSecrets, secretPointers, splitSecrets, withStoredSecrets } from './config-secrets.ts';
import type { SecretKeyring } from './secrets.ts';

const CACHE_MS = 2000;
/** Where migration 043's trigger announces a change of a connector's settings (payload: its id). */
export const CONNECTOR_SETTINGS_CHANNEL = 'tessera_connector_settings';

export interface StoredSettings {
  readonly enabled: boolean;
  /** Without secrets. */
  readonly plain: JsonObject;
  readonly secrets: Readonly<Record<string, string>>;
  readonly version: number;
  readonly updatedAt: string | null;
  readonly updatedBy: string | null;
}

interface Row {
  connector_id: string;
  id: string;
  enabled: boolean;
  config: JsonObject;
  secrets: string | null;
  version: number;
  updated_at: Date;
  updated_by: string | null;
}

const EMPTY: StoredSettings = { enabled: false, plain: {}, secrets: {}, version: 0, updatedAt: null, updatedBy: null };

export class ConnectorSettingsStore {
  readonly #knex: Knex;
  readonly #keyring: SecretKeyring | null;
  readonly #cache = new Map<string, { readonly value: StoredSettings; readonly until: number }>();

  readonly #enabledByDefault: (connectorId: string) => boolean;

  constructor(knex: Knex, keyring: SecretKeyring | null, enabledByDefault: (connectorId: string) => boolean = () => false) {
    this.#knex = knex;
    this.#keyring = keyring;
    this.#enabledByDefault = enabledByDefault;
  }

  /** Id of the key new secrets are sealed with (null: no key in this process). */
  get keyId(): string | null {
    return this.#keyring?.currentKeyId ?? null;
  }

  #keys(): SecretKeyring {
    if (!this.#keyring) throw new TesseraError('CONFLICT', 'no secret key: set TESSERA_SECRET_KEY (or TESSERA_DATA_DIR, where one is generated) in every Tessera process');
    return this.#keyring;
  }

  /**
   * Reads through `db`: code running inside a transaction must pass it (the embedded database serves
   * one transaction at a time, so a read on another connection would wait for this one forever).
   */
  async read(connectorId: string, db: Knex | Knex.Transaction = this.#knex, options: { fresh?: boolean } = {}): Promise<StoredSettings> {
    const hit = this.#cache.get(connectorId);
    if (!options.fresh && hit && hit.until > Date.now()) return hit.value;
    const row = (await db('tessera.connector_settings').where({ connector_id: connectorId }).first()) as Row | undefined;
    const value: StoredSettings = row
      ? {
          enabled: row.enabled,
          plain: row.config,
          secrets: row.secrets ? (JSON.parse(this.#keys().open(row.secrets, connectorId)) as Record<string, string>) : {},
          version: row.version,
          updatedAt: row.updated_at.toISOString(),
          updatedBy: row.updated_by,
        }
      : { ...EMPTY, enabled: this.#enabledByDefault(connectorId) };
    if (!options.fresh) this.#cache.set(connectorId, { value, until: Date.now() + CACHE_MS });
    return value;
  }

  /** The configuration with its secrets (for the connector's own code only). */
  async config(connectorId: string, schema: ConfigSchema | undefined, trx?: Knex.Transaction): Promise<{ enabled: boolean; config: JsonObject }> {
    const stored = await this.read(connectorId, trx);
    return { enabled: stored.enabled, config: joinSecrets(schema, stored.plain, stored.secrets) };
  }

  /** What the API shows: the configuration without secrets, and where secrets are set. */
  async masked(connectorId: string, schema: ConfigSchema | undefined): Promise<{ enabled: boolean; config: JsonObject; secretsSet: string[]; version: number; updatedAt: string | null; updatedBy: string | null }> {
    const stored = await this.read(connectorId);
    return { enabled: stored.enabled, config: stored.plain, secretsSet: secretPointers(schema, stored.plain, stored.secrets), version: stored.version, updatedAt: stored.updatedAt, updatedBy: stored.updatedBy };
  }

  /**
   * Replaces a connector's settings. `input.config` is checked against the schema once the stored
   * secrets it leaves out are put back; problems point into the request (`/config/...`).
   */
  async write(
    connectorId: string,
    schema: ConfigSchema | undefined,
    input: { readonly enabled?: boolean; readonly config?: JsonObject; readonly expectedVersion?: number },
    actor: AuditActor,
  ): Promise<void> {
    await this.#knex.transaction(async (trx) => {
      const row = (await trx('tessera.connector_settings').where({ connector_id: connectorId }).forUpdate().first()) as Row | undefined;
      const before = row ? await this.read(connectorId, trx, { fresh: true }) : { ...EMPTY, enabled: this.#enabledByDefault(connectorId) };
      if (input.expectedVersion !== undefined && input.expectedVersion !== before.version) {
        throw new TesseraError('VERSION_CONFLICT', `the settings of connector ${connectorId} changed meanwhile (version ${before.version}, not ${input.expectedVersion}); reload them`);
      }
      const enabled = input.enabled ?? before.enabled;
      const full = input.config ? withStoredSecrets(schema, input.config, before.secrets) : joinSecrets(schema, before.plain, before.secrets);
      if (schema) {
        const problems = schemaProblems(checkSchema(schema, full), 'configuration').map((p) => ({ ...p, pointer: `/config${p.pointer}` }));
        if (problems.length > 0) throw new TesseraError('VALIDATION_FAILED', `the configuration of connector ${connectorId} is not valid: ${problems.map((p) => `${p.pointer} ${p.detail}`).join('; ')}`, { problems });
      }
      const { plain, secrets } = splitSecrets(schema, full);
      const sealed = Object.keys(secrets).length > 0 ? this.#keys().seal(JSON.stringify(secrets), connectorId) : null;
      const values = { enabled, config: JSON.stringify(plain), secrets: sealed, version: before.version + 1, updated_at: trx.fn.now(), updated_by: actor.userId };
      const [saved] = (await trx('tessera.connector_settings')
        .insert({ connector_id: connectorId, ...values })
        .onConflict('connector_id')
        .merge()
        .returning('id')) as { id: string }[];
      // The trail says which secrets changed, never their values.
      const changedSecrets = [...new Set([...Object.keys(before.secrets), ...Object.keys(secrets)])].filter((k) => before.secrets[k] !== secrets[k]);
      const changes = { ...diff({ enabled: before.enabled, config: before.plain }, { enabled, config: plain }, ['enabled', 'config']), ...(changedSecrets.length ? { secrets: [null, changedSecrets] as [unknown, unknown] } : {}) };
      await auditAdminChange(trx, actor, 'connector', saved!.id, row ? 'update' : 'create', changes);
    });
    this.#cache.delete(connectorId);
  }

  /**
   * Drops the cached settings of a connector another process changed; '' drops all (the listener's
   * catch-up after a lost connection, when what changed meanwhile is unknown).
   */
  forget(connectorId: string): void {
    if (connectorId === '') this.#cache.clear();
    else this.#cache.delete(connectorId);
  }

  /** Seals every row's secrets again with the current key; returns how many rows changed. */
  async rotate(): Promise<number> {
    const keys = this.#keys();
    return this.#knex.transaction(async (trx) => {
      const rows = (await trx('tessera.connector_settings').whereNotNull('secrets').forUpdate().select('connector_id', 'secrets')) as Pick<Row, 'connector_id' | 'secrets'>[];
      let changed = 0;
      for (const row of rows) {
        if (!row.secrets || !keys.isStale(row.secrets)) continue;
        await trx('tessera.connector_settings').where({ connector_id: row.connector_id }).update({ secrets: keys.seal(keys.open(row.secrets, row.connector_id), row.connector_id) });
        changed++;
      }
      this.#cache.clear();
      return changed;
    });
  }
}
