// The connector API: everything a connector (connectors/<id>/) may import from the engine. The
// contract it implements, the task-type types and BPMN errors, FEEL evaluation, and the records
// service it is handed. Connectors import nothing else of the engine (an eslint rule holds them to it).
export type { Connector, ConnectorAction, ConnectorContext, ConnectorRecordJobKind, ConnectorTaskType, ConnectorRoutes, PublicConnectorRoutes, ConfigSchema, ConnectorSettings, ConnectorEvent, InboundCalendarPart, Labels, NewOutboxMessage, OutboundChannel, OutboxMessage, Poller, SendResult, JsonObject, JsonValue } from './contract.ts';
export { SendFailure } from './contract.ts';
export { TaskBpmnError, type TaskType, type InlineTaskType, type JobTaskType, type TaskInput, type InlineTaskContext, type JobTaskContext, type Backoff } from '../workflows/runtime/index.ts';
export type { RecordChange, RecordService, Actor, UpdateItem, CreateManyOptions, UpdateManyOptions } from '../records/index.ts';
export { BULK_MAX_ITEMS } from '../records/index.ts';
export { checkFeel, evaluateFeel, feelConditionHolds, recordFeelContext } from '../../metadata/index.ts';
export { SECRET_KEY_FILE } from './secrets.ts';
export type { TesseraPorts, IdentityRef, RecordEvent, EventAction, ListQuery, TesseraNodeError } from '../automation/ports.ts';
export { TesseraError, type Problem } from '../errors.ts';
export { saveRates, findRate, storedDays, addDays, documentRateRule, SOURCE_CURRENCY, type CurrencyRate, type RateSource } from '../exchange-rates/index.ts';
export type { RecordJobItem, RecordJobReport, RecordJobWork, RecordSelection } from '../record-sets/index.ts';
export { RECORD_JOB_MAX_IDS } from '../record-sets/index.ts';
