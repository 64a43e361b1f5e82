// A new item of the designer (entity type, activity kind, report, trigger, role): the dialog that
// asks its name and label, and the item it starts as, ready to be shaped in its form.
import { useState } from 'react';
import type { MetaItemKind } from '../../../../forms/index.ts';
import { useI18n } from '../../app/i18n.tsx';
import type { MessageKey } from '../../app/messages.ts';
import { Modal } from '../../components/ui.tsx';
import type { DesignerItem } from './LayoutEditor.tsx';

type Item = DesignerItem;
type Files = Record<string, Item>;

export const NEW_TITLE: Partial<Record<MetaItemKind, MessageKey>> = { entity: 'designer.newEntity', report: 'designer.newReport', trigger: 'designer.newTrigger', role: 'designer.newRole' };

const FOLDER: Partial<Record<MetaItemKind, string>> = { entity: 'entities', activityKind: 'activity-kinds', report: 'reports', trigger: 'triggers', role: 'roles' };

/** A new item of `kind` named `name` (labelled `text` in English): where it goes in the package, and what it starts as. */
export function newItem(kind: MetaItemKind, name: string, text: string, files: Files): { path: string; item: Item } {
  const id = `custom.${name}`;
  const path = `${FOLDER[kind] ?? kind}/${name}.json`;
  const common = { id, name, label: { en: text } };
  const next: Item =
    kind === 'entity'
      ? { kind, ...common, pluralLabel: { en: text }, module: 'custom', fields: [{ id: `${id}.name`, name: 'name', type: 'string', label: { en: 'Name' }, required: true, searchable: true }] }
      : kind === 'report'
        ? // A count of the first entity type's records, to be shaped in the form and as JSON (docs/reports.md).
          { kind, ...common, entity: Object.values(files).find((x) => x.kind === 'entity')?.name ?? 'activity', type: 'table', groupBy: [], measures: ['count'] }
        : kind === 'trigger'
          ? { kind, ...common, entity: Object.values(files).find((x) => x.kind === 'entity')?.name ?? 'activity', on: 'created', start: { process: '' } }
          : kind === 'role'
            ? // No rights until the analyst gives them in the matrix.
              { kind, ...common, permissions: [] }
            : { kind, ...common, fields: [] };
  return { path, item: next };
}

export function NewItemDialog({ kind, onCancel, onCreate }: { kind: MetaItemKind; onCancel(): void; onCreate(name: string, label: string): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const valid = /^[a-z][a-z0-9_]{0,47}$/.test(name) && text.trim() !== '';
  return (
    <Modal
      title={t(NEW_TITLE[kind] ?? 'designer.newKind')}
      onClose={onCancel}
      footer={
        <button type="button" className="btn btn-primary" disabled={!valid} onClick={() => onCreate(name, text.trim())}>
          {t('common.add')}
        </button>
      }
    >
      <div className="form-grid">
        <label className="field">
          <span className="field-label">name</span>
          <input className="input mono" value={name} onChange={(e) => setName(e.target.value)} placeholder="service_visit" autoFocus />
        </label>
        <label className="field">
          <span className="field-label">label (en)</span>
          <input className="input" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
      </div>
    </Modal>
  );
}
