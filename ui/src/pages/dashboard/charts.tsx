// The dashboard's charts, drawn as HTML: the labels are text that wraps (never cut, never rotated,
// never on top of one another) at any width, and screen readers read them as lists.
import { useI18n } from '../../app/i18n.tsx';
import { formatMoney } from '../../components/format.ts';
import { currencySeries, funnelSteps, SERIES_COLORS, type StageFigures } from './figures.ts';

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

/** Amounts by stage: one series (colour, legend entry) per currency, each on its own scale, and the number of deals. */
export function StageBars({ stages, defaultCurrency, label }: { stages: readonly StageFigures[]; defaultCurrency: string; label: string }) {
  const { t, locale } = useI18n();
  const series = currencySeries(stages, defaultCurrency);
  const color = (currency: string) => SERIES_COLORS[series.findIndex((s) => s.currency === currency) % SERIES_COLORS.length];
  return (
    <div className="stage-chart" data-testid="stage-chart">
      <ul className="chart-legend" aria-label={t('dashboard.currencies')}>
        {series.map((s) => (
          <li key={s.currency} data-currency={s.currency}>
            <span className="chart-swatch" style={{ background: color(s.currency) }} aria-hidden />
            {s.currency} <span className="muted">({formatMoney({ amount: s.total, currency: s.currency }, locale)})</span>
          </li>
        ))}
        {series.length > 1 && <li className="muted">{t('dashboard.ownScale')}</li>}
      </ul>
      <ol className="stage-bars" aria-label={label}>
        {stages.map((stage) => (
          <li key={stage.name} className="stage-bars-row" data-stage={stage.name} style={stage.color ? { ['--stage' as string]: stage.color } : undefined}>
            <div className="stage-bars-label">
              <span className="stage-bars-name">{stage.label}</span> <span className="muted">· {t('dashboard.deals', { n: stage.count })}</span>
            </div>
            {series
              .filter((s) => (stage.amounts.get(s.currency) ?? 0) !== 0)
              .map((s) => {
                const amount = stage.amounts.get(s.currency)!;
                return (
                  <div key={s.currency} className="stage-bar" data-currency={s.currency} data-amount={amount}>
                    <span className="stage-bar-track">
                      <span className="stage-bar-fill" style={{ width: `${s.max > 0 ? Math.max(1, (100 * Math.abs(amount)) / s.max) : 0}%`, background: color(s.currency) }} />
                    </span>
                    <span className="stage-bar-value">{formatMoney({ amount, currency: s.currency }, locale)}</span>
                  </div>
                );
              })}
          </li>
        ))}
      </ol>
    </div>
  );
}
