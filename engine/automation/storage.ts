// Node-RED's storage API over Tessera's database (tessera.automation_store, migration 016): the
// flows, credentials, runtime settings, editor sessions and library live in PostgreSQL, not in
// files, so every process sees the same flows and a restart keeps them. Credentials are one
// AES-256-GCM envelope sealed with the platform's keyring (Node-RED's own encryption is off:
// credentialSecret false); each deploy writes an audit row naming who deployed.
import type { Knex } from 'knex';
import { TesseraError } from '../errors.ts';
import type { SecretKeyring } from '../connectors/platform-api.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The user Node-RED's admin API passes to saveFlows (our editor bridge makes it). */
export interface EditorUser {
  readonly username: string;
  readonly userId?: string;
}

/** The calls Node-RED makes on a storage module (@node-red/runtime/lib/storage). */
export interface NodeRedStorage {
  init(settings: unknown, runtime: unknown): Promise<void>;
  getFlows(): Promise<Json[]>;
  saveFlows(flows: Json[], user?: EditorUser | null): Promise<void>;
  getCredentials(): Promise<Record<string, Json>>;
  saveCredentials(credentials: Record<string, Json>): Promise<void>;
  getSettings(): Promise<Record<string, Json>>;
  saveSettings(settings: Record<string, Json>): Promise<void>;
  getSessions(): Promise<Record<string, Json>>;
  saveSessions(sessions: Record<string, Json>): Promise<void>;
  getLibraryEntry(type: string, path: string): Promise<Json>;
  saveLibraryEntry(type: string, path: string, meta: Record<string, Json>, body: string): Promise<void>;
}

const TABLE = 'tessera.automation_store';
/** The additional data binding the credentials envelope to its row. */
const CREDENTIALS_CONTEXT = 'automation:credentials';

export interface DeployRow {
  readonly id: number;
  readonly at: Date;
  readonly actorLogin: string | null;
  readonly rev: number;
  readonly nodes: number;
}

export class DatabaseFlowStorage implements NodeRedStorage {
  readonly #knex: Knex;
  readonly #keyring: SecretKeyring | null;
  /** Called after each deploy is stored (the record events follow the deployed flows' entity types). */
  onFlowsSaved: ((flows: readonly Json[]) => void) | null = null;

  constructor(knex: Knex, keyring: SecretKeyring | null) {
    this.#knex = knex;
    this.#keyring = keyring;
  }

  async init(): Promise<void> {}

  async #read(kind: string, path = ''): Promise<{ body: Json; sealed: string | null } | null> {
    const row = (await this.#knex(TABLE).where({ kind, path }).first('body', 'sealed')) as { body: Json; sealed: string | null } | undefined;
    return row ?? null;
  }

  async #write(trx: Knex | Knex.Transaction, kind: string, body: Json, sealed: string | null = null, path = ''): Promise<number> {
    const rows = (await trx.raw(
      `INSERT INTO ${TABLE} (kind, path, body, sealed) VALUES (?, ?, ?::json, ?)
       ON CONFLICT (kind, path) DO UPDATE SET body = excluded.body, sealed = excluded.sealed, rev = ${TABLE}.rev + 1, updated_at = now()
       RETURNING rev`,
      [kind, path, JSON.stringify(body), sealed],
    )) as { rows: { rev: number }[] };
    return rows.rows[0]!.rev;
  }

  /** The revision of the flows this process last loaded or saved (0: none stored). */
  knownRev = 0;

  async getFlows(): Promise<Json[]> {
    const row = (await this.#knex(TABLE).where({ kind: 'flows', path: '' }).first('body', 'rev')) as { body: Json; rev: number } | undefined;
    this.knownRev = row?.rev ?? 0;
    return Array.isArray(row?.body) ? row.body : [];
  }

  /** The revision stored now: another process's deploy makes it differ from knownRev. */
  async storedRev(): Promise<number> {
    const row = (await this.#knex(TABLE).where({ kind: 'flows', path: '' }).first('rev')) as { rev: number } | undefined;
    return row?.rev ?? 0;
  }

  async saveFlows(flows: Json[], user?: EditorUser | null): Promise<void> {
    await this.#knex.transaction(async (trx) => {
      const rev = await this.#write(trx, 'flows', flows);
      this.knownRev = rev;
      await trx('tessera.automation_deploys').insert({ actor: user?.userId ?? null, actor_login: user?.username ?? null, rev, flows: JSON.stringify(flows) });
    });
    this.onFlowsSaved?.(flows);
  }

  async getCredentials(): Promise<Record<string, Json>> {
    const row = await this.#read('credentials');
    if (!row?.sealed) return {};
    return JSON.parse(this.#keys().open(row.sealed, CREDENTIALS_CONTEXT)) as Record<string, Json>;
  }

  async saveCredentials(credentials: Record<string, Json>): Promise<void> {
    // Node-RED hands over plain values (credentialSecret false): they are sealed here, never stored as given.
    if (Object.keys(credentials).length === 0) {
      await this.#write(this.#knex, 'credentials', {}, null);
      return;
    }
    await this.#write(this.#knex, 'credentials', {}, this.#keys().seal(JSON.stringify(credentials), CREDENTIALS_CONTEXT));
  }

  #keys(): SecretKeyring {
    if (!this.#keyring) throw new TesseraError('CONFLICT', 'no secret key for automation credentials: set TESSERA_SECRET_KEY (or TESSERA_DATA_DIR, where one is generated)');
    return this.#keyring;
  }

  async getSettings(): Promise<Record<string, Json>> {
    const row = await this.#read('settings');
    return isObject(row?.body) ? row.body : {};
  }

  async saveSettings(settings: Record<string, Json>): Promise<void> {
    await this.#write(this.#knex, 'settings', settings);
  }

  async getSessions(): Promise<Record<string, Json>> {
    const row = await this.#read('sessions');
    return isObject(row?.body) ? row.body : {};
  }

  async saveSessions(sessions: Record<string, Json>): Promise<void> {
    await this.#write(this.#knex, 'sessions', sessions);
  }

  /** A library entry, or for a folder path the list Node-RED expects (sub-folders as names, entries as their meta with `fn`). */
  async getLibraryEntry(type: string, path: string): Promise<Json> {
    const key = `${type}/${path.replace(/^\/+/, '')}`;
    const exact = await this.#read('library', key);
    if (exact && isObject(exact.body)) return typeof exact.body.body === 'string' ? exact.body.body : '';
    const prefix = key.endsWith('/') || path === '' ? key : `${key}/`;
    const rows = (await this.#knex(TABLE).where('kind', 'library').andWhere('path', 'like', `${escapeLike(prefix)}%`).select('path', 'body')) as { path: string; body: Json }[];
    const folders = new Set<string>();
    const entries: Json[] = [];
    for (const row of rows) {
      const rest = row.path.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash >= 0) folders.add(rest.slice(0, slash));
      else entries.push({ ...(isObject(row.body) && isObject(row.body.meta) ? row.body.meta : {}), fn: rest });
    }
    if (!exact && rows.length === 0 && path !== '' && !path.endsWith('/')) throw Object.assign(new Error(`no library entry ${key}`), { code: 'not_found' });
    return [...[...folders].sort(), ...entries];
  }

  async saveLibraryEntry(type: string, path: string, meta: Record<string, Json>, body: string): Promise<void> {
    await this.#write(this.#knex, 'library', { meta, body }, null, `${type}/${path.replace(/^\/+/, '')}`);
  }

  /** Who deployed what, newest first (the editor's audit). */
  async deploys(limit = 50): Promise<DeployRow[]> {
    const rows = (await this.#knex('tessera.automation_deploys').orderBy('id', 'desc').limit(limit).select('id', 'at', 'actor_login', 'rev', this.#knex.raw('json_array_length(flows) AS nodes'))) as { id: string | number; at: Date; actor_login: string | null; rev: number; nodes: number }[];
    return rows.map((r) => ({ id: Number(r.id), at: r.at, actorLogin: r.actor_login, rev: r.rev, nodes: Number(r.nodes) }));
  }
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
