// A migration plan's steps, destructive ones flagged, with the explicit confirmation they need: the
// designer's review before an apply and the version history's review before a revert.
import { useI18n } from '../../app/i18n.tsx';

export interface PlanStep {
  readonly op: string;
  readonly description: string;
  readonly destructive: boolean;
}

export function PlanSteps({ steps, label, allowDestructive, onAllow }: { steps: readonly PlanStep[]; label?: string; allowDestructive?: boolean; onAllow?(allow: boolean): void }) {
  const { t } = useI18n();
  return (
    <>
      {steps.length === 0 && <div className="muted">{t('designer.noChanges')}</div>}
      <ol className="plan-steps" aria-label={label ?? t('designer.plan')}>
        {steps.map((s, i) => (
          <li key={i} className={s.destructive ? 'destructive' : ''}>
            {s.description}
            {s.destructive && <strong> ({t('designer.destructive')})</strong>}
          </li>
        ))}
      </ol>
      {onAllow && steps.some((s) => s.destructive) && (
        <label className="checkbox">
          <input type="checkbox" checked={allowDestructive ?? false} onChange={(e) => onAllow(e.target.checked)} />
          <span>{t('designer.allowDestructive')}</span>
        </label>
      )}
    </>
  );
}
