/* Generated from metadata/schema/package.schema.json by `npm run generate:types`. Do not edit. */
/**
 * One file of a Tessera metadata package. A package is a folder holding a manifest (tessera.json) and one JSON file per entity type, activity kind, pipeline, status machine, view, role, workflow trigger, report or dashboard.
 */
export type MetadataItem =
  Manifest | EntityType | ActivityKind | Pipeline | StatusMachine | View | Role | Trigger | Report | Dashboard;
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
 * A filter: {and:[…]}, {or:[…]}, {not:…} or {field:{op:value}}.
 */
export type FilterNode = Record<string, unknown>;
export type Scope = 'none' | 'own' | 'team' | 'all';
/**
 * A FEEL expression (feelin). Never JavaScript.
 */
export type FeelExpression = string;
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
   * Activities can link to records of this type (a column on the activity table); the record's card shows its timeline.
   */
  activities?: boolean;
  /**
   * Navigation group (e.g. sales, service).
   */
  module?: string;
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
   * FEEL condition over the form values: the field is shown only while it holds.
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
}
export interface HelpText {
  en: string;
  pl?: string;
  ro?: string;
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
 * Numbering series filled on create, e.g. OF/{YYYY}/{seq:4}. Tokens: {YYYY}, {YY}, {MM}, {seq} or {seq:N} (zero-padded).
 */
export interface Numbering {
  field: string;
  pattern: string;
  reset?: 'never' | 'yearly' | 'monthly';
}
export interface Index {
  id: StableId;
  /**
   * At most 32 columns: PostgreSQL's limit for one index.
   *
   * @minItems 1
   * @maxItems 32
   */
  fields: string[];
  unique?: boolean;
  /**
   * Index only records that are not deleted (a partial index, WHERE deleted_at IS NULL): what lists and reports read. Smaller, and a covering index (e.g. a report's date, its group and its sum, with a money field's <name>_currency) answers alone. Unique indexes are always live.
   */
  live?: boolean;
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
   * FEEL condition over the record after the change (fields by name; the previous values under `previous`).
   */
  guard?: string;
  guardMessage?: Label;
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
  filter?: FilterNode;
  sort?: SortKey[];
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
   * Row condition that must also hold (FEEL over the record; `user` is the current user).
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
   * Fires only when this holds (true) for the record.
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
  filter?: FilterNode;
  /**
   * The fields a dashboard's filters narrow in this report: period (a date or datetime field), owner (a reference to users or employees, or owner), campaign (a reference to campaigns).
   */
  parameters?: {
    period?: Identifier;
    owner?: string;
    campaign?: Identifier;
  };
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
