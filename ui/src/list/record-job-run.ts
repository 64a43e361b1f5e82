// What the dialogs that start a record job over a list's selection share (run workflow, convert,
// create from a template): starting it once, the problem if the server refuses, the job's report
// as it runs, and the selected records' titles for the progress's refused list.
import { useCallback, useState } from 'react';
import type { EntityModel } from '../../../metadata/browser.ts';
import { ApiError } from '../api/client.ts';
import type { ApiRecord } from '../api/records.ts';
import { jobOpen, type RecordJobReport } from '../api/record-sets.ts';

export interface RecordJobRun {
  readonly job: RecordJobReport | null;
  setJob(job: RecordJobReport): void;
  readonly busy: boolean;
  readonly problem: string | null;
  /** The job is over (done, stopped or failed): the dialog offers Close. */
  readonly done: boolean;
  start(begin: () => Promise<RecordJobReport>): Promise<void>;
  nameOf(id: string): string;
}

export function useRecordJobRun(entity: EntityModel, targets: readonly ApiRecord[]): RecordJobRun {
  const [job, setJob] = useState<RecordJobReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const start = useCallback(async (begin: () => Promise<RecordJobReport>) => {
    setBusy(true);
    setProblem(null);
    try {
      setJob(await begin());
    } catch (e) {
      setProblem(e instanceof ApiError ? (e.problem.detail ?? e.message) : String(e));
    } finally {
      setBusy(false);
    }
  }, []);
  const nameOf = useCallback((id: string) => String(targets.find((r) => r.id === id)?.[entity.displayField] ?? id), [targets, entity.displayField]);
  return { job, setJob, busy, problem, done: job !== null && !jobOpen(job), start, nameOf };
}
