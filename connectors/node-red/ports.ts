// What the Tessera nodes need from the engine, declared by the embedding (engine/automation/ports.ts)
// and reached through the connector API.
export type { TesseraPorts, IdentityRef, RecordEvent, EventAction, ListQuery, TesseraNodeError } from '../../engine/connectors/index.ts';
