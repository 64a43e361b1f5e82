// taxId: a Polish NIP or Romanian CUI/CIF, checked by its checksum and stored compact (digits, the
// RO prefix kept), so filters compare compacted text too.
import type { TaxIdFormat } from '../field-formats.ts';
import { compactTaxId } from '../tax-id.ts';
import { asText, columnValue, oneCsvColumn, plainColumn, ownColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';

function taxIdFormat(field: FieldOf<'taxId'>): TaxIdFormat {
  const c = field.countries ?? ['PL', 'RO'];
  return c.length === 1 ? (c[0] === 'PL' ? 'tax-id-pl' : 'tax-id-ro') : 'tax-id';
}

export const taxIdType: FieldTypeModule<FieldOf<'taxId'>> = {
  type: 'taxId',
  columnType: () => ({ kind: 'varchar', length: 16 }),
  columnNames: ownColumn,
  columns: plainColumn,
  valueSchema: (field) => ({ type: 'string', format: taxIdFormat(field), maxLength: 20 }),
  filter: { operand: 'text', text: (_field, text) => ({ value: compactTaxId(text) }) },
  fromRow: columnValue,
  toColumns: (field, value, row) => {
    row[field.name] = typeof value === 'string' ? compactTaxId(value) : null;
  },
  csv: oneCsvColumn,
  display: asText,
  form: { widget: 'taxId' },
  widgetOptions: (field) => ({ countries: field.countries ?? ['PL', 'RO'] }),
};
