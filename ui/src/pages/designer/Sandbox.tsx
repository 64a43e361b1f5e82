// The designer's "Try in sandbox": the working copy runs on the server with sample records on a
// transaction that is rolled back (POST /api/meta/sandbox); the dialog shows the plan it ran and each
// sample record created or refused with its problems, and what creating it set off (the workflows
// its triggers start, messages, what would be sent and queued, automation events). Nothing is stored.
import { problemText, wordProblem } from '../../../../forms/index.ts';
import type { ProblemEntry } from '../../api/client.ts';
import { useI18n } from '../../app/i18n.tsx';
import { useProblemWords } from '../../app/problems.ts';
import { Modal } from '../../components/ui.tsx';
import type { TrialFired } from '../../../../metadata/browser.ts';
import { PlanSteps, type PlanStep } from './PlanSteps.tsx';

/** What a sample set off (metadata/trial-fired.ts). */
export type SandboxFired = TrialFired;

export interface SandboxResult {
  readonly fromVersion: number;
  readonly steps: readonly PlanStep[];
  readonly samples: readonly { entity: string; record?: Record<string, unknown>; fired?: SandboxFired; problems?: readonly ProblemEntry[]; code?: string; message?: string }[];
}

/** A job queue's name as the task type it runs (`tessera.job.email_3asend` → `email:send`). */
function queueLabel(queue: string): string {
  if (!queue.startsWith('tessera.job.')) return queue;
  return queue.slice('tessera.job.'.length).replace(/_([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function Fired({ fired }: { fired: SandboxFired }) {
  const { t } = useI18n();
  const lines = [
    ...fired.workflows.map((w) => (w.version === null ? t('sandbox.workflowMissing', { trigger: w.trigger, process: w.process }) : t('sandbox.workflow', { trigger: w.trigger, process: w.process, version: String(w.version) }))),
    ...fired.messages.map((m) => t('sandbox.message', { trigger: m.trigger, name: m.name, key: m.correlationKey })),
    ...Object.entries(fired.outbox).map(([channel, n]) => t('sandbox.outbox', { channel, n: String(n) })),
    ...Object.entries(fired.jobs).map(([queue, n]) => t('sandbox.jobs', { queue: queueLabel(queue), n: String(n) })),
    ...Object.entries(fired.automationEvents).map(([event, n]) => t('sandbox.automation', { event, n: String(n) })),
    ...fired.problems.map((detail) => t('sandbox.problem', { detail })),
  ];
  if (lines.length === 0) return <div className="muted">{t('sandbox.firedNothing', { n: String(fired.audited) })}</div>;
  return (
    <ul className="sandbox-fired" aria-label={t('sandbox.fired')}>
      {lines.map((line, i) => (
        <li key={i}>{line}</li>
      ))}
      <li className="muted">{t('sandbox.audited', { n: String(fired.audited) })}</li>
    </ul>
  );
}

export function SandboxDialog({ result, onClose }: { result: SandboxResult; onClose(): void }) {
  const { t, language } = useI18n();
  const words = useProblemWords();
  return (
    <Modal
      title={t('sandbox.title')}
      wide
      onClose={onClose}
      footer={
        <button type="button" className="btn" onClick={onClose}>
          {t('common.close')}
        </button>
      }
    >
      <p className="muted" role="note">
        {t('sandbox.help')}
      </p>
      <PlanSteps steps={result.steps} />
      <h3>{t('sandbox.samples')}</h3>
      {result.samples.length === 0 && <div className="muted">{t('sandbox.noSamples')}</div>}
      <ul className="sandbox-samples" aria-label={t('sandbox.samples')}>
        {result.samples.map((s, i) => (
          <li key={i} data-sample={s.entity} className={s.record ? '' : 'plan-errors'}>
            <strong>{s.entity}</strong>: {s.record ? t('sandbox.created') : t('sandbox.refused')}
            {s.record && <code className="muted"> {JSON.stringify(Object.fromEntries(Object.entries(s.record).filter(([k, v]) => v !== null && !['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy'].includes(k))))}</code>}
            {s.fired && <Fired fired={s.fired} />}
            {!s.record && !s.problems?.length && s.message && <div className="muted">{wordProblem(s.code, undefined, language) ?? s.message}</div>}
            {s.problems && (
              <ul>
                {s.problems.map((p, j) => (
                  <li key={j}>
                    <code>{p.pointer}</code> {problemText({ ...words.entry(p), pointer: '' }, language)}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </Modal>
  );
}
