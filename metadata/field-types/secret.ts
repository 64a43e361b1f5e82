// secret: a password or API key (a mail account's IMAP password). The engine seals it with the
// installation's key before it reaches the column (AES-256-GCM, bound to the field's id) and no read
// returns it: a set secret reads as SECRET_MASK, an unset one as null. Writing the mask back keeps the
// stored secret, so a form round trip never loses or exposes it. Only isNull filters it; it is never
// sorted, searched or indexed.
import { noOptions, ownColumn, plainColumn, type FieldOf, type FieldTypeModule } from './field-type.ts';

/** What a set secret reads as; written back, it keeps the stored secret. */
export const SECRET_MASK = '••••••••';

export const secretType: FieldTypeModule<FieldOf<'secret'>> = {
  type: 'secret',
  // The envelope (version, key id, iv, tag, body in base64url) is longer than the secret: text.
  columnType: () => ({ kind: 'text' }),
  columnNames: ownColumn,
  columns: plainColumn,
  valueSchema: (field) => ({ type: 'string', minLength: 1, maxLength: field.maxLength ?? 1000, writeOnly: true }),
  filter: { operand: 'json', text: () => ({ problem: 'a secret cannot be compared; filter it with isNull' }) },
  fromRow: (field, row) => (row[field.name] === null || row[field.name] === undefined ? null : SECRET_MASK),
  // The engine has sealed the value by now (engine/records/secret-fields.ts); null clears it.
  toColumns: (field, value, row) => {
    if (value !== SECRET_MASK) row[field.name] = value ?? null;
  },
  csv: (field) => [{ header: field.name, cell: (value) => (value === null || value === undefined ? null : SECRET_MASK) }],
  display: () => ({ text: SECRET_MASK }),
  form: { widget: 'secret' },
  widgetOptions: noOptions,
};
