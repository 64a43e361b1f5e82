// The connector contract: what a connector declares and what the platform hands it. A connector is
// one folder under connectors/, listed in connectors/index.ts, importing engine/connectors/index.ts
// only. The same list is loaded by every process kind (server, worker, CLI), so a task type that
// runs in one runs in all (docs/connectors.md).
import type { Knex } from 'knex';
import type { Response, Router } from 'express';
import type { JsonObject, JsonValue } from '../workflows/expression.ts';
import type { InlineTaskContext, InlineTaskType, JobTaskContext, JobTaskType, TaskInput } from '../workflows/runtime/index.ts';
import type { Actor, RecordChange, RecordService } from '../records/index.ts';
import type { Access } from '../access/index.ts';
import type { RecordJobItem, RecordJobReport, RecordJobWork, RecordSelection } from '../record-sets/index.ts';

/** A user-visible text in every language of the app. */
export interface Labels {
  readonly pl: string;
  readonly en: string;
  readonly ro: string;
}

/**
 * JSON Schema (draft 2020-12 subset the form generator renders) of a connector's configuration.
 * A string property with `writeOnly: true` is a secret: stored encrypted, never returned by the API.
 * Labels of properties: `title` (English) and `x-labels` ({pl, en, ro}) for the settings form.
 */
export type ConfigSchema = Readonly<Record<string, unknown>>;

/** A message in the outbox, as a channel's sender gets it. */
export interface OutboxMessage {
  readonly id: string;
  readonly connectorId: string;
  readonly channel: string;
  readonly recipient: string;
  readonly payload: JsonObject;
  readonly idempotencyKey: string;
  /** 1 for the first try. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly createdAt: string;
}

/** What a send did: `sent` (handed over), `delivered` (the other side confirmed). Throw to fail the attempt. */
export interface SendResult {
  readonly state: 'sent' | 'delivered';
  /** A status worth keeping in the delivery log (an HTTP status). */
  readonly status?: number;
}

/** A failed attempt: throw it (or any Error) from `send`; `status` goes to the delivery log. */
export class SendFailure extends Error {
  readonly status: number | null;
  /** false: retrying cannot help (a 4xx other than 408/429): the message fails at once. */
  readonly retryable: boolean;
  constructor(message: string, options: { status?: number | null; retryable?: boolean } = {}) {
    super(message);
    this.name = 'SendFailure';
    this.status = options.status ?? null;
    this.retryable = options.retryable ?? true;
  }
}

/** An outbound channel (webhook, e-mail, SMS): sends one outbox message. */
export interface OutboundChannel {
  /** Globally unique; by convention `<connector id>` or `<connector id>:<name>`. */
  readonly id: string;
  /** Attempts before a message fails for good (default 5). */
  readonly maxAttempts?: number;
  /** Delay before retry n is initialMs · factor^(n-1), at most maxMs (default 2 s, ×2, 15 min). */
  readonly backoff?: { readonly initialMs: number; readonly factor: number; readonly maxMs: number };
  /** The backoff from the connector's configuration, when it has one (wins over `backoff`). */
  configuredBackoff?(ctx: ConnectorContext): Promise<{ readonly initialMs: number; readonly factor: number; readonly maxMs: number } | null>;
  send(message: OutboxMessage, ctx: ConnectorContext): Promise<SendResult>;
  /** Sends of one claimed batch `send` runs at once when the channel has no `sendBatch` (default 8). */
  readonly parallel?: number;
  /**
   * Sends a claimed batch in one go (one query for the batch's rows, one transaction for their
   * activities): one outcome per message, in order — its SendResult, or the error its attempt failed
   * with (a SendFailure says whether to retry). Preferred over `send` when present; throwing fails
   * every message of the batch's attempt.
   */
  sendBatch?(messages: readonly OutboxMessage[], ctx: ConnectorContext): Promise<readonly (SendResult | Error)[]>;
  /** Called once a message has failed for good (its last attempt, or a non-retryable failure). */
  failed?(message: OutboxMessage, error: string, ctx: ConnectorContext): Promise<void>;
  /** Called after a successful send. */
  succeeded?(message: OutboxMessage, ctx: ConnectorContext): Promise<void>;
  /**
   * Other connectors may enqueue on this channel too (e.g. the calendar's invitations go out by
   * e-mail): the payload is then the channel's documented shape, and the channel's connector sends it.
   */
  readonly shared?: boolean;
}

/**
 * What one connector tells the others (`ctx.publish`, received by `onEvent`): a small, typed list,
 * one member per kind of news, so connectors stay out of each other's code.
 */
export type ConnectorEvent = InboundCalendarPart;

/** A text/calendar part (iTIP, RFC 6047) of an e-mail the mail sync stored. */
export interface InboundCalendarPart {
  readonly type: 'email.calendar-part';
  /** The part's METHOD (REQUEST, REPLY, CANCEL…), upper case; '' when it names none. */
  readonly method: string;
  /** The iCalendar text. */
  readonly content: string;
  /** The sender's address, lower case. */
  readonly from: string;
  readonly messageId: string | null;
  /** The stored e-mail (an activity). */
  readonly activityId: string;
}

/** Inbound work run periodically by exactly one process of the platform (a pg-boss slot per period). */
export interface Poller {
  readonly id: string;
  readonly everySeconds: number;
  run(ctx: ConnectorContext & { readonly signal: AbortSignal }): Promise<void>;
}

/** A new outbox message. */
export interface NewOutboxMessage {
  readonly channel: string;
  readonly recipient: string;
  readonly payload: JsonObject;
  /** Writing the same key twice on a channel stores one message. */
  readonly idempotencyKey: string;
  /** Attempts before it fails for good (default: the channel's maxAttempts, else 5). */
  readonly maxAttempts?: number;
}

/** The connector's settings as its code sees them: secrets decrypted. */
export interface ConnectorSettings {
  readonly enabled: boolean;
  readonly config: JsonObject;
}

/** What the platform gives a connector (its handlers get it too). */
export interface ConnectorContext {
  readonly connectorId: string;
  readonly knex: Knex;
  readonly records: RecordService;
  /**
   * The current settings (cached for a few seconds; a change made in this process is seen at once).
   * Inside a transaction (a record hook, an inline task) pass it: the read must not wait for it.
   */
  settings(trx?: Knex.Transaction): Promise<ConnectorSettings>;
  /** Replaces the configuration, keeping the secrets (e.g. disabling a subscription after failures). */
  updateConfig(update: (config: JsonObject) => JsonObject, reason: string): Promise<void>;
  /** Writes outbox messages in the caller's transaction (the business transaction), or in one of its own. */
  enqueue(trx: Knex.Transaction | null, messages: readonly NewOutboxMessage[]): Promise<number>;
  /**
   * The value of a secret field (`"type": "secret"`) of a record, e.g. the password of a mail account
   * the connector syncs; null when none is set. Never returned by the API: only connectors read it.
   * No rights are checked: read only the records the connector works for.
   */
  revealSecret(entity: string, recordId: string, field: string, trx?: Knex.Transaction): Promise<string | null>;
  /**
   * What the other side said after a send (a delivery report, a status callback, a bounce): moves a
   * `sent` (or `delivered`) message of one of this connector's channels to `delivered` or `failed`,
   * with the other side's error and status code (e.g. an SMTP 550) when it gave them; in `trx` when
   * given (a bounce found while storing mail). False
   * when no such message is in a state that can move.
   */
  reportOutcome(channel: string, idempotencyKey: string, outcome: { readonly state: 'delivered' | 'failed'; readonly error?: string; readonly status?: number }, trx?: Knex.Transaction): Promise<boolean>;
  /** Whether this process runs workers (outbox sends, pollers, jobs): where a connector holding a
   * device (a modem's serial port) should hold it, rather than in a CLI command. */
  workersRunning(): boolean;
  /** An in-app notification to every user holding administerConnectors. */
  notifyAdmins(subject: Labels, body: Labels): Promise<void>;
  /**
   * An actor for the records service acting as the user, with the user's rights (a per-user sync
   * writes what the user may write, and the audit names them). Throws FORBIDDEN for a deactivated user.
   */
  actAs(userId: string, trx?: Knex.Transaction): Promise<Actor>;
  /**
   * Tells the other enabled connectors (their `onEvent`), in `trx`: each handler runs in a savepoint,
   * so one that fails is logged and undone without undoing the caller's work.
   */
  publish(trx: Knex.Transaction, event: ConnectorEvent): Promise<void>;
  /**
   * Starts a bulk job of one of this connector's `recordJobKinds` (by its name) over records chosen
   * by ids or a list filter, acting as `actor` (engine/record-sets/jobs.ts); its first report.
   */
  submitRecordJob(actor: Actor, submission: { readonly kind: string; readonly entity: string; readonly selection: RecordSelection; readonly params: JsonObject }): Promise<RecordJobReport>;
  log(message: string, error?: unknown): void;
}

/** A task type of a connector: its handler also gets the connector's context (settings, secrets, outbox). */
export type ConnectorTaskType =
  | (Omit<InlineTaskType, 'handler'> & { handler(input: TaskInput, ctx: InlineTaskContext & { readonly connector: ConnectorContext }): Promise<JsonObject | void> })
  | (Omit<JobTaskType, 'handler'> & { handler(input: TaskInput, ctx: JobTaskContext & { readonly connector: ConnectorContext }): Promise<JsonObject | void> });

/** A kind of bulk job of a connector: its chunk's work also gets the connector's context. */
export interface ConnectorRecordJobKind {
  /** Unique within the connector (the job's kind is `<connector>:<name>`). */
  readonly name: string;
  include?(entity: string, params: JsonObject, ctx: ConnectorContext): readonly string[];
  handle(work: RecordJobWork, ctx: ConnectorContext): Promise<readonly RecordJobItem[]>;
}

/** Express router of a connector's HTTP routes, mounted at /api/connectors/<id>/. */
export type ConnectorRoutes = (router: Router, ctx: ConnectorContext & { access(res: Response): Access | null }) => void;

/**
 * Express router of routes without sign-in (a feed a calendar app fetches with a token in the URL),
 * mounted at /api/connectors/<id>/public/. Each route checks its own credential.
 */
export type PublicConnectorRoutes = (router: Router, ctx: ConnectorContext) => void;

/**
 * An operation a connector offers to callers acting for a user (the Node-RED nodes: send an
 * e-mail, an SMS, print a receipt). It runs with `call.actor`'s rights (check them: it is the
 * connector's rule who may send or print), and the same `idempotencyKey` twice does the work once
 * (the outbox's or queue's key). Refusals and bad input are TesseraErrors (FORBIDDEN,
 * VALIDATION_FAILED with a pointer per bad value of `input`).
 */
export interface ConnectorAction {
  readonly description: string;
  run(input: JsonObject, ctx: ConnectorContext, call: { readonly actor: Actor; readonly idempotencyKey: string }): Promise<JsonObject>;
}

export interface Connector {
  /** Lower case letters, digits and dashes; names its folder, routes and settings. */
  readonly id: string;
  readonly label: Labels;
  readonly description?: Labels;
  /** Enabled until an administrator says otherwise (for connectors that need no configuration). Default false. */
  readonly enabledByDefault?: boolean;
  /** Configuration JSON Schema, rendered as the settings form; absent: nothing to configure. */
  readonly configSchema?: ConfigSchema;
  /** rjsf uiSchema hints for the settings form (widgets, order). */
  readonly uiSchema?: Readonly<Record<string, unknown>>;
  /** BPMN task types, registered in every process kind (they fail while the connector is disabled). */
  readonly taskTypes?: readonly ConnectorTaskType[];
  /** Outbound channels whose messages the outbox sends. */
  readonly channels?: readonly OutboundChannel[];
  /**
   * Kinds of bulk job over sets of records (serial SMS to a large list): run in chunks with the
   * starter's rights, resumed after a restart, each record at most once (engine/record-sets/jobs.ts).
   */
  readonly recordJobKinds?: readonly ConnectorRecordJobKind[];
  /** Periodic inbound work (one process polls per period). */
  readonly pollers?: readonly Poller[];
  /**
   * Metadata the connector needs (entity types such as mail accounts, activity kinds, roles), as
   * package files relative to the connector: `{ 'entities/mail_account.json': {...} }`. Merged into the
   * installation's package under `connectors/<id>/` and applied on start when it changed; an analyst
   * cannot alter these files. Name items after the connector (`email_account`) to stay clear of the
   * installation's own.
   */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Routes behind sign-in (rights are the connector's to check with `access`). */
  readonly routes?: ConnectorRoutes;
  /**
   * Routes WITHOUT sign-in, mounted at /api/connectors/<id>/public/: other systems calling in
   * (delivery reports, incoming messages), links in mails (unsubscribe), feeds (calendars). Each route
   * authorises the request by what it carries (a signature, a signed token, a secret in the URL)
   * before acting. 404 while the connector is disabled.
   */
  readonly publicRoutes?: PublicConnectorRoutes;
  /** Operations for callers acting as a user (the Node-RED nodes), by name: `send`, `print`. */
  readonly actions?: Readonly<Record<string, ConnectorAction>>;
  /** Record changes, in the business transaction (e.g. webhook subscriptions). */
  readonly onRecordChange?: (trx: Knex.Transaction, change: RecordChange, ctx: ConnectorContext) => Promise<void>;
  /** What another connector published (`ctx.publish`), in its transaction. */
  readonly onEvent?: (trx: Knex.Transaction, event: ConnectorEvent, ctx: ConnectorContext) => Promise<void>;
  /** Started in every process with the platform; returns what stops it. */
  start?(ctx: ConnectorContext): Promise<(() => Promise<void>) | void>;
}

export type { JsonObject, JsonValue };
