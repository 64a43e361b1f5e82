// The connector host of one process: checks the list it is given, registers each connector's task
// types, outbound channels, pollers and record hooks with the platform, starts and stops them. Every
// process kind builds one from the same list (connectors/index.ts), so a task type a step needs is
// registered wherever the step runs. A disabled connector stays registered: its task types fail
// (retried, then an incident), its channels keep messages queued, its pollers and hooks do nothing.
import type { Knex } from 'knex';
import { accessFor, SubjectCache } from '../access/index.ts';
import { TesseraError } from '../errors.ts';
import type { ContributedPackage, Model } from '../../metadata/index.ts';
import type { Actor, RecordService } from '../records/index.ts';
import type { InlineTaskType, JobTaskType, TaskType, WorkflowRuntime } from '../workflows/runtime/index.ts';
import type { JsonObject } from '../workflows/expression.ts';
import type { Connector, ConnectorContext, ConnectorEvent, ConnectorTaskType, Labels } from './contract.ts';
import { secretValues } from './config-secrets.ts';
import { Outbox } from './outbox.ts';
import { ConnectorSettingsStore } from './settings.ts';
import type { SecretKeyring } from './secrets.ts';
import type { RecordJobs } from '../record-sets/index.ts';

const ID = /^[a-z][a-z0-9-]{0,62}$/;
const LANGUAGES = ['pl', 'en', 'ro'] as const;

/** Problems of a connector list: bad ids, duplicates, labels missing a language. */
export function connectorListProblems(connectors: readonly Connector[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [i, c] of connectors.entries()) {
    if (typeof c?.id !== 'string' || !ID.test(c.id)) problems.push(`connector #${i + 1}: id "${String(c?.id)}" must be lower case letters, digits and dashes`);
    else if (seen.has(c.id)) problems.push(`connector ${c.id} is listed twice`);
    else seen.add(c.id);
    for (const lang of LANGUAGES) if (typeof c?.label?.[lang] !== 'string' || c.label[lang] === '') problems.push(`connector ${String(c?.id)}: label.${lang} is missing`);
  }
  return problems;
}

/** The metadata the connectors contribute (their `metadata` files), checked like the list itself. */
export function contributedPackages(connectors: readonly Connector[]): ContributedPackage[] {
  const problems = connectorListProblems(connectors);
  if (problems.length > 0) throw new Error(`the connector list is not valid:\n  ${problems.join('\n  ')}`);
  return connectors.filter((c) => c.metadata !== undefined && Object.keys(c.metadata).length > 0).map((c) => ({ owner: c.id, files: c.metadata ?? {} }));
}

export interface ConnectorHostOptions {
  readonly knex: Knex;
  readonly records: RecordService;
  readonly runtime: WorkflowRuntime;
  readonly keyring: SecretKeyring | null;
  /** Where connectors' kinds of bulk job run (absent: a connector cannot submit one). */
  readonly recordJobs?: RecordJobs;
  readonly model: () => Model | null;
  readonly log?: (message: string, error?: unknown) => void;
  /** Users' subjects; the platform hands in the one it empties on identity changes (default: a 5-second one of its own). */
  readonly subjects?: SubjectCache;
}

export class ConnectorHost {
  readonly connectors: readonly Connector[];
  readonly settings: ConnectorSettingsStore;
  readonly outbox: Outbox;
  readonly #options: ConnectorHostOptions;
  readonly #contexts = new Map<string, ConnectorContext>();
  readonly #stops: (() => Promise<void>)[] = [];
  readonly #tickers: ReturnType<typeof setInterval>[] = [];
  // Short-lived: a connector acting for a user sees a change of their roles within seconds.
  readonly #subjects: SubjectCache;

  constructor(connectors: readonly Connector[], options: ConnectorHostOptions) {
    const problems = connectorListProblems(connectors);
    if (problems.length > 0) throw new Error(`the connector list is not valid:\n  ${problems.join('\n  ')}`);
    this.connectors = connectors;
    this.#options = options;
    this.#subjects = options.subjects ?? new SubjectCache({ ttlMs: 5000 });
    this.settings = new ConnectorSettingsStore(options.knex, options.keyring, (id) => this.get(id)?.enabledByDefault === true);
    this.outbox = new Outbox(options.knex, options.runtime, (id) => this.context(id), (id, text) => this.scrub(id, text));
  }

  get(id: string): Connector | undefined {
    return this.connectors.find((c) => c.id === id);
  }

  /** Removes every secret of a connector's configuration from a text (error messages, log lines). */
  async scrub(connectorId: string, text: string): Promise<string> {
    const connector = this.get(connectorId);
    if (!connector?.configSchema) return text;
    let secrets: string[];
    try {
      secrets = secretValues(connector.configSchema, (await this.settings.config(connectorId, connector.configSchema)).config);
    } catch {
      return text;
    }
    return secrets.filter((s) => s.length >= 4).reduce((t, s) => t.split(s).join('[secret]'), text);
  }

  context(connectorId: string): ConnectorContext {
    let ctx = this.#contexts.get(connectorId);
    if (ctx) return ctx;
    const connector = this.get(connectorId);
    if (!connector) throw new Error(`no connector ${connectorId}`);
    const { knex, records } = this.#options;
    const baseLog = this.#options.log ?? ((message, error) => console.error(`[tessera connector ${connectorId}] ${message}`, error ?? ''));
    ctx = {
      connectorId,
      knex,
      records,
      settings: (trx) => this.settings.config(connectorId, connector.configSchema, trx),
      updateConfig: async (update, reason) => {
        const current = await this.settings.config(connectorId, connector.configSchema);
        await this.settings.write(connectorId, connector.configSchema, { config: update(current.config) }, { userId: null, via: 'system' });
        baseLog(`configuration changed: ${reason}`);
      },
      enqueue: (trx, messages) => this.outbox.enqueue(trx, connectorId, messages),
      revealSecret: (entity, recordId, field, trx) => records.revealSecret(trx ?? null, entity, recordId, field),
      reportOutcome: async (channel, key, outcome, trx) => this.outbox.report(connectorId, channel, key, { state: outcome.state, error: outcome.error === undefined ? null : await this.scrub(connectorId, outcome.error), status: outcome.status ?? null }, trx),
      notifyAdmins: (subject, body) => this.#notifyAdmins(subject, body),
      actAs: async (userId, trx) => {
        const subject = await this.#subjects.load(trx ?? knex, userId);
        if (!subject) throw new TesseraError('FORBIDDEN', `the connector ${connectorId} acts for user ${userId}, who is deactivated or gone`);
        return { userId, via: 'automation', access: accessFor(this.#options.model(), subject) };
      },
      publish: (trx, event) => this.#publish(connectorId, trx, event),
      submitRecordJob: async (actor, submission) => {
        const jobs = this.#options.recordJobs;
        if (!jobs) throw new TesseraError('UNAVAILABLE', 'background jobs do not run in this process');
        const id = await jobs.submit(actor, { ...submission, kind: `${connectorId}:${submission.kind}` });
        return jobs.report(actor, id);
      },
      workersRunning: () => this.#options.runtime.workersRunning,
      // Secrets never reach a log line: the message and the error's message are scrubbed.
      log: (message, error) => {
        void (async () => {
          const text = await this.scrub(connectorId, message);
          const detail = error === undefined ? undefined : await this.scrub(connectorId, error instanceof Error ? error.message : String(error));
          baseLog(text, detail);
        })();
      },
    };
    this.#contexts.set(connectorId, ctx);
    return ctx;
  }

  /**
   * Runs a connector's action as `actor` (docs/connectors.md#actions): NOT_FOUND for an action no
   * connector offers, UNAVAILABLE while the connector is disabled.
   */
  async act(connectorId: string, action: string, actor: Actor, input: JsonObject, idempotencyKey: string): Promise<JsonObject> {
    const actions = this.get(connectorId)?.actions;
    const found = actions && Object.hasOwn(actions, action) ? actions[action] : undefined;
    if (!found) throw new TesseraError('NOT_FOUND', `the connector ${connectorId} offers no action "${action}"`);
    const ctx = this.context(connectorId);
    if (!(await ctx.settings()).enabled) throw new TesseraError('UNAVAILABLE', `the connector ${connectorId} is disabled (enable it in Settings → Connectors)`);
    if (!idempotencyKey) throw new TesseraError('VALIDATION_FAILED', 'an idempotency key is needed', { problems: [{ pointer: '/idempotencyKey', detail: 'must not be empty' }] });
    return found.run(input, ctx, { actor, idempotencyKey });
  }

  /** Registers everything with the platform and starts each connector. */
  async start(): Promise<void> {
    const { runtime, records } = this.#options;
    for (const connector of this.connectors) {
      const ctx = this.context(connector.id);
      for (const type of connector.taskTypes ?? []) await runtime.registerTaskType(whileEnabled(type, ctx));
      for (const channel of connector.channels ?? []) this.outbox.addChannel(connector.id, channel);
      for (const kind of connector.recordJobKinds ?? []) {
        this.#options.recordJobs?.define({ name: `${connector.id}:${kind.name}`, ...(kind.include ? { include: (entity: string, params: JsonObject) => kind.include!(entity, params, ctx) } : {}), handle: (work) => kind.handle(work, ctx) });
      }
      for (const poller of connector.pollers ?? []) {
        const queue = `tessera.poll.${connector.id}.${poller.id}`;
        await runtime.registerQueue({
          name: queue,
          expireInSeconds: Math.max(60, poller.everySeconds * 2),
          concurrency: 1,
          handler: async (job) => {
            if ((await ctx.settings()).enabled) await poller.run({ ...ctx, signal: job.signal });
          },
        });
        // Every process offers a run per period; pg-boss keeps one per slot, so one process polls.
        const tick = () => {
          if (runtime.workersRunning) void runtime.enqueueThrottled(queue, queue, poller.everySeconds).catch((error: unknown) => ctx.log(`poller ${poller.id}`, error));
        };
        this.#tickers.push(setInterval(tick, Math.max(1000, (poller.everySeconds * 1000) / 2)));
      }
      if (connector.onRecordChange) {
        const hook = connector.onRecordChange;
        records.onChange(async (trx, change) => {
          if ((await ctx.settings(trx)).enabled) await hook(trx, change, ctx);
        });
      }
    }
    await this.outbox.start();
    for (const connector of this.connectors) {
      const stop = await connector.start?.(this.context(connector.id));
      if (stop) this.#stops.push(stop);
    }
  }

  async stop(): Promise<void> {
    for (const ticker of this.#tickers.splice(0)) clearInterval(ticker);
    for (const stop of this.#stops.splice(0).reverse()) await stop().catch((error: unknown) => console.error('[tessera connectors] stopping', error));
  }

  async #publish(from: string, trx: Knex.Transaction, event: ConnectorEvent): Promise<void> {
    for (const connector of this.connectors) {
      if (connector.id === from || !connector.onEvent) continue;
      const ctx = this.context(connector.id);
      if (!(await ctx.settings(trx)).enabled) continue;
      await trx.transaction((savepoint) => connector.onEvent!(savepoint, event, ctx)).catch((error: unknown) => ctx.log(`handling ${event.type} from ${from}`, error));
    }
  }

  async #notifyAdmins(subject: Labels, body: Labels): Promise<void> {
    const { knex } = this.#options;
    const roles = (this.#options.model()?.roles ?? []).filter((r) => r.administerConnectors === true).map((r) => r.name);
    const admins = (await knex('tessera.users')
      .where({ active: true })
      .where((q) => {
        q.where({ is_admin: true });
        if (roles.length > 0) q.orWhereRaw('roles && ?::text[]', [roles]);
      })
      .select('id', 'language')) as { id: string; language: string }[];
    if (admins.length === 0) return;
    const text = (labels: Labels, language: string) => labels[(LANGUAGES as readonly string[]).includes(language) ? (language as keyof Labels) : 'en'];
    await knex('tessera.notifications').insert(admins.map((a) => ({ channel: 'in-app', kind: 'connector', user_id: a.id, subject: text(subject, a.language), body: text(body, a.language), status: 'delivered' })));
  }
}

/** A connector's task type as the runtime runs it: with the connector's context, failing while it is disabled. */
function whileEnabled(type: ConnectorTaskType, connector: ConnectorContext): TaskType {
  const check = async (trx?: Knex.Transaction) => {
    if (!(await connector.settings(trx)).enabled) throw new Error(`the connector ${connector.connectorId} is disabled (enable it in Settings → Connectors)`);
  };
  if (type.mode === 'inline') {
    const inline: InlineTaskType = { ...type, handler: async (input, ctx) => (await check(ctx.trx), type.handler(input, { ...ctx, connector })) };
    return inline;
  }
  const job: JobTaskType = { ...type, handler: async (input, ctx): Promise<JsonObject | void> => (await check(), type.handler(input, { ...ctx, connector })) };
  return job;
}
