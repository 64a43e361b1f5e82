// "Create from template…" on the selected rows of a list: a conversion declared with `recipients` of
// this type (a template offer → an offer per contractor) run once per selected record as a
// background job (POST /api/records/:source/:id/convert/:conversion/jobs) whose progress the dialog
// follows; the user picks the conversion and its source record (the template), records refused are named.
import { useMemo, useState } from 'react';
import type { Conversion, EntityModel, Model } from '../../../metadata/browser.ts';
import type { ApiRecord } from '../api/records.ts';
import { startFanOutJob } from '../api/record-sets.ts';
import { useI18n } from '../app/i18n.tsx';
import { RecordPicker } from '../components/RecordPicker.tsx';
import { Modal } from '../components/ui.tsx';
import { RecordJobFooter, RecordJobProgress } from './RecordJobProgress.tsx';
import { useRecordJobRun } from './record-job-run.ts';

/** The conversions of any type that fan out to records of `entity`, with their source type. */
export function fanOutsTo(model: Model, entity: string): { readonly source: EntityModel; readonly conversion: Conversion }[] {
  return [...model.entities.values()].flatMap((source) => source.conversions.filter((c) => c.recipients === entity).map((conversion) => ({ source, conversion })));
}

export function FanOutDialog({ model, entity, targets, onClose }: { model: Model; entity: EntityModel; targets: readonly ApiRecord[]; onClose(): void }) {
  const { t, label } = useI18n();
  const fanOuts = useMemo(() => fanOutsTo(model, entity.name), [model, entity.name]);
  const [choice, setChoice] = useState(fanOuts.length === 1 ? 0 : -1);
  const [source, setSource] = useState<string | null>(null);
  const chosen = fanOuts[choice];
  const { job, setJob, busy, problem, done, start, nameOf } = useRecordJobRun(entity, targets);
  const run = async () => {
    if (!chosen || !source) return;
    await start(() => startFanOutJob({ entity: chosen.source.name, id: source }, chosen.conversion.name, { ids: targets.map((r) => r.id) }));
  };
  return (
    <Modal
      title={`${t('bulk.fromTemplate')} (${t('list.selected', { n: targets.length })})`}
      onClose={onClose}
      footer={<RecordJobFooter started={job !== null} done={done} canRun={!!chosen && !!source && !busy} onRun={() => void run()} onClose={onClose} />}
    >
      <div className="form-grid">
        <label>
          {t('bulk.conversion')}{' '}
          <select
            className="input"
            value={choice}
            onChange={(e) => {
              setChoice(Number(e.target.value));
              setSource(null);
            }}
            aria-label={t('bulk.conversion')}
            disabled={busy || job !== null}
          >
            <option value={-1} />
            {fanOuts.map((f, i) => (
              <option key={`${f.source.name}.${f.conversion.name}`} value={i}>
                {label(f.conversion.label)}
              </option>
            ))}
          </select>
        </label>
        {chosen && (
          <label>
            {t('bulk.template')}
            <RecordPicker id="fan-out-source" model={model} target={chosen.source.name} value={source} onChange={(id) => setSource(id)} disabled={busy || job !== null} />
          </label>
        )}
        {job && <RecordJobProgress job={job} nameOf={nameOf} onChange={setJob} />}
        {problem && <div className="error">{problem}</div>}
      </div>
    </Modal>
  );
}
