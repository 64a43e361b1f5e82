// The review of the working copy: the migration plan to apply (destructive steps only once allowed),
// or why the copy is invalid — each problem at its JSON pointer, in the user's words.
import { problemText } from '../../../../forms/index.ts';
import type { ProblemEntry } from '../../api/client.ts';
import { useI18n } from '../../app/i18n.tsx';
import { useProblemWords } from '../../app/problems.ts';
import { Modal } from '../../components/ui.tsx';
import { PlanSteps, type PlanStep } from './PlanSteps.tsx';

export interface Plan {
  readonly fromVersion: number | null;
  readonly destructive: boolean;
  readonly steps: readonly PlanStep[];
}

export interface Review {
  readonly plan?: Plan;
  readonly problems?: readonly ProblemEntry[];
  readonly message?: string;
}

export function ReviewDialog({ review, busy, allowDestructive, onAllow, onApply, onClose }: { review: Review; busy: boolean; allowDestructive: boolean; onAllow(allow: boolean): void; onApply(): void; onClose(): void }) {
  const words = useProblemWords();
  const { t, language } = useI18n();
  return (
    <Modal
      title={review.plan ? t('designer.plan') : t('designer.invalid')}
      wide
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          {review.plan && (
            <button type="button" className="btn btn-primary" disabled={busy || (review.plan.destructive && !allowDestructive)} onClick={onApply}>
              {t('designer.applyChanges')}
            </button>
          )}
        </>
      }
    >
      {review.message && <div className="plan-errors">{review.message}</div>}
      {review.problems && review.problems.length > 0 && (
        <ul className="plan-errors">
          {review.problems.map((p, i) => (
            <li key={i}>
              {/* The user's words, with the engine's exact (English) detail for the analyst when they differ. */}
              <code>{p.pointer}</code> {problemText({ ...words.entry(p), pointer: '' }, language)}
              {problemText({ ...words.entry(p), pointer: '' }, language) !== p.detail && <span className="muted"> ({p.detail})</span>}
            </li>
          ))}
        </ul>
      )}
      {review.plan && <PlanSteps steps={review.plan.steps} allowDestructive={allowDestructive} onAllow={onAllow} />}
    </Modal>
  );
}
