// An entity type's or activity kind's fields: a table to order, remove and open them, and a dialog
// that edits one field definition as a form over its type's meta-schema branch.
import { useMemo, useRef, useState } from 'react';
import { metaFieldForm, metaFieldTypes, localizeDescriptions } from '../../../../forms/index.ts';
import { metaSchema } from '../../../../metadata/browser.ts';
import { useI18n } from '../../app/i18n.tsx';
import { Modal } from '../../components/ui.tsx';
import type { DesignerItem } from './LayoutEditor.tsx';
import { MetaForm } from './MetaForm.tsx';
import type { Label } from '../../../../metadata/browser.ts';

type Item = DesignerItem;
type FieldDef = Record<string, unknown> & { name: string; type: string; id: string; label: Label };

export function FieldsEditor({ item, onChange }: { item: Item; onChange(item: Item): void }) {
  const { t, label } = useI18n();
  const fields = (item.fields as FieldDef[] | undefined) ?? [];
  const [editing, setEditing] = useState<{ index: number | null; field: FieldDef } | null>(null);
  const [type, setType] = useState('string');
  const types = useMemo(() => metaFieldTypes(metaSchema), []);
  const setFields = (next: FieldDef[]) => onChange({ ...item, fields: next });
  const move = (i: number, by: number) => {
    const next = [...fields];
    const [f] = next.splice(i, 1);
    next.splice(i + by, 0, f!);
    setFields(next);
  };
  return (
    <section aria-label={t('designer.fields')}>
      <div className="card-head">
        <h3>{t('designer.fields')}</h3>
        <div className="toolbar">
          <select className="input input-small" aria-label={t('designer.fieldType')} value={type} onChange={(e) => setType(e.target.value)}>
            {types.map((ty) => (
              <option key={ty}>{ty}</option>
            ))}
          </select>
          <button type="button" className="btn btn-small" onClick={() => setEditing({ index: null, field: { id: '', name: '', type, label: { en: '' } } })}>
            + {t('designer.addField')}
          </button>
        </div>
      </div>
      <table className="fields-table">
        <thead>
          <tr>
            <th>name</th>
            <th>type</th>
            <th>label</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {fields.map((f, i) => (
            <tr key={`${f.id}.${i}`} data-field-row={f.name}>
              <td className="mono">
                {f.name}
                {f.required ? ' *' : ''}
              </td>
              <td>{f.type}</td>
              <td>{label(f.label)}</td>
              <td style={{ whiteSpace: 'nowrap', textAlign: 'right' }}>
                <button type="button" className="icon-btn" aria-label={t('designer.moveUp')} disabled={i === 0} onClick={() => move(i, -1)}>
                  ↑
                </button>
                <button type="button" className="icon-btn" aria-label={t('designer.moveDown')} disabled={i === fields.length - 1} onClick={() => move(i, 1)}>
                  ↓
                </button>
                <button type="button" className="btn btn-small" onClick={() => setEditing({ index: i, field: f })}>
                  {t('common.edit')}
                </button>
                <button type="button" className="icon-btn" aria-label={`${t('common.remove')} ${f.name}`} onClick={() => setFields(fields.filter((_, j) => j !== i))}>
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && (
        <FieldDialog
          ownerId={String(item.id ?? '')}
          field={editing.field}
          isNew={editing.index === null}
          onCancel={() => setEditing(null)}
          onSave={(field) => {
            setFields(editing.index === null ? [...fields, field] : fields.map((f, j) => (j === editing.index ? field : f)));
            setEditing(null);
          }}
        />
      )}
    </section>
  );
}

/** One field definition as a form over its type's meta-schema branch; the id follows the name until edited. */
function FieldDialog({ ownerId, field, isNew, onCancel, onSave }: { ownerId: string; field: FieldDef; isNew: boolean; onCancel(): void; onSave(field: FieldDef): void }) {
  const { t, language } = useI18n();
  const form = useMemo(() => localizeDescriptions(metaFieldForm(metaSchema, field.type), language), [field.type, language]);
  const [data, setData] = useState<FieldDef>(field);
  const autoId = (name: string) => `${ownerId}.${name}`;
  // Ids this dialog derived from the name; any other id was typed by the analyst and is kept.
  const derived = useRef(new Set<string>(['']));
  return (
    <Modal
      title={isNew ? `${t('designer.addField')}: ${field.type}` : t('designer.editField', { name: field.name })}
      wide
      onClose={onCancel}
      footer={
        <>
          <button type="button" className="btn" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="field-form" className="btn btn-primary">
            {isNew ? t('common.add') : t('common.apply')}
          </button>
        </>
      }
    >
      <MetaForm
        id="field-form"
        schema={form.schema}
        uiSchema={{ ...form.uiSchema, ...(isNew ? {} : { id: { 'ui:readonly': true } }) }}
        data={data}
        onChange={(next) => {
          const n = { ...(next as FieldDef) };
          // A new field's stable id is derived from its name until the analyst sets one.
          if (isNew && derived.current.has(n.id ?? '')) {
            n.id = n.name ? autoId(n.name) : '';
            derived.current.add(n.id);
          }
          setData({ ...n, type: field.type });
        }}
        onSubmit={(submitted) => onSave({ ...(submitted as FieldDef), type: field.type })}
      />
    </Modal>
  );
}
