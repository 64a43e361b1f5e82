// money: {amount, currency}, stored in two columns (the amount, and `<name>_currency`); filters and
// sorts compare the amount. A fixed currency (`currency`) leaves a value no choice.
import type { PhysicalColumn } from '../physical.ts';
import { anyText, type FieldOf, type FieldTypeModule } from './field-type.ts';
import { decimalBounds } from './decimal.ts';
import { formatMoney } from './format.ts';

/** Suffix of the column holding a money field's currency. */
export const CURRENCY_SUFFIX = '_currency';

type Money = { amount: number; currency: string };

export const moneyType: FieldTypeModule<FieldOf<'money'>> = {
  type: 'money',
  columnType: () => ({ kind: 'numeric', precision: 18, scale: 2 }),
  columnNames: (field) => [field.name, `${field.name}${CURRENCY_SUFFIX}`],
  columns: (field, { base }) => {
    const amount: PhysicalColumn = { ...base, ...(field.default ? { backfill: field.default.amount } : {}) };
    const currency: PhysicalColumn = {
      identity: `field.${field.id}#currency`,
      name: `${field.name}${CURRENCY_SUFFIX}`,
      type: { kind: 'varchar', length: 3 },
      notNull: base.notNull,
      origin: base.origin,
      ...(field.default ? { backfill: field.default.currency } : field.currency ? { backfill: field.currency } : {}),
    };
    return [amount, currency];
  },
  valueSchema: (field, { currencies }) => ({
    type: 'object',
    properties: {
      amount: { type: 'number', ...decimalBounds(18, 2, field.minimum) },
      currency: field.currency ? { const: field.currency } : { type: 'string', enum: [...currencies] },
    },
    required: ['amount', 'currency'],
    additionalProperties: false,
  }),
  filter: { operand: 'number', text: anyText },
  fromRow: (field, row) => {
    const amount = row[field.name];
    if (amount === null || amount === undefined) return null;
    return { amount: Number(amount), currency: row[`${field.name}${CURRENCY_SUFFIX}`] };
  },
  toColumns: (field, value, row) => {
    const money = value as Money | null;
    row[field.name] = money ? money.amount : null;
    row[`${field.name}${CURRENCY_SUFFIX}`] = money ? money.currency : null;
  },
  csv: (field) => [
    { header: field.name, cell: (value) => (value as { amount?: unknown } | null)?.amount ?? null },
    { header: `${field.name}${CURRENCY_SUFFIX}`, cell: (value) => (value as { currency?: unknown } | null)?.currency ?? null },
  ],
  display: (_field, value, ctx) => ({ text: formatMoney(value as Money, ctx.locale) }),
  form: { field: 'money' },
  widgetOptions: (field, { model }) => {
    const currencies = model.pkg.manifest.currencies ?? [model.pkg.manifest.defaultCurrency ?? 'PLN'];
    return { currencies: field.currency ? [field.currency] : currencies, ...(field.currency ? { fixedCurrency: field.currency } : {}) };
  },
};
