// The engine's side of the Tessera nodes (TesseraPorts): records and workflows through the records
// service and the workflow runtime, always as a user — the identity's API token (its user's rights,
// narrowed by the token's scopes) or the installation's `automation` user — with `via: automation`
// in the audit trail. Never the platform's own rights.
import type { Knex } from 'knex';
import { accessFor, findApiToken, secretHash, subjectOf, type UserIdentityRow } from '../access/index.ts';
import { TesseraError } from '../errors.ts';
import type { Platform } from '../platform.ts';
import type { Actor, AuditOrigin } from '../records/index.ts';
import { feelConditionHolds, recordFeelContext } from '../../metadata/index.ts';
import type { JsonObject } from '../connectors/contract.ts';
import type { AutomationEvents } from './events.ts';
import type { IdentityRef, TesseraPorts } from './ports.ts';

/** The user flows act as when a node names no identity; created without a password (it cannot sign in). */
export const AUTOMATION_LOGIN = 'automation';

/** Creates the `automation` user if it is missing; returns its id. It has no roles until an administrator gives it some. */
export async function ensureAutomationUser(knex: Knex): Promise<string> {
  const existing = (await knex('tessera.users').whereRaw('lower(login) = ?', [AUTOMATION_LOGIN]).first('id')) as { id: string } | undefined;
  if (existing) return existing.id;
  const rows = (await knex.raw(`INSERT INTO tessera.users (login, display_name, roles, language) VALUES (?, ?, '{}', 'en') ON CONFLICT DO NOTHING RETURNING id`, [AUTOMATION_LOGIN, 'Automation (Node-RED)'])) as { rows: { id: string }[] };
  if (rows.rows[0]) return rows.rows[0].id;
  return ((await knex('tessera.users').whereRaw('lower(login) = ?', [AUTOMATION_LOGIN]).first('id')) as { id: string }).id;
}

const IDENTITY_SELECT = ['id', 'login', 'display_name', 'is_admin', 'active', 'roles', 'employee'] as const;

export class AutomationActors {
  readonly #platform: Platform;
  readonly #automationUserId: string;

  constructor(platform: Platform, automationUserId: string) {
    this.#platform = platform;
    this.#automationUserId = automationUserId;
  }

  /** The actor a node acts as, naming its flow and node for the audit; an unknown, revoked or expired token is refused (UNAUTHENTICATED). */
  async actor(who: IdentityRef): Promise<Actor> {
    const origin = originOf(who);
    const actor = await this.#user(who);
    return origin ? { ...actor, origin } : actor;
  }

  async #user(who: IdentityRef): Promise<Actor> {
    const model = this.#platform.runtime.loaded ? this.#platform.runtime.snapshot.model : null;
    if (who.token) {
      const key = secretHash(who.token);
      let found = this.#platform.tokenCache.get(key);
      if (found && found.token.expiresAt !== null && new Date(found.token.expiresAt).getTime() <= Date.now()) found = undefined;
      if (!found) {
        const row = await findApiToken(this.#platform.knex, who.token);
        if (!row) throw new TesseraError('UNAUTHENTICATED', "the flow's identity token is unknown, expired or revoked, or its user is deactivated");
        found = { token: row.token, subject: await subjectOf(this.#platform.knex, row.user) };
        this.#platform.tokenCache.set(key, found);
      }
      return { userId: found.subject.userId, via: 'automation', access: accessFor(model, found.subject, found.token.scopes) };
    }
    const user = (await this.#platform.knex('tessera.users').where({ id: this.#automationUserId }).first(...IDENTITY_SELECT)) as UserIdentityRow | undefined;
    if (!user?.active) throw new TesseraError('UNAUTHENTICATED', `the ${AUTOMATION_LOGIN} user is deactivated: flows without an identity cannot act`);
    return { userId: user.id, via: 'automation', access: accessFor(model, await subjectOf(this.#platform.knex, user)) };
  }
}

/** The flow and node an identity reference names, for the audit trail. */
export function originOf(who: IdentityRef): AuditOrigin | null {
  if (!who.flow || !who.node) return null;
  return { flow: who.flow, node: who.node, ...(who.flowName ? { flowName: who.flowName } : {}), ...(who.nodeName ? { nodeName: who.nodeName } : {}) };
}

export function automationPorts(platform: Platform, actors: AutomationActors, events: AutomationEvents): TesseraPorts {
  const ctx = async (who: IdentityRef) => ({ actor: await actors.actor(who) });
  const json = (value: unknown) => value as JsonObject;
  return {
    records: {
      get: async (who, entity, id) => json(await platform.records.get(await ctx(who), entity, id)),
      list: async (who, entity, query) => {
        const result = await platform.records.list(await ctx(who), entity, query);
        return { data: result.data.map(json), ...(result.next ? { next: result.next } : {}) };
      },
      create: async (who, entity, values) => json(await platform.records.create(await ctx(who), entity, values)),
      update: async (who, entity, id, values, expectedVersion) => json(await platform.records.update(await ctx(who), entity, id, values, expectedVersion === undefined ? {} : { expectedVersion })),
      remove: async (who, entity, id) => json(await platform.records.remove(await ctx(who), entity, id)),
    },
    workflows: {
      start: async (who, processId, variables, record) => platform.processes.startInstance(await ctx(who), { processId, variables, ...(record ? { record } : {}) }),
      publish: async (who, message, correlationKey, variables) => {
        const actor = await actors.actor(who);
        // Publishing reaches processes with their own rights: it needs the right to administer workflows.
        if (!actor.access?.can('administerWorkflows')) throw new TesseraError('FORBIDDEN', "publishing a workflow message needs the administerWorkflows right of the flow's identity");
        const result = await platform.processes.publishMessage(message, correlationKey, variables);
        return { correlated: result.correlated, started: result.started };
      },
      complete: async (who, activityId, formData) => {
        const result = await platform.processes.completeActivity(await ctx(who), activityId, formData);
        return { instanceId: result.instanceId, activity: json(result.activity) };
      },
    },
    connectors: {
      act: async (who, connectorId, action, input, idempotencyKey) => platform.connectors.act(connectorId, action, await actors.actor(who), input, idempotencyKey),
    },
    events: { subscribe: (entity, deliver) => events.subscribe(entity, deliver) },
    feelHolds: (condition, record) => {
      if (!condition.trim()) return true;
      return feelConditionHolds(condition, recordFeelContext(Object.keys(record), record));
    },
  };
}
