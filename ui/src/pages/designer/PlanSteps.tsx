// A migration plan's steps, destructive ones flagged, with the explicit confirmation they need: the
// designer's review before an apply and the version history's review before a revert.
import { useI18n } from '../../app/i18n.tsx';

export interface PlanStep {
  readonly op: string;
  readonly description: string;
  readonly destructive: boolean;
  /** A removed stage, state or enum value: how many records hold it and where they go (engine/schema-sync/apply.ts). */
  readonly records?: { readonly byValue: Readonly<Record<string, number>>; readonly total: number; readonly outcome: 'moved' | 'cleared' | 'refused'; readonly to?: string };
}

function RecordsNote({ records }: { records: NonNullable<PlanStep['records']> }) {
  const { t } = useI18n();
  const values = Object.entries(records.byValue)
    .map(([value, n]) => `${value} (${n})`)
    .join(', ');
  const text = records.total === 0 ? t('plan.records.none', { values: Object.keys(records.byValue).join(', ') }) : t(`plan.records.${records.outcome}`, { count: records.total, values, to: records.to ?? '' });
  return <div className={`plan-records${records.total > 0 ? ' has-records' : ''}`}>{text}</div>;
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
            {s.records && <RecordsNote records={s.records} />}
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
