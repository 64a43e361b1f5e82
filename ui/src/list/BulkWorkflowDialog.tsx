// "Run workflow…" on the selected rows of a list: one instance per record, started as the user,
// as a background job (POST /api/records/:type/bulk/workflow/jobs) whose progress the dialog reads
// while it runs (list/RecordJobProgress.tsx), cancellable, going on after a server restart; records
// the user may not start it for are counted and named, the others run. "Convert…" is the same
// dialog over a declared conversion of the type (POST /api/records/:type/bulk/conversion/jobs):
// each record converted with the user's rights, refused ones named.
import { useState } from 'react';
import type { EntityModel } from '../../../metadata/browser.ts';
import type { ApiRecord } from '../api/records.ts';
import { processIds, startConversionJob, startWorkflowJob } from '../api/record-sets.ts';
import { useI18n } from '../app/i18n.tsx';
import { Modal, useLoad } from '../components/ui.tsx';
import { RecordJobFooter, RecordJobProgress } from './RecordJobProgress.tsx';
import { useRecordJobRun } from './record-job-run.ts';

export function BulkWorkflowDialog({ entity, targets, onClose, convert = false }: { entity: EntityModel; targets: readonly ApiRecord[]; onClose(): void; convert?: boolean }) {
  const { t, label } = useI18n();
  const processes = useLoad(() => (convert ? Promise.resolve([] as string[]) : processIds().catch(() => [] as string[])), [convert]);
  const [choice, setChoice] = useState('');
  const { job, setJob, busy, problem, done, start, nameOf } = useRecordJobRun(entity, targets);
  const run = async () => {
    const selection = { ids: targets.map((r) => r.id) };
    await start(() => (convert ? startConversionJob(entity.name, choice, selection) : startWorkflowJob(entity.name, choice, selection)));
  };
  return (
    <Modal
      title={`${t(convert ? 'bulk.convert' : 'bulk.runWorkflow')} (${t('list.selected', { n: targets.length })})`}
      onClose={onClose}
      footer={<RecordJobFooter started={job !== null} done={done} canRun={!!choice && !busy} onRun={() => void run()} onClose={onClose} />}
    >
      <div className="form-grid">
        {convert ? (
          <label>
            {t('bulk.conversion')}{' '}
            <select className="input" value={choice} onChange={(e) => setChoice(e.target.value)} aria-label={t('bulk.conversion')} disabled={busy || job !== null}>
              <option value="" />
              {entity.conversions.filter((c) => c.recipients === undefined).map((c) => (
                <option key={c.name} value={c.name}>
                  {label(c.label)}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <label>
            {t('bulk.process')}{' '}
            <input className="input" list="bulk-processes" value={choice} onChange={(e) => setChoice(e.target.value)} aria-label={t('bulk.process')} disabled={busy || job !== null} />
            <datalist id="bulk-processes">
              {(processes.data ?? []).map((id) => (
                <option key={id} value={id} />
              ))}
            </datalist>
          </label>
        )}
        {job && <RecordJobProgress job={job} nameOf={nameOf} onChange={setJob} />}
        {problem && <div className="error">{problem}</div>}
      </div>
    </Modal>
  );
}
