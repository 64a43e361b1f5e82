// "Set…" on the selected rows of a list: one field (a choice, yes/no, or a reference such as the
// sales rep, picked with the record picker) set on all of them in one request, all or nothing
// (POST /api/records/:type/mass-update). A refusal names the record and changes none.
import { useState } from 'react';
import type { EntityModel, Model } from '../../../metadata/browser.ts';
import { ApiError } from '../api/client.ts';
import { massUpdate, type ApiRecord } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { useSession } from '../app/session.tsx';
import { RecordPicker } from '../components/RecordPicker.tsx';
import { Modal } from '../components/ui.tsx';

export function MassUpdateDialog({ model, entity, targets, onClose, onDone }: { model: Model; entity: EntityModel; targets: readonly ApiRecord[]; onClose(): void; onDone(changed: number): void }) {
  const { t, label } = useI18n();
  const { fieldAccess } = useSession();
  const access = fieldAccess(entity.name);
  const candidates = entity.fields.filter((f) => (f.type === 'enum' || f.type === 'boolean' || f.type === 'reference') && !f.readOnly && (access?.[f.name] ?? 'write') === 'write');
  const [fieldName, setFieldName] = useState(candidates.find((f) => f.type === 'reference')?.name ?? candidates[0]?.name ?? '');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const field = entity.fieldsByName.get(fieldName);
  const apply = async () => {
    if (!field) return;
    setBusy(true);
    try {
      await massUpdate(entity.name, targets, { [field.name]: field.type === 'boolean' ? value === 'true' : value });
      onDone(targets.length);
    } catch (e) {
      const failed = e instanceof ApiError ? (e.problem.failedRecord as { index: number } | undefined) : undefined;
      const record = failed ? targets[failed.index] : undefined;
      const detail = e instanceof ApiError ? (e.problem.detail ?? e.message) : String(e);
      setProblem(record ? `${t('list.massFailed', { record: String(record[entity.displayField] ?? record.id) })} ${detail}` : detail);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={`${t('list.setValue')} (${t('list.selected', { n: targets.length })})`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="btn btn-primary" disabled={!field || value === '' || busy} onClick={() => void apply()}>
            {t('common.apply')}
          </button>
        </>
      }
    >
      <div className="form-grid">
        <select
          className="input"
          aria-label="field"
          value={fieldName}
          onChange={(e) => {
            setFieldName(e.target.value);
            setValue('');
          }}
        >
          {candidates.map((f) => (
            <option key={f.name} value={f.name}>
              {label(f.label)}
            </option>
          ))}
        </select>
        {field?.type === 'reference' ? (
          <div aria-label="value" className="mass-value">
            <RecordPicker key={field.name} model={model} target={field.target} value={value || null} onChange={(id) => setValue(id ?? '')} />
          </div>
        ) : (
          <select className="input" aria-label="value" value={value} onChange={(e) => setValue(e.target.value)}>
            <option value="" />
            {field?.type === 'enum' &&
              field.values.map((v) => (
                <option key={v.value} value={v.value}>
                  {label(v.label)}
                </option>
              ))}
            {field?.type === 'boolean' && (
              <>
                <option value="true">{t('common.yes')}</option>
                <option value="false">{t('common.no')}</option>
              </>
            )}
          </select>
        )}
        {problem && (
          <div className="field-errors" role="alert">
            {problem}
          </div>
        )}
      </div>
    </Modal>
  );
}
