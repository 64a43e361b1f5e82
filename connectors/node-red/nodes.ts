// The Tessera nodes of the Node-RED palette (category "Tessera"). Node-RED loads palette/tessera.js,
// which hands its RED object to `registerTesseraNodes` with the engine's ports. Each node acts as the
// identity of its `tessera-identity` config node (an API token) or, without one, as the
// installation's `automation` user — never with the platform's rights. A refusal (a write the
// identity may not do) is reported in the flow: node.error(…, msg) reaches Catch nodes.
import type { JsonObject, JsonValue } from '../../engine/connectors/index.ts';
import type { EventAction, IdentityRef, RecordEvent, TesseraNodeError, TesseraPorts } from './ports.ts';

/** The part of a Node-RED message the nodes read and write. */
export interface NodeMessage {
  payload?: JsonValue;
  topic?: string;
  recordId?: string;
  entity?: string;
  correlationKey?: string;
  activityId?: string;
  formData?: JsonValue;
  idempotencyKey?: string;
  event?: RecordEvent;
  [key: string]: unknown;
}

/** The part of a Node-RED node object the nodes use. */
export interface RuntimeNode {
  readonly id: string;
  readonly z?: string;
  readonly name?: string;
  credentials?: { token?: string };
  send(msg: NodeMessage | null): void;
  error(error: unknown, msg?: NodeMessage): void;
  status(status: { fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey'; shape?: 'dot' | 'ring'; text?: string }): void;
  on(event: 'input', handler: (msg: NodeMessage, send: (msg: NodeMessage) => void, done: (error?: unknown) => void) => void): void;
  on(event: 'close', handler: () => void): void;
}

/** The part of Node-RED's RED object the nodes use. */
export interface NodeRedApi {
  readonly nodes: {
    createNode(node: object, config: object): void;
    registerType(type: string, constructor: (this: RuntimeNode, config: NodeConfig) => void, options?: { credentials?: Record<string, { type: 'text' | 'password' }> }): void;
    getNode(id: string): RuntimeNode | null;
  };
  /** Node-RED's settings lookup: NR_FLOW_NAME is the label of the node's flow. */
  readonly util: { getSetting(node: RuntimeNode, name: string): unknown; getMessageProperty(msg: NodeMessage, path: string): unknown };
}

/** A node's configuration as the editor saved it. */
export interface NodeConfig {
  readonly id: string;
  readonly z?: string;
  readonly name?: string;
  readonly identity?: string;
  readonly entity?: string;
  readonly actions?: string;
  readonly filter?: string;
  readonly query?: string;
  readonly sort?: string;
  readonly limit?: string | number;
  readonly mode?: string;
  readonly processId?: string;
  readonly message?: string;
  /** Send nodes: the message property holding the idempotency key (default msg.idempotencyKey). */
  readonly key?: string;
  readonly account?: string;
  readonly to?: string;
  readonly subject?: string;
  readonly template?: string;
  readonly language?: string;
  readonly purpose?: string;
  readonly printer?: string;
}

export const EVENT_ACTIONS: readonly EventAction[] = ['create', 'update', 'delete', 'restore'];

/** The actions a `tessera-event` node listens for: its comma-separated setting, all when empty. */
export function parseActions(text: string | undefined): ReadonlySet<EventAction> {
  const picked = (text ?? '').split(',').map((s) => s.trim()).filter((s): s is EventAction => (EVENT_ACTIONS as readonly string[]).includes(s));
  return new Set(picked.length > 0 ? picked : EVENT_ACTIONS);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The record id a message names: msg.recordId, else msg.payload.id. */
export function recordIdOf(msg: NodeMessage): string | null {
  if (typeof msg.recordId === 'string' && msg.recordId) return msg.recordId;
  if (isObject(msg.payload) && typeof msg.payload.id === 'string') return msg.payload.id;
  return null;
}

/** Fields the platform maintains (records as read carry them); `owner` stays: a flow may hand a record over. */
const PLATFORM_FIELDS = new Set(['id', 'version', 'created_at', 'created_by', 'updated_at', 'updated_by', 'deleted_at']);

/** The values a create/update writes: msg.payload without the platform's own fields. */
export function valuesOf(msg: NodeMessage): JsonObject {
  if (!isObject(msg.payload)) return {};
  return Object.fromEntries(Object.entries(msg.payload).filter(([name]) => !PLATFORM_FIELDS.has(name)));
}

/** The record version a message carries: msg.payload.version, else that of the event's record when it is the same record. */
export function versionOf(msg: NodeMessage): number | undefined {
  if (isObject(msg.payload) && typeof msg.payload.version === 'number') return msg.payload.version;
  const event = msg.event;
  if (event && event.recordId === recordIdOf(msg) && typeof event.record.version === 'number') return event.record.version;
  return undefined;
}

/** The activity whose user task a `tessera-workflow` node completes: msg.activityId, else the record of a message about an activity. */
export function activityIdOf(msg: NodeMessage): string | null {
  if (typeof msg.activityId === 'string' && msg.activityId) return msg.activityId;
  if (msg.entity === 'activity' || msg.entity === undefined) return recordIdOf(msg);
  return null;
}

/** The form data a completed task gets: msg.formData, else msg.payload unless that is the record of an event. */
export function formDataOf(msg: NodeMessage): JsonObject {
  if (isObject(msg.formData)) return msg.formData;
  return msg.event === undefined && isObject(msg.payload) ? msg.payload : {};
}

export function fail(code: string, message: string): TesseraNodeError {
  return Object.assign(new Error(message), { code });
}

/** Who a node acts as (its identity's token, or none), naming its flow and node for the audit trail. */
export function identityOf(RED: NodeRedApi, node: RuntimeNode, config: NodeConfig): IdentityRef {
  const token = config.identity ? RED.nodes.getNode(config.identity)?.credentials?.token : undefined;
  const flowName = node.z ? RED.util.getSetting(node, 'NR_FLOW_NAME') : undefined;
  return {
    ...(token ? { token } : {}),
    ...(node.z ? { flow: node.z } : {}),
    ...(typeof flowName === 'string' && flowName ? { flowName } : {}),
    node: node.id,
    ...(config.name ? { nodeName: config.name } : {}),
  };
}

/** An input handler that reports failures in the flow (Catch nodes) and on the node's status. */
export function onInput(node: RuntimeNode, work: (msg: NodeMessage) => Promise<NodeMessage | null>): void {
  node.on('input', (msg, send, done) => {
    work(msg).then(
      (out) => {
        node.status({});
        if (out) send(out);
        done();
      },
      (error: unknown) => {
        const code = (error as TesseraNodeError).code;
        node.status({ fill: 'red', shape: 'ring', text: code ?? 'error' });
        done(error);
      },
    );
  });
}

export function registerTesseraNodes(RED: NodeRedApi, ports: TesseraPorts): void {
  const identity = (node: RuntimeNode, config: NodeConfig): IdentityRef => identityOf(RED, node, config);
  const entityOf = (config: NodeConfig, msg: NodeMessage): string => {
    const entity = config.entity || (typeof msg.entity === 'string' ? msg.entity : '');
    if (!entity) throw fail('BAD_INPUT', 'no entity type: set it on the node or in msg.entity');
    return entity;
  };

  RED.nodes.registerType(
    'tessera-identity',
    function (this: RuntimeNode, config) {
      RED.nodes.createNode(this, config);
    },
    { credentials: { token: { type: 'password' } } },
  );

  RED.nodes.registerType('tessera-event', function (this: RuntimeNode, config) {
    RED.nodes.createNode(this, config);
    const actions = parseActions(config.actions);
    const filter = (config.filter ?? '').trim();
    if (!config.entity) {
      this.status({ fill: 'red', shape: 'ring', text: 'no entity' });
      return;
    }
    this.status({ fill: 'green', shape: 'dot', text: config.entity });
    const unsubscribe = ports.events.subscribe(config.entity, async (event) => {
      if (!actions.has(event.action)) return;
      try {
        if (filter && !ports.feelHolds(filter, event.record)) return;
      } catch (error) {
        this.error(error);
        return;
      }
      this.send({ payload: event.record, topic: `${event.entity}.${event.action}`, recordId: event.recordId, entity: event.entity, event, _msgid: `tessera-event-${event.id}` });
    });
    this.on('close', unsubscribe);
  });

  RED.nodes.registerType('tessera-get', function (this: RuntimeNode, config) {
    RED.nodes.createNode(this, config);
    onInput(this, async (msg) => {
      const id = recordIdOf(msg);
      if (!id) throw fail('BAD_INPUT', 'no record id: msg.recordId or msg.payload.id');
      return { ...msg, payload: await ports.records.get(identity(this, config), entityOf(config, msg), id) };
    });
  });

  RED.nodes.registerType('tessera-query', function (this: RuntimeNode, config) {
    RED.nodes.createNode(this, config);
    onInput(this, async (msg) => {
      const filter = config.query ? (JSON.parse(config.query) as JsonValue) : isObject(msg.payload) ? msg.payload : undefined;
      const limit = Number(config.limit) || undefined;
      const result = await ports.records.list(identity(this, config), entityOf(config, msg), { ...(filter !== undefined ? { filter } : {}), ...(config.sort ? { sort: config.sort } : {}), ...(limit ? { limit } : {}) });
      return { ...msg, payload: result.data, ...(result.next ? { next: result.next } : {}) };
    });
  });

  RED.nodes.registerType('tessera-create', function (this: RuntimeNode, config) {
    RED.nodes.createNode(this, config);
    onInput(this, async (msg) => {
      const record = await ports.records.create(identity(this, config), entityOf(config, msg), valuesOf(msg));
      return { ...msg, payload: record, recordId: String(record.id) };
    });
  });

  RED.nodes.registerType('tessera-update', function (this: RuntimeNode, config) {
    RED.nodes.createNode(this, config);
    onInput(this, async (msg) => {
      const id = recordIdOf(msg);
      if (!id) throw fail('BAD_INPUT', 'no record id: msg.recordId or msg.payload.id');
      const who = identity(this, config);
      const entity = entityOf(config, msg);
      // The version the flow saw (payload, else the event's record); without one, the current one: a change in between is a VERSION_CONFLICT.
      const version = versionOf(msg) ?? Number((await ports.records.get(who, entity, id)).version);
      return { ...msg, payload: await ports.records.update(who, entity, id, valuesOf(msg), version) };
    });
  });

  RED.nodes.registerType('tessera-delete', function (this: RuntimeNode, config) {
    RED.nodes.createNode(this, config);
    onInput(this, async (msg) => {
      const id = recordIdOf(msg);
      if (!id) throw fail('BAD_INPUT', 'no record id: msg.recordId or msg.payload.id');
      return { ...msg, payload: await ports.records.remove(identity(this, config), entityOf(config, msg), id) };
    });
  });

  RED.nodes.registerType('tessera-workflow', function (this: RuntimeNode, config) {
    RED.nodes.createNode(this, config);
    onInput(this, async (msg): Promise<NodeMessage> => {
      const who = identity(this, config);
      const variables = isObject(msg.payload) ? msg.payload : {};
      if (config.mode === 'complete') {
        const activityId = activityIdOf(msg);
        if (!activityId) throw fail('BAD_INPUT', 'no task: msg.activityId (or msg.recordId of an activity)');
        const result = await ports.workflows.complete(who, activityId, formDataOf(msg));
        return { ...msg, payload: { instanceId: result.instanceId, activity: result.activity } };
      }
      if ((config.mode ?? 'start') === 'publish') {
        const message = config.message || (typeof msg.topic === 'string' ? msg.topic : '');
        if (!message) throw fail('BAD_INPUT', 'no message name: set it on the node or in msg.topic');
        const result = await ports.workflows.publish(who, message, typeof msg.correlationKey === 'string' ? msg.correlationKey : '', variables);
        return { ...msg, payload: { correlated: result.correlated, started: [...result.started] } };
      }
      if (!config.processId) throw fail('BAD_INPUT', 'no process id set on the node');
      const record = typeof msg.recordId === 'string' && typeof msg.entity === 'string' ? { entity: msg.entity, id: msg.recordId } : undefined;
      const instanceId = await ports.workflows.start(who, config.processId, variables, record);
      return { ...msg, payload: { instanceId } };
    });
  });
}
