// The dashboard's charts, drawn as HTML: the labels are text that wraps (never cut, never rotated,
// never on top of one another) at any width, and screen readers read them as lists.
import { useI18n } from '../../app/i18n.tsx';
import { funnelSteps, type StageFigures } from './figures.ts';

/** The sales funnel: each step as wide as the deals that reached it, centred, the stage's full name beside it. */
export function Funnel({ stages, label }: { stages: readonly StageFigures[]; label: string }) {
  const { t } = useI18n();
  return (
    <ol className="funnel" aria-label={label} data-testid="funnel">
      {funnelSteps(stages).map((step) => (
        <li key={step.name} className="funnel-step" data-stage={step.name} data-reached={step.reached}>
          <div className="funnel-label">
            <span className="funnel-name">{step.label}</span>
            <span className="muted">
              {t('dashboard.reached', { n: step.reached })} · {t('dashboard.inStage', { n: step.here })}
            </span>
          </div>
          <div className="funnel-lane">
            <span className="funnel-bar" style={{ width: `${step.width}%`, ...(step.color ? { background: step.color } : {}) }} title={`${step.label}: ${step.reached}`}>
              {step.reached}
            </span>
          </div>
        </li>
      ))}
    </ol>
  );
}
