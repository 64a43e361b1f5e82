// The field types: one module per type of the meta-schema (metadata/schema/package.schema.json).
// The registry's type maps every FieldType to a complete module of that very type, so a type added
// to the meta-schema without a module, or a module missing a part, is a compile error.
// Browser-safe: the UI imports display and the form control names from here.
import type { Field } from '../schema/types.generated.ts';
import type { FieldOf, FieldType, FieldTypeModule } from './field-type.ts';
import { attachmentType } from './attachment.ts';
import { booleanType } from './boolean.ts';
import { dateType } from './date.ts';
import { datetimeType } from './datetime.ts';
import { decimalType } from './decimal.ts';
import { emailType } from './email.ts';
import { enumType } from './enum.ts';
import { integerType } from './integer.ts';
import { jsonType } from './json.ts';
import { linesType } from './lines.ts';
import { manyToManyType } from './many-to-many.ts';
import { moneyType } from './money.ts';
import { percentType } from './percent.ts';
import { phoneType } from './phone.ts';
import { referenceType } from './reference.ts';
import { secretType } from './secret.ts';
import { stateType } from './state.ts';
import { stringType } from './string.ts';
import { taxIdType } from './tax-id.ts';
import { textType } from './text.ts';
import { urlType } from './url.ts';

/** Every field type's module, keyed by the type. */
export type FieldTypeRegistry = { readonly [K in FieldType]: FieldTypeModule<FieldOf<K>> };

export const FIELD_TYPES: FieldTypeRegistry = {
  string: stringType,
  text: textType,
  integer: integerType,
  decimal: decimalType,
  percent: percentType,
  money: moneyType,
  boolean: booleanType,
  date: dateType,
  datetime: datetimeType,
  enum: enumType,
  email: emailType,
  phone: phoneType,
  url: urlType,
  taxId: taxIdType,
  reference: referenceType,
  manyToMany: manyToManyType,
  lines: linesType,
  json: jsonType,
  attachment: attachmentType,
  state: stateType,
  secret: secretType,
};

/** The module of a field's type. */
export function fieldTypeOf<F extends Field>(field: F): FieldTypeModule<F> {
  // TypeScript cannot correlate `FIELD_TYPES[field.type]` with `F`; the registry's type guarantees it.
  return FIELD_TYPES[field.type as FieldType] as unknown as FieldTypeModule<F>;
}

export type {
  ColumnContext,
  CsvPart,
  Display,
  DisplayContext,
  FieldLink,
  FieldOf,
  FieldRow,
  FieldType,
  FieldTypeModule,
  FilterPart,
  TextOperand,
  ValueSchemaContext,
  WidgetContext,
} from './field-type.ts';
export { columnValue } from './field-type.ts';
export { choicesOf, stateOptions, targetOptions, type ChoiceOption, type CustomFieldName, type FieldUiOptions, type FormControl, type LineColumn, type WidgetName } from './widget.ts';
export { formatDate, formatDateTime, formatMoney, formatNumber, recordTitle } from './format.ts';
export { CURRENCY_SUFFIX } from './money.ts';
export { PHONE_PATTERN } from './phone.ts';
export { DEFAULT_MAX_LINES, LINE_POSITION_COLUMN } from './lines.ts';
export { SECRET_MASK } from './secret.ts';
