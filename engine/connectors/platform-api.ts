// What the engine's composition root (platform.ts, the HTTP app, the CLI) uses of the connector
// platform; connectors themselves import ./index.ts.
export { ConnectorHost, connectorListProblems, contributedPackages } from './host.ts';
export { loadKeyring, parseSecretKey, SecretKeyring, SECRET_KEY_FILE } from './secrets.ts';
export { loadConnectors, CONNECTOR_MODULES_ENV } from './modules.ts';
export { OUTBOX_QUEUE, OUTBOX_STATES, type OutboxEntry, type OutboxFilter, type OutboxState } from './outbox.ts';
export type { Connector, Labels } from './contract.ts';
