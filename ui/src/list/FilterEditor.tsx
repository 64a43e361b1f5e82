// One ad-hoc filter of a list: field, operator and a value widget fitting the field (choices for
// enums and states, yes/no, dates, numbers, and the record picker for references, so a user picks
// "Anna Nowak" and never types an id).
import { filterableType, type EntityModel, type Model } from '../../../metadata/browser.ts';
import { useI18n } from '../app/i18n.tsx';
import type { MessageKey } from '../app/messages.ts';
import { RecordPicker } from '../components/RecordPicker.tsx';
import { filterableFields, opsFor, type FilterRow } from './query.ts';

export function FilterEditor({ model, entity, row, onChange, onRemove }: { model: Model; entity: EntityModel; row: FilterRow; onChange(row: FilterRow): void; onRemove(): void }) {
  const { t, label } = useI18n();
  const field = entity.fieldsByName.get(row.field);
  const fields = filterableFields(entity);
  const choices = field?.type === 'enum' ? field.values.map((v) => [v.value, label(v.label)] as const) : field?.type === 'state' ? (entity.machines.get(field.name)?.states ?? []).map((s) => [s.name, label(s.label)] as const) : null;
  const type = field ? filterableType(field) : 'text';
  let value;
  if (row.op === 'isNull' || row.op === 'notNull') value = null;
  else if (field?.type === 'reference') {
    value = (
      <div className="filter-value" aria-label="value">
        <RecordPicker model={model} target={field.target} value={row.value || null} onChange={(id) => onChange({ ...row, value: id ?? '' })} />
      </div>
    );
  } else if (choices || type === 'boolean') {
    const options = choices ?? [
      ['true', t('common.yes')],
      ['false', t('common.no')],
    ];
    value = (
      <select className="input" aria-label="value" value={row.value} onChange={(e) => onChange({ ...row, value: e.target.value })}>
        <option value="" />
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    );
  } else {
    value = (
      <input
        className="input"
        aria-label="value"
        type={type === 'number' ? 'number' : type === 'date' ? 'date' : type === 'datetime' ? 'datetime-local' : 'text'}
        value={type === 'datetime' && row.value ? localDateTime(row.value) : row.value}
        onChange={(e) => onChange({ ...row, value: type === 'datetime' && e.target.value ? new Date(e.target.value).toISOString() : e.target.value })}
      />
    );
  }
  return (
    <div className="filter-row">
      <select className="input" aria-label="field" value={row.field} onChange={(e) => onChange({ field: e.target.value, op: opsFor(entity.fieldsByName.get(e.target.value))[0]!, value: '' })}>
        {fields.map((f) => (
          <option key={f.name} value={f.name}>
            {label(f.label)}
          </option>
        ))}
      </select>
      <select className="input" aria-label="operator" value={row.op} onChange={(e) => onChange({ ...row, op: e.target.value })}>
        {opsFor(field).map((op) => (
          <option key={op} value={op}>
            {t(`op.${op}` as MessageKey)}
          </option>
        ))}
      </select>
      {value}
      <button type="button" className="icon-btn" aria-label={t('common.remove')} onClick={onRemove}>
        ×
      </button>
    </div>
  );
}

/** An ISO instant as the value of a datetime-local input (the user's time zone). */
function localDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
