// Column headings of lists: a field's label, or the app's own word for a system column (never the
// raw column name such as "created_at").
import type { EntityModel } from '../../../metadata/browser.ts';
import type { I18n } from '../app/i18n.tsx';
import type { MessageKey } from '../app/messages.ts';
import { SYSTEM_COLUMNS } from './query.ts';

export function columnLabel(entity: EntityModel, column: string, { t, label }: Pick<I18n, 't' | 'label'>): string {
  const field = entity.fieldsByName.get(column);
  if (field) return label(field.label);
  return (SYSTEM_COLUMNS as readonly string[]).includes(column) ? t(`column.${column}` as MessageKey) : column;
}
