// Import of CSV and XLSX files into entity types (docs/import.md): reading files (encodings,
// delimiters, Polish and Romanian formats), column mapping, dry runs and imports as resumable jobs
// through the records service, the validation report, undo, saved mappings.
export { ImportJobs, IMPORT_PROBLEMS_SHOWN, type ImportOptions, type ImportSubmission, type JobSettings } from './jobs.ts';
export { importReport, cancelImport, problemLine, type ImportReport } from './report.ts';
export { undoImport } from './undo.ts';
export { saveMapping, listMappings, getMapping, type SavedMapping } from './saved-mappings.ts';
export { readTable, type Table, type ReadOptions } from './table.ts';
export { autoMap, resolveMapping, importTargets, relatedImports, type ColumnMapping, type RelatedImport } from './mapping.ts';
export { TEXT_ENCODINGS, type TextEncoding } from './decode.ts';
export type { OnDuplicate } from './chunk.ts';
