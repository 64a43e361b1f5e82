export { RecordService, type Actor, type AuditRow, type RecordContext, type RecordChange, type ChangeHook, type ChangeAction, type ListResult, type GetOptions, type ReadDelegation } from './service.ts';
export { MetadataRuntime, buildSnapshot, type MetadataSnapshot, type EntityRuntime } from './runtime.ts';
export { fold, MAX_LIMIT, DEFAULT_LIMIT, type ListRequest } from './list.ts';
export { createRecordAjv, schemaProblems } from './validation.ts';
export { SYSTEM_OUTPUT, type ApiRecord, type Link } from './values.ts';
