// The metadata module: the model of the business, pure (no database, no HTTP). This is the Node entry:
// the browser-safe part (`browser.ts`, imported by ui/ and forms/) plus package loading, validation of a
// whole package, physical names (hashed with node:crypto), the migration planner and type generation.
export * from './browser.ts';
export { loadPackageDir, type LoadResult } from './load.ts';
export { validatePackage, filePathProblem, type ValidationResult } from './validate.ts';
export { MAX_STEPS_PER_APPLY, MAX_TABLE_COLUMNS, planLimitProblem, schemaLimitErrors } from './limits.ts';
export {
  physicalSchema,
  fieldColumnType,
  objectName,
  quoteIdent,
  searchExpression,
  joinTableName,
  CURRENCY_SUFFIX,
  PLATFORM_SCHEMA,
  RECORD_SCHEMA,
  SYSTEM_COLUMNS,
  USERS_TABLE,
  type ColumnType,
  type ForeignKey,
  type OnDelete,
  type PhysicalColumn,
  type PhysicalExclusion,
  type PhysicalIndex,
  type PhysicalSchema,
  type PhysicalTable,
} from './physical.ts';
export { planMigration, typeChange, describeType, checkConstraintName, foreignKeyName, type MigrationPlan, type MigrationStep, type PlannedStep, type RecordsAffected } from './plan.ts';
export { conditionSql, exclusionShapes, parseCondition, periodSql, EXCLUSION_EQUAL_TYPES, type ExclusionKey, type ExclusionShape } from './exclusions.ts';
export { entityTypesSource } from './types.ts';
export { textProblem } from './text.ts';
export { isoLocalDate, knownTimeZone, localDate, type LocalDate } from './calendar.ts';
export { nextNumbers, numberingMoment, seriesFor, type NumberingReset, type SeriesSpec } from './numbering.ts';
export type { AssigneeLoad, BusyItem } from './assignee-load.ts';
