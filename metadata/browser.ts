// The browser-safe entry of the metadata module: the model, validation schemas of records, filters,
// FEEL, formats and defaults — everything the web app and forms/ share with the server. Nothing here
// reaches Node (no fs, no node:crypto); `index.ts` adds the Node-only parts for the engine.
export type * from './schema/types.generated.ts';
export { metaSchema } from './schema/meta-schema.ts';
export { MetadataValidationError, formatMetadataError, pointer, type MetadataError, type MetadataErrorCode } from './errors.ts';
export { MANIFEST_FILE, groupItems, type MetadataPackage, type PackageFiles } from './package.ts';
export { canonicalJson } from './canonical-json.ts';
export { withContributions, contributedFileChanges, contributedPath, ownerOfFile, revertedPackage, type ContributedPackage } from './contributed-packages.ts';
export { buildModel, fieldsOfKind, allowedTargets, transitionsBetween, labelText, USER_TARGET, TEAM_TARGET, PLATFORM_TARGETS, platformTarget, type PlatformTarget, type EntityModel, type LineOwner, type TimelineInclude, type MachineModel, type MachineState, type Model, type FieldType } from './model.ts';
export { ACTIVITY_ENTITY, ACTIVITY_COMMON_FIELDS, ACTIVITY_COMMON_FIELD_NAMES, PLATFORM_LEVEL, PLATFORM_ADDITIONS, atPlatformLevel } from './activity.ts';
export { parseFilter, bindFilter, coerceScalar, isUuid, filterFields, filterTerms, filterableType, queryField, FILTER_OPERATORS, FILTER_TOKENS, MAX_FILTER_DEPTH, SYSTEM_FIELD_TYPES, type BoundFilterExpr, type FilterExpr, type FilterTerm, type FilterSubject, type FilterToken, type FilterOperator, type FilterProblem, type FilterValue, type FilterableType, type QueryField } from './filter.ts';
export { lookupPathReads, lookupReads, matchPath, matchTerms } from './lookups.ts';
export { COMPUTED_FIELD_TYPES, computeRecord, computedOrder, computedReads, computedValue, feelNames, hasComputed, isComputed, readsLookups, roundTo, type ComputedOrder, type LookupValues } from './computed.ts';
export { hasRollups, isRollup, referenceId, rollupOrder, rollupProblems, rollupsFrom, rollupTargets, ROLLUP_FIELD_TYPES, type RollupChange, type RollupProblem, type RollupRef, type RollupTarget } from './rollup.ts';
export { conversionAllowed, conversionProblems, conversionValues, mappingContext, numberingProblems, type DeclarationProblem } from './conversions.ts';
export { checkFeel, evaluateFeel, feelConditionHolds, feelConditionProblems, feelNameRefs, recordFeelContext, type FeelContext, type FeelNameRef, type FeelSyntaxProblem } from './feel.ts';
export { hiddenFields, layoutFor, visibilityRules, type VisibilityRules } from './visibility.ts';
export { normalizeUrl, isValidUrl, isValidPostalCode, postalCodeCountry, postalCodeDetail, postalCodeProblems, formatDetail, RECORD_FORMATS, POSTAL_CODE_PATTERNS, type FormatCheck, type PostalCodeCountry } from './field-formats.ts';
export { declaredDefaults, defaultValues, resolveDefault, type DefaultContext } from './defaults.ts';
export { DUPLICATE_FIELD_TYPES, PHONE_DIGITS, applicableRules, duplicateOperand, type DuplicateOperand } from './duplicates.ts';
export { checkTaxId, compactTaxId, isValidCui, isValidNip, type TaxIdCountry, type TaxIdResult } from './tax-id.ts';
export { recordInputSchema, recordOutputSchema, fieldValueSchema, TAX_ID_FORMATS, PHONE_PATTERN, type JsonSchema, type Language, type RecordSchemaOptions, type TaxIdFormat } from './record-schema.ts';
export { textProblem } from './text.ts';
export { DOCUMENT_LANGUAGES, NUMBER_FIELD_TYPES, documentText, templateLanguages, type DocumentLanguage } from './document-templates.ts';
export { TemplateProblem, compileTemplate, escapeHtml, renderMail, renderTemplate, templateRoots, type CompiledTemplate, type RenderOptions, type RenderedMail, type TemplateProblemCode } from './merge-template.ts';
export { isoLocalDate, knownTimeZone, localDate, type LocalDate } from './calendar.ts';
export { nextNumbers, numberingMoment, seriesFor, type NumberingReset, type SeriesSpec } from './numbering.ts';
export type { InstanceStatus, InstanceStartedVia, InstanceSummary } from './workflow-instance.ts';
export {
  FIELD_TYPES,
  columnValue,
  fieldTypeOf,
  type ColumnContext,
  type CsvPart,
  type Display,
  type DisplayContext,
  type FieldLink,
  type FieldOf,
  type FieldRow,
  type FieldTypeModule,
  type FieldTypeRegistry,
  type FilterPart,
  type TextOperand,
  type ValueSchemaContext,
  type WidgetContext,
  choicesOf,
  stateOptions,
  targetOptions,
  type ChoiceOption,
  type CustomFieldName,
  type FieldUiOptions,
  type FormControl,
  type LineColumn,
  DEFAULT_MAX_LINES,
  LINE_POSITION_COLUMN,
  type WidgetName,
  formatDate,
  formatDateTime,
  formatMoney,
  formatNumber,
  recordTitle,
  SECRET_MASK,
} from './field-types/index.ts';
export type { SearchGroup, SearchHit } from './search-result.ts';
export type { RunProgress } from './run-progress.ts';
export { keyText, measureText, periodRange, PERIODS, REPORT_CURRENCIES, reportHasMoney, reportHeadings, reportQuery, reportTable, rowCurrency, type Period, type ReportFilters, type ReportHeadings, type Texts } from './report-figures.ts';
export { REPORT_EN, REPORT_LOCALES, REPORT_PL, REPORT_RO, reportWord, type ReportWord } from './report-words.ts';
export type { TrialFired } from './trial-fired.ts';
export { DASHBOARD_FILTERS, type AggregateResult, type AggregateRow, type DashboardFilter, type DashboardView, type GroupKey } from './aggregate-result.ts';
export { OUTBOX_STATES, type OutboxEntry, type OutboxState } from './outbox-entry.ts';
export type { AssigneeLoad, BusyItem } from './assignee-load.ts';
export { TOKEN_SCOPES, type ApiToken, type TokenScope } from './api-token.ts';
export type { UserInfo } from './user-info.ts';
export { gsmSeptetCost, isGsm7, septetsToText, textToSeptets } from './sms/gsm-alphabet.ts';
export { type PartCount, type SmsEncoding, MAX_PARTS, PART_LIMIT, SINGLE_LIMIT, chooseEncoding, countParts, splitMessage } from './sms/message-parts.ts';
export {
  parseAggregate,
  measureName,
  groupName,
  DATE_BUCKETS,
  BUCKETS,
  AGE_BANDS,
  MEASURE_FUNCTIONS,
  MAX_GROUPS,
  MAX_MEASURES,
  type AggregateGroup,
  type AggregateMeasure,
  type AggregateQuery,
  type DateBucket,
  type GroupKind,
  type MeasureFunction,
  type ParsedAggregate,
  type RateDate,
  type ResolvedGroup,
  type ResolvedMeasure,
} from './aggregate.ts';
export { discountPercent, linesToPrice, listPrice, priceLine, PRICE_SOURCES, type DiscountRuleFacts, type PriceListFacts, type PricingFacts, type ProductFacts } from './pricing.ts';
export { CHANGE_OPS, diffPackages, type ChangeOp, type DiffGroup, type PackageDiff, type VersionChange } from './version-diff.ts';
export { CHANGE_WORDS, describeChange, diffValue, itemWord, type DiffLanguage } from './version-diff-words.ts';
