// The metadata module: the model of the business, pure (no database, no HTTP).
export type * from './schema/types.generated.ts';
export { metaSchema } from './schema/meta-schema.ts';
export { loadPackageDir, type LoadResult } from './load.ts';
export { validatePackage, filePathProblem, type ValidationResult } from './validate.ts';
export { MAX_STEPS_PER_APPLY, MAX_TABLE_COLUMNS, planLimitProblem, schemaLimitErrors } from './limits.ts';
export { MetadataValidationError, formatMetadataError, pointer, type MetadataError, type MetadataErrorCode } from './errors.ts';
export { MANIFEST_FILE, groupItems, type MetadataPackage, type PackageFiles } from './package.ts';
export { buildModel, fieldsOfKind, allowedTargets, transitionsBetween, labelText, USER_TARGET, TEAM_TARGET, PLATFORM_TARGETS, platformTarget, type PlatformTarget, type EntityModel, type MachineModel, type MachineState, type Model, type FieldType } from './model.ts';
export { ACTIVITY_ENTITY, ACTIVITY_COMMON_FIELDS, ACTIVITY_COMMON_FIELD_NAMES, PLATFORM_LEVEL, PLATFORM_ADDITIONS, atPlatformLevel } from './activity.ts';
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
  type PhysicalIndex,
  type PhysicalSchema,
  type PhysicalTable,
} from './physical.ts';
export { planMigration, typeChange, describeType, checkConstraintName, foreignKeyName, type MigrationPlan, type MigrationStep, type PlannedStep } from './plan.ts';
export { parseFilter, bindFilter, coerceScalar, isUuid, filterFields, filterTerms, filterableType, queryField, FILTER_OPERATORS, FILTER_TOKENS, MAX_FILTER_DEPTH, SYSTEM_FIELD_TYPES, type BoundFilterExpr, type FilterExpr, type FilterTerm, type FilterSubject, type FilterToken, type FilterOperator, type FilterProblem, type FilterValue, type FilterableType, type QueryField } from './filter.ts';
export { checkFeel, evaluateFeel, feelConditionHolds, recordFeelContext, type FeelContext } from './feel.ts';
export { normalizeUrl, isValidUrl, isValidPostalCode, postalCodeCountry, postalCodeDetail, postalCodeProblems, formatDetail, RECORD_FORMATS, POSTAL_CODE_PATTERNS, type FormatCheck, type PostalCodeCountry } from './field-formats.ts';
export { declaredDefaults, defaultValues, resolveDefault, type DefaultContext } from './defaults.ts';
export { DUPLICATE_FIELD_TYPES, PHONE_DIGITS, applicableRules, duplicateOperand, type DuplicateOperand } from './duplicates.ts';
export { checkTaxId, compactTaxId, isValidCui, isValidNip, type TaxIdCountry, type TaxIdResult } from './tax-id.ts';
export { recordInputSchema, recordOutputSchema, fieldValueSchema, TAX_ID_FORMATS, PHONE_PATTERN, type JsonSchema, type Language, type RecordSchemaOptions, type TaxIdFormat } from './record-schema.ts';
export { entityTypesSource } from './types.ts';
export { textProblem } from './text.ts';
export { isoLocalDate, knownTimeZone, localDate, type LocalDate } from './calendar.ts';
