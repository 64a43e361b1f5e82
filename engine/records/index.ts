export { RecordService, type DuplicateMatches, type AuditAction, type Actor, type AuditRow, type AuditOrigin, type RecordContext, type RecordChange, type ChangeHook, type ChangeAction, type ListResult, type GetOptions, type ReadDelegation } from './service.ts';
export { LiveMetadata, buildSnapshot, type MetadataSnapshot, type EntityRuntime } from './live-metadata.ts';
export { fold, MAX_LIMIT, DEFAULT_LIMIT, type ListRequest } from './list.ts';
export { createRecordAjv, schemaProblems } from './validation.ts';
export { SYSTEM_OUTPUT, type ApiRecord, type Link } from './values.ts';
export { type MergeResult, type MergeMoved } from './merge.ts';
export { massUpdate, parseMassUpdate, MASS_UPDATE_MAX, type MassUpdateInput } from './mass-update.ts';
