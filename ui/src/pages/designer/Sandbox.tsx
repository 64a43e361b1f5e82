// The designer's "Try in sandbox": the working copy runs on the server with sample records on a
// transaction that is rolled back (POST /api/meta/sandbox); the dialog shows the plan it ran and each
// sample record created or refused with its problems. Nothing is stored.
import { problemText } from '../../../../forms/index.ts';
import type { ProblemEntry } from '../../api/client.ts';
import { useI18n } from '../../app/i18n.tsx';
import { useProblemWords } from '../../app/problems.ts';
import { Modal } from '../../components/ui.tsx';
import { PlanSteps, type PlanStep } from './PlanSteps.tsx';

export interface SandboxResult {
  readonly fromVersion: number;
  readonly steps: readonly PlanStep[];
  readonly samples: readonly { entity: string; record?: Record<string, unknown>; problems?: readonly ProblemEntry[]; message?: string }[];
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
