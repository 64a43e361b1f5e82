// The live progress of a bulk action running as a background job (GET /api/record-jobs/:id, read
// every second while it runs): a bar of the records done or failed of all, the counts, the first
// failures named, and a button to cancel between chunks. Shared by the dialogs that start jobs.
import { useEffect, useState } from 'react';
import { ApiError } from '../api/client.ts';
import { cancelRecordJob, jobOpen, recordJob, type RecordJobReport } from '../api/record-sets.ts';
import { problemDetail } from '../../../forms/index.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';

export function RecordJobProgress({ job: first, nameOf, describe, onChange }: { job: RecordJobReport; nameOf?(id: string): string; describe?(code: string, detail: string): string; onChange?(job: RecordJobReport): void }) {
  const { t, language } = useI18n();
  const words = useProblemWords();
  // A failure's code in the user's words (FORBIDDEN, NOT_FOUND… as the forms say them); the kind's own words first.
  const say = (code: string | null, detail: string | null): string => {
    if (code === 'UNREADABLE') return t('recordJob.unreadable');
    if (describe && code) return describe(code, detail ?? '');
    return problemDetail(words.entry({ pointer: '', detail: detail ?? '', ...(code ? { code } : {}) }), language);
  };
  const [job, setJob] = useState(first);
  const [problem, setProblem] = useState<string | null>(null);
  const open = jobOpen(job);
  useEffect(() => {
    if (!open) return;
    const timer = setTimeout(() => {
      recordJob(job.id)
        .then((next) => {
          setJob(next);
          onChange?.(next);
        })
        .catch((e: unknown) => setProblem(e instanceof ApiError ? (e.problem.detail ?? e.message) : String(e)));
    }, 1000);
    return () => clearTimeout(timer);
  }, [job, open, onChange]);
  const cancel = async () => {
    try {
      setJob(await cancelRecordJob(job.id));
    } catch (e) {
      setProblem(e instanceof ApiError ? (e.problem.detail ?? e.message) : String(e));
    }
  };
  return (
    <div className="form-grid" data-job={job.id}>
      <progress max={Math.max(job.total, 1)} value={job.done + job.failed} aria-label={t('bulk.progress')} />
      <div role="status">
        {t(`recordJob.status.${job.status}`)} — {t('recordJob.summary', { done: job.done, failed: job.failed, total: job.total })}
      </div>
      {job.failures.length > 0 && (
        <ul className="muted" aria-label={t('recordJob.failures')}>
          {job.failures.map((f) => (
            <li key={f.id}>
              {nameOf?.(f.id) ?? f.id}: {say(f.code, f.detail)}
            </li>
          ))}
        </ul>
      )}
      {job.status === 'running' || job.status === 'queued' ? (
        <button type="button" className="btn" onClick={() => void cancel()}>
          {t('recordJob.cancel')}
        </button>
      ) : null}
      {job.error && <div className="error">{job.error}</div>}
      {problem && <div className="error">{problem}</div>}
    </div>
  );
}

/** The footer of a dialog that starts a record job: Cancel (Close once it is over) and Run until it starts. */
export function RecordJobFooter({ started, done, canRun, onRun, onClose }: { started: boolean; done: boolean; canRun: boolean; onRun(): void; onClose(): void }) {
  const { t } = useI18n();
  return (
    <>
      <button type="button" className="btn" onClick={onClose}>
        {done ? t('common.close') : t('common.cancel')}
      </button>
      {!started && (
        <button type="button" className="btn btn-primary" disabled={!canRun} onClick={onRun}>
          {t('bulk.run')}
        </button>
      )}
    </>
  );
}
