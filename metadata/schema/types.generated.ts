/* Generated from metadata/schema/package.schema.json by `npm run generate:types`. Do not edit. */
/**
 * One file of a Tessera metadata package. A package is a folder holding a manifest (tessera.json) and one JSON file per entity type, activity kind, pipeline, status machine, view, role, workflow trigger, document template, report or dashboard.
 */
export type MetadataItem =
  | Manifest
  | EntityType
  | ActivityKind
  | Pipeline
  | StatusMachine
  | View
  | Role
  | Trigger
  | DocumentTemplate
  | Report
  | Dashboard;
/**
 * Stable identifier, never shown to users and never changed: renaming an item keeps its id, so the migration planner sees a rename instead of a drop and a create.
 */
export type StableId = string;
/**
 * Name used as table, column and API property name: lower snake_case, starting with a letter.
 */
export type Identifier = string;
export type Field =
  | StringField
  | TextField
  | IntegerField
  | DecimalField
  | PercentField
  | MoneyField
  | BooleanField
  | DateField
  | DateTimeField
  | EnumField
  | EmailField
  | PhoneField
  | UrlField
  | TaxIdField
  | ReferenceField
  | ManyToManyField
  | JsonField
  | AttachmentField
  | StateField
  | SecretField
  | LinesField;
export type StringField = FieldCommon & {
  type: 'string';
  maxLength?: number;
  minLength?: number;
  /**
   * ECMAScript regular expression the value must match.
   */
  pattern?: string;
  default?: string;
  /**
   * postalCode: a postal code, checked per country (PL NN-NNN, RO six digits) against the country in countryField, else as one of those.
   */
  format?: 'postalCode';
  /**
   * Name used as table, column and API property name: lower snake_case, starting with a letter.
   */
  countryField?: string;
};
/**
 * Filter on the records of `from` (comparisons with literal values only).
 */
export type FilterNode = Record<string, unknown>;
/**
 * Only the records of `from` matching this filter (the filter language of lists; no $me or $myTeams) count.
 */
export type FilterNode1 = Record<string, unknown>;
export type TextField = FieldCommon & {
  type: 'text';
  maxLength?: number;
  default?: string;
};
export type IntegerField = FieldCommon & {
  type: 'integer';
  minimum?: number;
  maximum?: number;
  /**
   * 64-bit storage (bigint) instead of 32-bit.
   */
  big?: boolean;
  default?: number;
};
export type DecimalField = FieldCommon & {
  type: 'decimal';
  /**
   * Total digits (default 18).
   */
  precision?: number;
  /**
   * Digits after the point (default 4).
   */
  scale?: number;
  minimum?: number;
  maximum?: number;
  default?: number;
};
export type PercentField = FieldCommon & {
  type: 'percent';
  default?: number;
};
export type MoneyField = FieldCommon & {
  type: 'money';
  /**
   * Fixed currency; when absent each value carries its own.
   */
  currency?: string;
  minimum?: number;
  default?: {
    amount: number;
    currency: string;
  };
};
export type BooleanField = FieldCommon & {
  type: 'boolean';
  default?: boolean;
};
export type DateField = FieldCommon & {
  type: 'date';
  default?: string;
};
export type DateTimeField = FieldCommon & {
  type: 'datetime';
  default?: string;
};
export type EnumField = FieldCommon & {
  type: 'enum';
  /**
   * @minItems 1
   */
  values: EnumValue[];
  default?: string;
};
export type Color = string;
export type EmailField = FieldCommon & {
  type: 'email';
  default?: string;
};
export type PhoneField = FieldCommon & {
  type: 'phone';
  default?: string;
};
export type UrlField = FieldCommon & {
  type: 'url';
  default?: string;
};
export type TaxIdField = FieldCommon & {
  type: 'taxId';
  /**
   * Accepted tax-id systems: PL (NIP) and RO (CUI/CIF). A value may carry its EU prefix (PL…, RO…).
   *
   * @minItems 1
   */
  countries?: ('PL' | 'RO')[];
};
export type ReferenceField = FieldCommon & {
  type: 'reference';
  /**
   * Name used as table, column and API property name: lower snake_case, starting with a letter.
   */
  target: string;
  /**
   * What deleting the referenced record does to this one (default restrict).
   */
  onDelete?: 'restrict' | 'cascade' | 'setNull';
  /**
   * "$me": the signed-in user, on create (only for references to "user").
   */
  default?: '$me';
};
export type ManyToManyField = FieldCommon & {
  type: 'manyToMany';
  target: Identifier;
  /**
   * Allowed roles of a link (e.g. buyer, payer, recipient). Without roles a link has none.
   *
   * @minItems 1
   */
  roles?: EnumValue[];
};
export type JsonField = FieldCommon & {
  type: 'json';
  /**
   * Optional JSON Schema the value must satisfy.
   */
  schema?: Record<string, unknown>;
};
export type AttachmentField = FieldCommon & {
  type: 'attachment';
  /**
   * Accepted media types, e.g. image/*, application/pdf.
   */
  accept?: string[];
  maxBytes?: number;
};
/**
 * Holds the current stage or status of the pipeline or status machine bound to it.
 */
export type StateField = FieldCommon & {
  type: 'state';
};
/**
 * A password or API key (e.g. of a mail account): stored encrypted with the installation's secret key, never returned by the API (reads show •••••••• when one is set), filterable only by isNull; connectors read it through their context (revealSecret).
 */
export type SecretField = FieldCommon & {
  type: 'secret';
  maxLength?: number;
};
export type LinesField = FieldCommon & {
  type: 'lines';
  /**
   * Name used as table, column and API property name: lower snake_case, starting with a letter.
   */
  target: string;
  /**
   * Name used as table, column and API property name: lower snake_case, starting with a letter.
   */
  parentField: string;
  /**
   * Most lines a record may have (default 500).
   */
  maxItems?: number;
};
/**
 * A FEEL expression (feelin). Never JavaScript.
 */
export type FeelExpression = string;
/**
 * Filter naming the records the rule holds for (e.g. status not cancelled); comparisons of the record's own fields with literal values only (eq, ne, in, nin, lt, lte, gt, gte, isNull).
 */
export type FilterNode2 = Record<string, unknown>;
/**
 * A filter: {and:[…]}, {or:[…]}, {not:…} or {field:{op:value}}.
 */
export type FilterNode3 = Record<string, unknown>;
export type Scope = 'none' | 'own' | 'team' | 'all';
/**
 * A group of a report: a field name, "field:bucket", or {field, bucket}. Dates and datetimes group by day, week, month, quarter or year (datetimes in the business time zone), or by age (days ago: 0-7, 8-30, 31-90, 91+); choices (enum, stages) group in their declared order; references by record.
 */
export type AggregateGroup =
  | string
  | {
      field: Identifier;
      bucket?: 'day' | 'week' | 'month' | 'quarter' | 'year' | 'age';
    };
/**
 * A measure of a report: "count", "fn:field", or {fn, field, weight}. sum, avg, min and max of a number or money field; weightedSum multiplies each amount by a percent field (default probability). Money is summed per currency.
 */
export type AggregateMeasure =
  | string
  | {
      fn: 'count' | 'sum' | 'avg' | 'min' | 'max' | 'weightedSum';
      field?: Identifier;
      weight?: Identifier;
    };

/**
 * tessera.json: the package manifest.
 */
export interface Manifest {
  kind: 'manifest';
  name: string;
  version: string;
  label?: Label;
  defaultLanguage?: 'en' | 'pl' | 'ro';
  defaultCurrency?: string;
  /**
   * IANA time zone of the business (e.g. Europe/Warsaw): the calendar day of "$today" and the year/month of numbering series. Default UTC.
   */
  timeZone?: string;
  /**
   * @minItems 1
   */
  currencies?: string[];
  /**
   * Navigation groups that entity types name in `module`: their labels (and order) in the menu.
   */
  modules?: {
    [k: string]: {
      label: Label;
      order?: number;
    };
  };
}
/**
 * Text in the supported languages; en is required, pl and ro fall back to en.
 */
export interface Label {
  en: string;
  pl?: string;
  ro?: string;
}
export interface EntityType {
  kind: 'entity';
  id: StableId;
  name: Identifier;
  label: Label;
  pluralLabel?: Label;
  description?: string;
  icon?: string;
  /**
   * @minItems 1
   */
  fields: Field[];
  /**
   * Field shown as the record's title and in pickers.
   */
  displayField?: string;
  defaultSort?: SortKey[];
  numbering?: Numbering;
  exchangeRate?: ExchangeRate;
  /**
   * Conversions of a record of this type into records of other types (offer → sales order).
   *
   * @maxItems 32
   */
  conversions?: Conversion[];
  /**
   * Buttons on the record page: a conversion, or a workflow started with the record.
   *
   * @maxItems 16
   */
  actions?: RecordAction[];
  indexes?: Index[];
  /**
   * How records that are probably the same one are found: each rule names fields whose values, normalised, must all be equal. Checked on create and change (a refusing rule refuses), shown by the form as the user types, and used before a merge.
   *
   * @maxItems 16
   */
  duplicates?: DuplicateRule[];
  /**
   * Form sections; fields not placed in any section follow at the end.
   */
  layout?: FormSection[];
  /**
   * Form layouts for some roles: a user's form uses the first variant naming one of their roles, else `layout`. The server checks conditional sections of the same variant.
   *
   * @maxItems 32
   */
  layoutVariants?: LayoutVariant[];
  /**
   * Activities can link to records of this type (a column on the activity table); the record's card shows its timeline.
   */
  activities?: boolean;
  /**
   * What the record's timeline shows beside its own activities: the activities of related records that point at it.
   */
  timeline?: {
    /**
     * Related records whose activities roll into this record's timeline.
     *
     * @maxItems 32
     */
    include: {
      /**
       * An entity type that accepts activities and refers to this one (e.g. deal).
       */
      from: string;
      /**
       * Its reference field that points at this record (e.g. contractor).
       */
      via: string;
    }[];
  };
  /**
   * Navigation group (e.g. sales, service).
   */
  module?: string;
  /**
   * Exclusion rules: periods that may not overlap among records equal in some fields (one booking of a resource at a time).
   *
   * @maxItems 8
   */
  exclusions?: ExclusionRule[];
  /**
   * Guards checked on every save of a record (create and update), in the write transaction: a FEEL condition over the record, its lines and values read from other records (lookups) that must hold, else the save is refused naming the field it blames (e.g. an order over the contractor's credit limit).
   *
   * @maxItems 16
   */
  guards?: RecordGuard[];
  pricing?: Pricing;
}
export interface FieldCommon {
  id: StableId;
  name: Identifier;
  label: Label;
  help?: HelpText;
  /**
   * A value must be present on create and may not be cleared.
   */
  required?: boolean;
  /**
   * Unique among records that are not deleted.
   */
  unique?: boolean;
  indexed?: boolean;
  /**
   * Set only by the platform (numbering, workflows), never by a client write.
   */
  readOnly?: boolean;
  /**
   * Included in the list's text search (diacritics ignored).
   */
  searchable?: boolean;
  /**
   * Default on create. For date and datetime fields the strings "$today" and "$now" are evaluated at write time.
   */
  default?: unknown;
  /**
   * FEEL condition over the record: the field is shown only while it holds. A hidden field keeps its value and is not required (its requiredWhen is checked only while it is shown).
   */
  visibleWhen?: string;
  /**
   * FEEL condition over the record: the field is required while it holds.
   */
  requiredWhen?: string;
  /**
   * FEEL expression over the record (and its lines: a lines field is a list of line contexts) giving the field's value. The platform computes it in the write transaction and stores it in the field's column; clients cannot write it. Allowed on string, integer, decimal, percent, money (with a fixed currency) and boolean fields.
   */
  computed?: string;
  /**
   * Values read from other records for the computed expression, by name (e.g. rate: the highest commission rate of the rules that apply); the expression uses them like fields. Read on the server in the write transaction and only when the record is created or a field they or the expression read changes (otherwise the stored value stays); a change of the looked-up records does not recompute it. Forms show the stored value and do not recompute it while typing.
   */
  lookups?: {
    [k: string]: Lookup;
  };
  rollup?: Rollup;
}
export interface HelpText {
  en: string;
  pl?: string;
  ro?: string;
}
/**
 * A value read from other records when a guard is checked or a computed field computed, in the write transaction: an aggregate over the records of `from` whose `via` reference points at the record this one names in `on`.
 */
export interface Lookup {
  /**
   * Name used as table, column and API property name: lower snake_case, starting with a letter.
   */
  from: string;
  /**
   * Reference field of `from` (or "id") that must equal the value of `on`. Without it every record of `from` matching `where` and `match` counts.
   */
  via?: string;
  /**
   * Field of this record whose value `via` must equal: a reference field, or "id" (the default) for this record itself. The record itself never counts.
   */
  on?: string;
  /**
   * sum, min and max of `field`; count of the records. Over no records: 0 for sum and count, null for min and max.
   */
  aggregate: 'sum' | 'count' | 'min' | 'max';
  /**
   * Number, money, date or datetime field of `from` aggregated (not for count).
   */
  field?: string;
  where?: FilterNode;
  /**
   * Comparisons of fields of `from` (the keys) with fields of this record: {"valid_from": {"lte": "paid_date"}}. A looked-up record whose field is empty matches any value (an open end of a validity, a rule for everyone); an empty field of this record matches only those.
   */
  match?: {
    [k: string]: {
      eq?: string;
      lt?: string;
      lte?: string;
      gt?: string;
      gte?: string;
    };
  };
}
/**
 * An aggregate over related records kept by the platform: sum, count, min or max of the records of `from` whose reference `via` points at this record (and that match `filter`). Updated in the transaction of every change of a contributing record; clients cannot write it. Allowed on integer, decimal and money (with a fixed currency) fields.
 */
export interface Rollup {
  /**
   * Name used as table, column and API property name: lower snake_case, starting with a letter.
   */
  from: string;
  /**
   * Name used as table, column and API property name: lower snake_case, starting with a letter.
   */
  via: string;
  /**
   * sum, min and max of `field`; count of the records.
   */
  aggregate: 'sum' | 'count' | 'min' | 'max';
  /**
   * Name used as table, column and API property name: lower snake_case, starting with a letter.
   */
  field?: string;
  filter?: FilterNode1;
}
export interface EnumValue {
  id?: StableId;
  value: Identifier;
  label: Label;
  color?: Color;
}
export interface SortKey {
  field: string;
  direction?: 'asc' | 'desc';
}
/**
 * Numbering series filled on create, e.g. OF/{YYYY}/{seq:4}. Tokens: {YYYY}, {YY}, {MM}, {seq} or {seq:N} (zero-padded). Several series: list them under series; the user's pick (seriesField) or the first series whose condition holds numbers the record, else pattern. Needs pattern or series.
 */
export interface Numbering {
  /**
   * The read-only string field that receives the number.
   */
  field: string;
  /**
   * The series used when no series of the list applies.
   */
  pattern?: string;
  /**
   * When the counter starts again at 1: never, every year (default) or every month.
   */
  reset?: 'never' | 'yearly' | 'monthly';
  /**
   * A date field of the record whose year and month the series takes ({YYYY}, {MM}, the reset period), e.g. an invoice's issue date; default: the moment of creation.
   */
  dateField?: string;
  /**
   * An enum field whose value names the series to use (the user picks it on the form); filled with the chosen series when left empty.
   */
  seriesField?: string;
  /**
   * Several series of one field (per document kind, register, business unit); each has a counter of its own.
   *
   * @minItems 1
   * @maxItems 50
   */
  series?: NumberingSeries[];
}
/**
 * One numbering series: its name, pattern, reset and the condition that chooses it.
 */
export interface NumberingSeries {
  name: Identifier;
  label?: Label;
  pattern: string;
  reset?: 'never' | 'yearly' | 'monthly';
  /**
   * FEEL condition over the new record: the first series whose condition holds numbers it (when the user picked none).
   */
  when?: string;
  /**
   * Fields whose values keep separate counters (e.g. the business unit): one counter per combination.
   *
   * @minItems 1
   * @maxItems 4
   */
  per?: string[];
}
/**
 * A document in a foreign currency gets the central bank's rate filled on save, on the server, from the rates the exchange-rates connector stores: NBP's rate of the last business day before the document's date (Poland, art. 31a of the VAT act) or BNR's rate of the day or the last published before it (Romania). Filled when the record is created or its currency or date changes; when no rate is stored the value typed stays.
 */
export interface ExchangeRate {
  /**
   * The central bank: nbp (rates in PLN, of the last business day before the date; default) or bnr (rates in RON, of the day or the last published before it).
   */
  source?: 'nbp' | 'bnr';
  /**
   * The enum or string field holding the document's currency code (any letter case); in the bank's own currency the rate fields are emptied.
   */
  currencyField: string;
  /**
   * The date field the rate's day is counted from (an invoice's issue or sale date).
   */
  dateField: string;
  /**
   * The decimal field receiving the rate, per one unit of the currency.
   */
  rateField: string;
  /**
   * A string field receiving the bank's table number (NBP: 058/A/NBP/2026).
   */
  tableField?: string;
  /**
   * A date field receiving the day of the table the rate comes from.
   */
  rateDateField?: string;
}
/**
 * A declared conversion of a record of this type into a new record of another type, with field and line mapping; the result references its source.
 */
export interface Conversion {
  name: Identifier;
  label: Label;
  /**
   * The entity type created.
   */
  target: string;
  /**
   * The target's reference field set to the source record (the source lists its results through it).
   */
  link: string;
  /**
   * FEEL condition over the source record: the conversion is allowed only while it holds.
   */
  when?: string;
  fields?: FieldMapping;
  /**
   * Lines copied from a lines field of the source into a lines field of the target.
   *
   * @maxItems 8
   */
  lines?: LineMapping[];
  /**
   * Name used as table, column and API property name: lower snake_case, starting with a letter.
   */
  recipients?: string;
}
/**
 * Target field name → FEEL expression over the source record (references as ids), e.g. "contractor" or "\"proforma\"".
 */
export interface FieldMapping {
  [k: string]: FeelExpression;
}
/**
 * Copies the lines of a source lines field into a target lines field, each line's fields mapped by FEEL over the source line.
 */
export interface LineMapping {
  /**
   * The source's lines field.
   */
  from: string;
  /**
   * The target's lines field.
   */
  to: string;
  /**
   * A FEEL expression (feelin). Never JavaScript.
   */
  when?: string;
  fields: FieldMapping;
}
/**
 * A button on the record page: runs a conversion of this type, or starts a deployed workflow about the record. Exactly one of conversion and workflow.
 */
export interface RecordAction {
  name: Identifier;
  label: Label;
  /**
   * The name of a conversion of this entity type.
   */
  conversion?: string;
  /**
   * The BPMN process id of a deployed workflow, started with the record and the user's rights.
   */
  workflow?: string;
  /**
   * A FEEL expression (feelin). Never JavaScript.
   */
  when?: string;
}
export interface Index {
  id: StableId;
  /**
   * At most 32 columns: PostgreSQL's limit for one index.
   *
   * @maxItems 32
   */
  fields: string[];
  unique?: boolean;
  /**
   * Index only records that are not deleted (a partial index, WHERE deleted_at IS NULL): what lists and reports read. Smaller, and a covering index (e.g. a report's date, its group and its sum, with a money field's <name>_currency) answers alone. Unique indexes are always live.
   */
  live?: boolean;
  /**
   * A list's sort after the fields, spelled as the list's sort parameter ("name", "-created_at"): the index then hands a list filtered by equality on the fields its rows in this order, without sorting them. Text is kept in the order lists sort it in (the business language's), and the record id follows as the tie-breaker.
   *
   * @minItems 1
   * @maxItems 4
   */
  sort?: string[];
}
/**
 * A duplicate rule; its label names the match in the form's warning (e.g. "Same NIP").
 */
export interface DuplicateRule {
  id: StableId;
  /**
   * Fields that must all match (and all have a value). Compared normalised: text ignoring case, diacritics and repeated spaces; e-mail ignoring case; phone by its last 9 digits; tax id by country and number (PL 526-025-02-74 = 5260250274 = PL5260250274); other types by equality.
   *
   * @minItems 1
   * @maxItems 4
   */
  fields: string[];
  /**
   * refuse: a create or change matching a live record is refused (409 DUPLICATE_RECORD, naming the record when the user may read it); warn: the form lists the matching records with links, saving is allowed.
   */
  action: 'refuse' | 'warn';
  label?: Label;
}
export interface FormSection {
  id: StableId;
  label?: Label;
  /**
   * Sections with the same tab name share a tab.
   */
  tab?: string;
  columns?: number;
  /**
   * @minItems 1
   */
  fields: string[];
  /**
   * A FEEL expression (feelin). Never JavaScript.
   */
  visibleWhen?: string;
}
/**
 * The form layout of the users of some roles.
 */
export interface LayoutVariant {
  /**
   * Role names whose users see this layout.
   *
   * @minItems 1
   */
  roles: Identifier[];
  /**
   * Form sections of this variant; fields not placed in any section follow at the end.
   */
  layout: FormSection[];
}
/**
 * An exclusion rule: no two records that match `where` and are equal in every `equal` field may have overlapping periods. Enforced in the write transaction (the refused write names the record it collides with) and, when no `equal` field is many-to-many, by the database too (an EXCLUDE constraint with btree_gist).
 */
export interface ExclusionRule {
  id: StableId;
  name: Identifier;
  label?: Label;
  /**
   * Fields that must be equal for two records to collide: references, enums, strings, integers, booleans, or one many-to-many field (two records collide when they share a linked record).
   *
   * @minItems 1
   * @maxItems 3
   */
  equal: string[];
  /**
   * Start and end of the period: two datetime fields (the period includes its start, not its end, so [10:00, 11:00) and [11:00, 12:00) do not collide) or two date fields (both days included). An empty end means open-ended.
   *
   * @minItems 2
   * @maxItems 2
   */
  overlap: string[];
  where?: FilterNode2;
}
/**
 * A condition a record must meet whenever it is saved. Checked on create, and on an update that changes a field the condition reads (its fields and the fields its lookups start from).
 */
export interface RecordGuard {
  id: StableId;
  name: Identifier;
  /**
   * A FEEL expression (feelin). Never JavaScript.
   */
  condition: string;
  message: Label1;
  /**
   * Name used as table, column and API property name: lower snake_case, starting with a letter.
   */
  field: string;
  /**
   * Values read from other records for the guard, by name (e.g. open_value: the sum of the contractor's open orders); the guard uses them like fields.
   */
  lookups?: {
    [k: string]: Lookup;
  };
  /**
   * Roles whose users may save the record although the condition does not hold (administrators always may).
   */
  overrideRoles?: Identifier[];
}
/**
 * Text in the supported languages; en is required, pl and ro fall back to en.
 */
export interface Label1 {
  en: string;
  pl?: string;
  ro?: string;
}
/**
 * Price lookup of a line type (offer, order and invoice lines): when a line names a product and leaves its price or discount empty, they are taken on the server in the write transaction (and live in the form) from the price lists (price_list, price_list_item: the contractor's own list first, then by priority), else the product's sale price, and from the discount rules (discount_rule: by contractor, contractor group, product, product group, minimum quantity, validity, priority). A price or discount entered by the user is kept.
 */
export interface Pricing {
  /**
   * The line's reference field to the product.
   */
  product: string;
  /**
   * The line's quantity field (quantity breaks of discount rules).
   */
  quantity: string;
  /**
   * The line's unit price field filled from the price lists.
   */
  price: string;
  /**
   * The line's discount percent field filled from the discount rules.
   */
  discount: string;
  /**
   * The reference field of the line's record to the contractor (its price list and groups).
   */
  contractor: string;
  /**
   * The enum field of the line's record holding the currency: only price lists in it apply.
   */
  currency: string;
  /**
   * The date field of the line's record on which price lists and discount rules must be valid (default: today).
   */
  date?: string;
}
/**
 * A kind of activity (task, call, meeting…). All kinds share the activity table and its common fields; the fields listed here exist only for this kind.
 */
export interface ActivityKind {
  kind: 'activityKind';
  id: StableId;
  name: Identifier;
  label: Label;
  pluralLabel?: Label;
  icon?: string;
  color?: Color;
  /**
   * Shown in the calendar (needs start/end).
   */
  calendar?: boolean;
  /**
   * At least one of these links must be set (e.g. a note must link to a contractor or a person).
   */
  requiresLink?: Identifier[];
  /**
   * The kind's short form: the fields a new activity of this kind shows, in order (common fields, links and the kind's own fields). The rest of the kind's fields are one click away.
   *
   * @minItems 1
   */
  form?: Identifier[];
  /**
   * The full form of activities of this kind in sections (common fields, links and the kind's own fields), instead of the activity type's layout; fields not placed follow at the end.
   */
  layout?: FormSection[];
  /**
   * Values a new activity of this kind starts with, by field name (common fields, links, the kind's own fields): literals, "$today" (date), "$now" (datetime), "$me" (reference to user). Applied by the server on create and prefilled in the form.
   */
  defaults?: {};
  fields?: Field[];
}
/**
 * A sales process: ordered stages with probability, bound to a state field of an entity type.
 */
export interface Pipeline {
  kind: 'pipeline';
  id: StableId;
  name: Identifier;
  label: Label;
  entity: Identifier;
  field: Identifier;
  /**
   * Money field summed per stage on the board and in the funnel.
   */
  amountField?: string;
  /**
   * Field that must be set when the record enters a lost stage.
   */
  lostReasonField?: string;
  /**
   * Text field the board offers for a comment when a record is moved to a lost stage (optional there).
   */
  lostCommentField?: string;
  /**
   * @minItems 1
   */
  stages: Stage[];
  /**
   * Allowed moves. When absent, any stage may follow any other.
   */
  transitions?: Transition[];
}
export interface Stage {
  id: StableId;
  name: Identifier;
  label: Label;
  color?: Color;
  probability?: number;
  potential?: 'zero' | 'low' | 'medium' | 'high' | 'very_high';
  category: 'open' | 'won' | 'lost';
  /**
   * Fields that must hold a value to enter this stage.
   */
  requiredFields?: string[];
  position?: GraphPosition;
}
/**
 * Where the designer's graph draws this node (a layout hint, in pixels from the top left); without it the designer lays the nodes out in order.
 */
export interface GraphPosition {
  x: number;
  y: number;
}
export interface Transition {
  id?: StableId;
  /**
   * State names the transition leaves, or "*" for any state.
   */
  from: '*' | Identifier[];
  to: Identifier;
  label?: Label;
  /**
   * A FEEL expression (feelin). Never JavaScript.
   */
  guard?: string;
  guardMessage?: Label;
  /**
   * Values read from other records for the guard, by name (e.g. open_value: the sum of the contractor's open orders); the guard uses them like fields.
   */
  lookups?: {
    [k: string]: Lookup;
  };
}
/**
 * States and the allowed transitions between them, bound to a state field of an entity type.
 */
export interface StatusMachine {
  kind: 'statusMachine';
  id: StableId;
  name: Identifier;
  label: Label;
  entity: Identifier;
  field: Identifier;
  /**
   * States a new record may start in; the first is the default.
   *
   * @minItems 1
   */
  initial?: Identifier[];
  /**
   * @minItems 1
   */
  states: State[];
  transitions: Transition[];
}
export interface State {
  id: StableId;
  name: Identifier;
  label: Label;
  color?: Color;
  final?: boolean;
  requiredFields?: string[];
  position?: GraphPosition;
}
/**
 * A saved list view of an entity type.
 */
export interface View {
  kind: 'view';
  id: StableId;
  name: Identifier;
  label: Label;
  entity: Identifier;
  type?: 'table' | 'board' | 'calendar';
  /**
   * @minItems 1
   */
  columns?: string[];
  filter?: FilterNode3;
  sort?: SortKey[];
  /**
   * Column widths in pixels by column name (40 to 800); a column not named takes its natural width.
   */
  widths?: {
    [k: string]: number;
  };
  /**
   * Name used as table, column and API property name: lower snake_case, starting with a letter.
   */
  groupBy?: string;
  /**
   * Name used as table, column and API property name: lower snake_case, starting with a letter.
   */
  total?: string;
  default?: boolean;
  /**
   * A calendar view whose date comes back every year (birthdays, anniversaries): its first date column is shown on that day and month of each year, in the app's calendar and the yearly-dates ICS feed.
   */
  recurrence?: 'yearly';
}
export interface Role {
  kind: 'role';
  id: StableId;
  name: Identifier;
  label: Label;
  permissions?: Permission[];
  administerMetadata?: boolean;
  administerWorkflows?: boolean;
  administerUsers?: boolean;
  administerConnectors?: boolean;
  administerAutomation?: boolean;
  viewAutomation?: boolean;
}
export interface Permission {
  /**
   * Entity type name, or "*" for every type.
   */
  entity: string;
  read?: Scope;
  create?: boolean;
  update?: Scope;
  delete?: Scope;
  export?: Scope;
  /**
   * A FEEL expression (feelin). Never JavaScript.
   */
  condition?: string;
  /**
   * Field-level rights: field name → none | read | write.
   */
  fields?: {
    [k: string]: 'none' | 'read' | 'write';
  };
}
/**
 * Starts a workflow, or correlates a message to waiting workflows, when a record changes. Evaluated in the transaction of the change, so the started instance commits with it.
 */
export interface Trigger {
  kind: 'trigger';
  id: StableId;
  name: Identifier;
  label: Label;
  description?: string;
  /**
   * Name used as table, column and API property name: lower snake_case, starting with a letter.
   */
  entity: string;
  /**
   * created/updated/deleted: that action; fieldChanged: `field` changed (or was set on create); stateEntered: the state field `field` entered `state` (any state when absent), on create too.
   */
  on: 'created' | 'updated' | 'deleted' | 'fieldChanged' | 'stateEntered';
  field?: Identifier;
  state?: Identifier;
  /**
   * A FEEL expression (feelin). Never JavaScript.
   */
  condition?: string;
  start?: {
    /**
     * BPMN process id; its latest deployed version starts, about the record.
     */
    process: string;
    variables?: TriggerVariables;
  };
  message?: {
    name: string;
    correlationKey: FeelExpression;
    variables?: TriggerVariables;
  };
}
/**
 * Process variables: name → FEEL expression over the record (its fields, `previous` — the record before an update — and `action`).
 */
export interface TriggerVariables {
  [k: string]: FeelExpression;
}
/**
 * A printout of records of one entity type (offer, order, invoice, letter) rendered to PDF: header with the company, title, the record's fields, a table of its lines, totals, VAT per rate, the total in words and free text.
 */
export interface DocumentTemplate {
  kind: 'documentTemplate';
  id: StableId;
  /**
   * Name used as table, column and API property name: lower snake_case, starting with a letter.
   */
  name: string;
  label: Label;
  description?: string;
  /**
   * Name used as table, column and API property name: lower snake_case, starting with a letter.
   */
  entity: string;
  /**
   * Languages it prints in; the first is the default. Default: pl, en, ro, de.
   *
   * @minItems 1
   */
  languages?: ('pl' | 'en' | 'ro' | 'de')[];
  pageSize?: 'A4' | 'LETTER';
  /**
   * The issuer in the header: a record of `entity` (e.g. business_unit) reached from the printed record through the reference fields in `path`, else the first record of that type the user may read.
   */
  company?: {
    entity: Identifier;
    /**
     * @maxItems 5
     */
    path?: Identifier[];
    /**
     * @maxItems 50
     */
    fields: Identifier[];
  };
  /**
   * The party the document is for: a reference field of the record and the fields of the referenced record to print.
   */
  recipient?: {
    field: Identifier;
    /**
     * @maxItems 50
     */
    fields: Identifier[];
  };
  title: DocumentText;
  /**
   * Fields of the record printed as label and value below the title.
   *
   * @maxItems 50
   */
  fields?: Identifier[];
  lines?: {
    /**
     * Name used as table, column and API property name: lower snake_case, starting with a letter.
     */
    field: string;
    /**
     * Fields of the line type printed as the table's columns, in order.
     *
     * @minItems 1
     * @maxItems 50
     */
    columns: Identifier[];
    numbered?: boolean;
  };
  /**
   * Fields of the record printed as totals under the lines.
   *
   * @maxItems 50
   */
  totals?: Identifier[];
  /**
   * A table of net, VAT and gross per VAT rate, summed from the lines.
   */
  vatSummary?: {
    rate: Identifier;
    net: Identifier;
    vat: Identifier;
    gross: Identifier;
  };
  /**
   * A number or money field of the record printed in words (pl, ro, en), with the currency of a money field, of `currencyField` or the package's default.
   */
  amountInWords?: {
    field: Identifier;
    currencyField?: Identifier;
  };
  text?: DocumentText;
  footer?: DocumentText;
  /**
   * Name used as table, column and API property name: lower snake_case, starting with a letter.
   */
  attachTo?: string;
}
/**
 * Text of a printed document in the languages it prints in (en required; pl, ro and de fall back to en), with {{field}} placeholders as in e-mail templates.
 */
export interface DocumentText {
  en: string;
  pl?: string;
  ro?: string;
  de?: string;
}
/**
 * A report over one entity type: its groups, measures and filter, computed in the database with the reader's rights (GET/POST /api/records/<type>/aggregate), shown as a table, pivot or chart, each cell opening the records behind it.
 */
export interface Report {
  kind: 'report';
  id: StableId;
  name: Identifier;
  label: Label;
  description?: Label;
  entity: Identifier;
  /**
   * How the report is shown: table (one row per group), pivot (first group as rows, the others as columns), bar, line, pie, or funnel (a pipeline's stages; the deals that reached each stage, lost ones apart).
   */
  type: 'table' | 'pivot' | 'bar' | 'line' | 'pie' | 'funnel';
  /**
   * @maxItems 3
   */
  groupBy?: AggregateGroup[];
  /**
   * @minItems 1
   * @maxItems 8
   */
  measures: AggregateMeasure[];
  filter?: FilterNode3;
  /**
   * The fields a dashboard's filters narrow in this report: period (a date or datetime field), owner (a reference to users or employees, or owner), campaign (a reference to campaigns).
   */
  parameters?: {
    period?: Identifier;
    owner?: string;
    campaign?: Identifier;
  };
  /**
   * Keep an index for this report on its entity type's table, for tables of millions of rows: its key is the period parameter's field, and it stores the fields the report groups, measures and filters, so PostgreSQL answers a period's report from the index alone (an index-only scan) instead of reading the table. Costs disk and a little time on every write to the table. Needs parameters.period.
   */
  indexed?: boolean;
  /**
   * Compares a per-person, per-day measure with the hours people have: the entity type of people, its reference to their user account and its hours-per-day field (e.g. employee.user_account, employee.available_hours_per_day).
   */
  capacity?: {
    entity: Identifier;
    userField: Identifier;
    hoursField: Identifier;
  };
  /**
   * Navigation group of the report on the Reports page (e.g. sales, service).
   */
  module?: string;
}
/**
 * A dashboard of report widgets for the users of some roles, with filters (period, owner, campaign) applied to every widget that declares the matching parameter.
 */
export interface Dashboard {
  kind: 'dashboard';
  id: StableId;
  name: Identifier;
  label: Label;
  /**
   * Roles whose users get this dashboard; empty or absent: every user.
   */
  roles?: Identifier[];
  /**
   * The dashboard the users of its roles open first.
   */
  default?: boolean;
  /**
   * @minItems 1
   * @maxItems 24
   */
  widgets: DashboardWidget[];
  /**
   * The filters the dashboard offers above its widgets.
   */
  filters?: ('period' | 'owner' | 'campaign')[];
}
export interface DashboardWidget {
  report: Identifier;
  /**
   * Shown as this instead of the report's own type.
   */
  type?: 'table' | 'pivot' | 'bar' | 'line' | 'pie' | 'funnel';
  /**
   * Spans the dashboard's full width.
   */
  wide?: boolean;
}
