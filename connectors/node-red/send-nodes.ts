// The Tessera nodes that send through the connectors: `tessera-email-send`, `tessera-sms-send`,
// `tessera-fiscal-print`. Each calls a connector action (the engine's connector API) as the node's
// identity: the connector checks the identity's rights, validates, and writes its outbox or print
// queue under an idempotency key, so a message handed to the node twice (a redelivered record
// event, a retried webhook) sends or prints once. Nothing is sent from here: the outbox does it.
import type { JsonObject, JsonValue } from '../../engine/connectors/index.ts';
import { fail, identityOf, isObject, onInput, recordIdOf, type NodeConfig, type NodeMessage, type NodeRedApi, type RuntimeNode } from './nodes.ts';
import type { TesseraPorts } from './ports.ts';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : typeof value === 'number' ? String(value) : undefined);

/**
 * The idempotency key of a send: the value of the node's *Key* property of the message (default
 * msg.idempotencyKey), else the id of the record event the message came from, else the message's
 * id. Prefixed with the node: two send nodes reacting to one event both send.
 */
export function idempotencyKeyOf(config: Pick<NodeConfig, 'key'>, msg: NodeMessage, nodeId: string, read: (path: string) => unknown): string {
  const fromKey = text(read(config.key?.trim() || 'idempotencyKey'));
  const key = fromKey ?? msg.event?.id ?? text(msg._msgid);
  if (!key) throw fail('BAD_INPUT', `no idempotency key: set msg.${config.key?.trim() || 'idempotencyKey'}`);
  return `node-red:${nodeId}:${key}`;
}

/** The record a message is about ({entity, id}): msg.record, else msg.entity with msg.recordId. */
export function recordOf(msg: NodeMessage): { entity: string; id: string } | undefined {
  const record = msg.record;
  if (isObject(record) && typeof record.entity === 'string' && typeof record.id === 'string') return { entity: record.entity, id: record.id };
  if (typeof msg.entity === 'string' && typeof msg.recordId === 'string' && msg.recordId) return { entity: msg.entity, id: msg.recordId };
  return undefined;
}

const defined = (values: Record<string, JsonValue | undefined>): JsonObject => Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as JsonObject;

/** The e-mail a message asks for: the node's settings, overridden by msg.to/cc/bcc/subject/account/template; msg.payload the text (or {text, html, subject}). */
export function emailInput(config: NodeConfig, msg: NodeMessage): JsonObject {
  const body = isObject(msg.payload) ? msg.payload : {};
  const record = recordOf(msg);
  return defined({
    account: text(msg.account) ?? text(config.account),
    to: (msg.to as JsonValue | undefined) ?? text(config.to),
    cc: msg.cc as JsonValue | undefined,
    bcc: msg.bcc as JsonValue | undefined,
    subject: text(msg.subject) ?? text(body.subject) ?? text(config.subject) ?? text(msg.topic),
    text: typeof msg.payload === 'string' ? msg.payload : text(body.text),
    html: text(body.html),
    template: text(msg.template) ?? text(config.template),
    language: text(msg.language) ?? text(config.language),
    record,
  });
}

/** The SMS a message asks for: msg.to or the record's mobile number; msg.payload the text (or a template's values). */
export function smsInput(config: NodeConfig, msg: NodeMessage): JsonObject {
  const template = text(msg.template) ?? text(config.template);
  return defined({
    to: text(msg.to) ?? text(config.to),
    record: recordOf(msg),
    text: typeof msg.payload === 'string' ? msg.payload : isObject(msg.payload) && !template ? text(msg.payload.text) : undefined,
    template,
    values: template ? ((isObject(msg.values) ? msg.values : isObject(msg.payload) ? msg.payload : undefined) as JsonValue | undefined) : undefined,
    language: text(msg.language) ?? text(config.language),
    account: text(msg.account) ?? text(config.account),
    purpose: text(msg.purpose) ?? text(config.purpose),
  });
}

/** The receipt a message asks for: of the sale msg.saleId (or the sale record of the message), or msg.receipt {lines, payments}. */
export function fiscalInput(config: NodeConfig, msg: NodeMessage): JsonObject {
  const sale = text(msg.saleId) ?? (msg.entity === 'sale' ? (recordIdOf(msg) ?? undefined) : undefined);
  return defined({
    sale,
    receipt: !sale && isObject(msg.receipt) ? msg.receipt : undefined,
    printer: text(msg.printer) ?? text(config.printer),
  });
}

const SEND_NODES = [
  { type: 'tessera-email-send', connector: 'email', action: 'send', input: emailInput },
  { type: 'tessera-sms-send', connector: 'sms', action: 'send', input: smsInput },
  { type: 'tessera-fiscal-print', connector: 'fiscal', action: 'print', input: fiscalInput },
] as const;

export function registerSendNodes(RED: NodeRedApi, ports: TesseraPorts): void {
  for (const kind of SEND_NODES) {
    RED.nodes.registerType(kind.type, function (this: RuntimeNode, config) {
      RED.nodes.createNode(this, config);
      onInput(this, async (msg) => {
        const key = idempotencyKeyOf(config, msg, this.id, (path) => RED.util.getMessageProperty(msg, path));
        const result = await ports.connectors.act(identityOf(RED, this, config), kind.connector, kind.action, kind.input(config, msg), key);
        return { ...msg, payload: result, idempotencyKey: key };
      });
    });
  }
}
