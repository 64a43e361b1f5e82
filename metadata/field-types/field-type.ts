// The contract of a field type: everything the platform does differently per type lives in one
// module (`metadata/field-types/<type>.ts`) implementing it. Every part is required, and the registry
// (index.ts) is typed over every type of the meta-schema, so a new type that misses a part, or a
// type without a module, fails to compile instead of falling into a `default:` branch.
// Browser-safe: type-only imports of the Node-side modules (physical.ts uses node:crypto).
import type { FilterableType } from '../filter.ts';
import type { EntityModel, FieldType, Model } from '../model.ts';
import type { ColumnType, ForeignKey, OnDelete, PhysicalColumn } from '../physical.ts';
import type { JsonSchema, Language } from '../record-schema.ts';
import type { Field } from '../schema/types.generated.ts';
import type { FieldUiOptions, FormControl, LineColumn } from './widget.ts';

export type { FieldType };
/** The field definition of one type. */
export type FieldOf<K extends FieldType> = Extract<Field, { type: K }>;

/** A row as the database returns it and a write's column values: column name → value. */
export type FieldRow = Readonly<Record<string, unknown>>;

/** A link of a many-to-many field, as records carry it. */
export interface FieldLink {
  readonly id: string;
  readonly role?: string;
}

/** What a field's columns may depend on besides the field. */
export interface ColumnContext {
  readonly model: Model;
  readonly entity: EntityModel;
  /** The field's (first) column as every type starts it: identity, name, column type, NOT NULL, origin, backfill. */
  readonly base: PhysicalColumn;
  /** The foreign key to a reference target (an entity type or a platform table). */
  foreignKey(target: string, onDelete: OnDelete): ForeignKey;
  /** The foreign key to the platform's files table (attachments). */
  readonly filesKey: ForeignKey;
}

/** What a field's value schema may depend on besides the field. */
export interface ValueSchemaContext {
  readonly model: Model;
  readonly entity: EntityModel;
  /** The package's currencies (money fields without a fixed currency choose from them). */
  readonly currencies: readonly string[];
  /** Schema of one line of a lines field: the line type's write without its reference to the record, plus an optional id. */
  lineItem(target: string, parentField: string): JsonSchema;
}

/** A text filter operand after the field had its say: the value to compare, or why it is refused. */
export type TextOperand = { readonly value: string } | { readonly problem: string };

export interface FilterPart<F extends Field> {
  /**
   * How the field's values compare in filters and sorts; it decides the operators (see filter.ts:
   * contains/startsWith on text, lt…gte/between on text, number, date, datetime, eq/ne/in/nin/isNull
   * on all). null: no column of its own (many-to-many filters by link: eq, in, isNull).
   */
  readonly operand: FilterableType | null;
  /** A text operand (query strings included) checked against the field and normalised as stored. */
  text(field: F, text: string): TextOperand;
}

/** One column of a CSV export: its header and its cell from the field's API value. */
export interface CsvPart {
  readonly header: string;
  cell(value: unknown): unknown;
}

/** A value as shown in lists, cards and timelines: text, and a colour for enums and states. */
export interface Display {
  readonly text: string;
  readonly color?: string;
}

export interface DisplayContext {
  readonly model: Model;
  readonly entity: EntityModel;
  readonly language: Language;
  /** BCP 47 locale for numbers and dates. */
  readonly locale: string;
}

/** What a form widget's options may depend on besides the field. */
export interface WidgetContext {
  readonly model: Model;
  readonly entity: EntityModel;
  readonly language: Language;
  readonly mode: 'create' | 'update';
  /** update mode: the record as stored (a state field offers the transitions allowed from it). */
  readonly record?: Readonly<Record<string, unknown>>;
  /** The grid columns of a lines field: the line type's fields but the reference to the record (forms/record-form.ts). */
  lineColumns(model: Model, target: string, parentField: string, language: Language): readonly LineColumn[];
}

/** One field type. Methods (not function properties), so a registry entry reads as a module of any field. */
export interface FieldTypeModule<F extends Field> {
  readonly type: F['type'];
  /** Column type of the field's own column; null when it has none (many-to-many: a join table). */
  columnType(field: F): ColumnType | null;
  /** Names of the field's columns (validation checks them for clashes before there is a model). */
  columnNames(field: F): string[];
  /** The field's columns (a second one for money's currency), with checks and foreign keys. */
  columns(field: F, ctx: ColumnContext): PhysicalColumn[];
  /** JSON Schema of a value, without null (record-schema.ts adds it for optional fields). */
  valueSchema(field: F, ctx: ValueSchemaContext): JsonSchema;
  readonly filter: FilterPart<F>;
  /** The API value of the field from a row (and the links of many-to-many fields). */
  fromRow(field: F, row: FieldRow, links: ReadonlyMap<string, readonly FieldLink[]> | undefined): unknown;
  /** Writes the columns of an API value into `row` (nothing for many-to-many: links go to join tables). */
  toColumns(field: F, value: unknown, row: Record<string, unknown>): void;
  /** The CSV columns of the field. */
  csv(field: F): readonly CsvPart[];
  /** A non-empty value as shown to a user. */
  display(field: F, value: unknown, ctx: DisplayContext): Display;
  /** The form control (`ui:widget` or `ui:field`) the UI provides for it, by name. */
  readonly form: FormControl;
  /** The type's own options of that control (`ui:options`). */
  widgetOptions(field: F, ctx: WidgetContext): Partial<FieldUiOptions>;
}

// The behaviour most types share, named so a module states it rather than inheriting it silently.

/** One column named after the field. */
export const ownColumn = (field: Field): string[] => [field.name];
/** A column with nothing beyond the base (no checks, no foreign key). */
export const plainColumn = (_field: Field, ctx: ColumnContext): PhysicalColumn[] => [ctx.base];
/** Any text operand as given. */
export const anyText = (_field: Field, text: string): TextOperand => ({ value: text });
/** The value of the column named after the field, null when empty. */
export const columnValue = (field: Field, row: FieldRow): unknown => row[field.name] ?? null;
/** The value written as given to the column named after the field. */
export const writeAsGiven = (field: Field, value: unknown, row: Record<string, unknown>): void => {
  row[field.name] = value ?? null;
};
/** One CSV column named after the field holding its value. */
export const oneCsvColumn = (field: Field): CsvPart[] => [{ header: field.name, cell: (value) => value }];
/** The value as text. */
export const asText = (_field: Field, value: unknown): Display => ({ text: String(value) });
/** A control without options of its own. */
export const noOptions = (): Partial<FieldUiOptions> => ({});
