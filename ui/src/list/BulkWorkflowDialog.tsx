// "Run workflow…" on the selected rows of a list: one instance per record, started as the user
// (POST /api/records/:type/bulk/workflow), sent in chunks so the bar shows progress; records the
// user may not start it for are counted and named, the others run.
import { useState } from 'react';
import type { EntityModel } from '../../../metadata/browser.ts';
import { ApiError } from '../api/client.ts';
import type { ApiRecord } from '../api/records.ts';
import { BULK_CHUNK, processIds, runWorkflowFor, type RunProgress } from '../api/record-sets.ts';
import { useI18n } from '../app/i18n.tsx';
import { Modal, useLoad } from '../components/ui.tsx';

export function BulkWorkflowDialog({ entity, targets, onClose }: { entity: EntityModel; targets: readonly ApiRecord[]; onClose(): void }) {
  const { t } = useI18n();
  const processes = useLoad(() => processIds().catch(() => [] as string[]), []);
  const [processId, setProcessId] = useState('');
  const [sent, setSent] = useState(0);
  const [progress, setProgress] = useState<RunProgress | null>(null);
  const [refused, setRefused] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setProblem(null);
    let runId: string | undefined;
    try {
      for (let i = 0; i < targets.length; i += BULK_CHUNK) {
        const chunk = targets.slice(i, i + BULK_CHUNK);
        const answer = await runWorkflowFor(entity.name, processId, chunk.map((r) => r.id), runId);
        runId = answer.runId;
        setSent(i + chunk.length);
        setProgress(answer.progress);
        const names = answer.members.filter((m) => m.error).map((m) => String(chunk.find((r) => r.id === m.id)?.[entity.displayField] ?? m.id));
        if (names.length) setRefused((r) => [...r, ...names]);
      }
    } catch (e) {
      setProblem(e instanceof ApiError ? (e.problem.detail ?? e.message) : String(e));
    } finally {
      setBusy(false);
    }
  };
  const done = progress !== null && !busy;
  return (
    <Modal
      title={`${t('bulk.runWorkflow')} (${t('list.selected', { n: targets.length })})`}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {done ? t('common.close') : t('common.cancel')}
          </button>
          {!done && (
            <button type="button" className="btn btn-primary" disabled={!processId || busy} onClick={() => void run()}>
              {t('bulk.run')}
            </button>
          )}
        </>
      }
    >
      <div className="form-grid">
        <label>
          {t('bulk.process')}{' '}
          <input className="input" list="bulk-processes" value={processId} onChange={(e) => setProcessId(e.target.value)} aria-label={t('bulk.process')} disabled={busy || done} />
          <datalist id="bulk-processes">
            {(processes.data ?? []).map((id) => (
              <option key={id} value={id} />
            ))}
          </datalist>
        </label>
        {(busy || done) && <progress max={targets.length} value={sent} aria-label={t('bulk.progress')} />}
        {progress && (
          <div role="status">{t('bulk.summary', { completed: progress.completed, running: progress.running, failed: progress.failed, total: progress.total })}</div>
        )}
        {refused.length > 0 && <div className="muted">{t('bulk.refused', { names: refused.join(', ') })}</div>}
        {problem && <div className="error">{problem}</div>}
      </div>
    </Modal>
  );
}
