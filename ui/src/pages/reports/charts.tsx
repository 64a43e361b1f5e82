// Report charts: bars drawn in HTML (labels wrap at any width), lines and pies in SVG scaled to
// their box. Every bar, point and slice is a link to the records behind it. One scale per series:
// amounts in different currencies are never compared as if they were one.
import { Link } from '../../app/router.tsx';
import { SERIES_COLORS } from '../dashboard/figures.ts';
import type { Series, Slice } from './figures.ts';

const colorOf = (i: number) => SERIES_COLORS[i % SERIES_COLORS.length]!;

export interface ChartProps {
  readonly series: readonly Series[];
  readonly format: (slice: Slice, series: Series) => string;
  readonly drill: (slice: Slice) => string;
  readonly label: string;
}

function Legend({ series }: { series: readonly Series[] }) {
  if (series.length < 2 && !series[0]?.name) return null;
  return (
    <ul className="chart-legend">
      {series.map((s, i) => (
        <li key={s.name}>
          <span className="chart-swatch" style={{ background: colorOf(i) }} aria-hidden />
          {s.name}
        </li>
      ))}
    </ul>
  );
}

/** Horizontal bars: a row per category, a bar per series, each series on its own scale. */
export function BarChart({ series, format, drill, label }: ChartProps) {
  const max = series.map((s) => Math.max(0, ...s.slices.map((x) => Math.abs(x.value))));
  const categories = [...new Set(series.flatMap((s) => s.slices.map((x) => x.text)))];
  return (
    <div className="report-chart" data-testid="bar-chart">
      <Legend series={series} />
      <ol className="stage-bars" aria-label={label}>
        {categories.map((category) => (
          <li key={category} className="stage-bars-row">
            <div className="stage-bars-label">
              <span className="stage-bars-name">{category}</span>
            </div>
            {series.map((s, i) => {
              const slice = s.slices.find((x) => x.text === category);
              if (!slice) return null;
              return (
                <Link key={s.name} to={drill(slice)} className="stage-bar report-bar" title={`${category}: ${format(slice, s)}`}>
                  <span className="stage-bar-track">
                    <span className="stage-bar-fill" style={{ width: `${max[i]! > 0 ? Math.max(1, (100 * Math.abs(slice.value)) / max[i]!) : 0}%`, background: slice.color && series.length === 1 ? slice.color : colorOf(i) }} />
                  </span>
                  <span className="stage-bar-value">{format(slice, s)}</span>
                </Link>
              );
            })}
          </li>
        ))}
      </ol>
    </div>
  );
}

const W = 600;
const H = 240;
const PAD = 28;

/** Lines over the categories in order (periods), one per series, each scaled to its own maximum. */
export function LineChart({ series, format, drill, label }: ChartProps) {
  const categories = [...new Set(series.flatMap((s) => s.slices.map((x) => x.text)))];
  const x = (i: number) => PAD + (categories.length < 2 ? (W - 2 * PAD) / 2 : (i * (W - 2 * PAD)) / (categories.length - 1));
  return (
    <div className="report-chart" data-testid="line-chart">
      <Legend series={series} />
      <svg viewBox={`0 0 ${W} ${H + 24}`} className="line-chart" role="img" aria-label={label}>
        <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} className="axis" />
        {series.map((s, si) => {
          const max = Math.max(1e-9, ...s.slices.map((p) => p.value));
          const y = (v: number) => H - PAD - (v / max) * (H - 2 * PAD);
          const points = s.slices.map((p) => [x(categories.indexOf(p.text)), y(p.value), p] as const);
          return (
            <g key={s.name}>
              <polyline fill="none" stroke={colorOf(si)} strokeWidth={2} points={points.map(([px, py]) => `${px},${py}`).join(' ')} />
              {points.map(([px, py, p]) => (
                <Link key={p.text} to={drill(p)}>
                  <circle cx={px} cy={py} r={5} fill={colorOf(si)}>
                    <title>{`${p.text}: ${format(p, s)}`}</title>
                  </circle>
                </Link>
              ))}
            </g>
          );
        })}
        {categories.map((c, i) =>
          // At most about eight labels along the axis, so they never run into one another.
          i % Math.max(1, Math.ceil(categories.length / 8)) === 0 ? (
            <text key={c} x={x(i)} y={H - 6} textAnchor="middle" className="axis-label">
              {c}
            </text>
          ) : null,
        )}
      </svg>
    </div>
  );
}

/** Slices of one series (one currency): shares of the whole, with the legend as the list of links. */
export function PieChart({ series, format, drill, label }: ChartProps) {
  return (
    <div className="report-chart pie-charts" data-testid="pie-chart">
      {series.map((s) => {
        const total = s.slices.reduce((n, p) => n + Math.max(0, p.value), 0);
        let angle = -Math.PI / 2;
        return (
          <figure key={s.name} className="pie">
            <svg viewBox="-1.05 -1.05 2.1 2.1" role="img" aria-label={`${label} ${s.name}`}>
              {s.slices.map((p, i) => {
                const share = total > 0 ? Math.max(0, p.value) / total : 0;
                const start = angle;
                angle += share * 2 * Math.PI;
                const large = share > 0.5 ? 1 : 0;
                const path = share >= 0.9999 ? 'M 0 -1 A 1 1 0 1 1 -0.001 -1 Z' : `M 0 0 L ${Math.cos(start)} ${Math.sin(start)} A 1 1 0 ${large} 1 ${Math.cos(angle)} ${Math.sin(angle)} Z`;
                return (
                  <Link key={p.text} to={drill(p)}>
                    <path d={path} fill={p.color ?? colorOf(i)}>
                      <title>{`${p.text}: ${format(p, s)}`}</title>
                    </path>
                  </Link>
                );
              })}
            </svg>
            <figcaption>
              {s.name && <strong>{s.name}</strong>}
              <ul className="chart-legend">
                {s.slices.map((p, i) => (
                  <li key={p.text}>
                    <span className="chart-swatch" style={{ background: p.color ?? colorOf(i) }} aria-hidden />
                    <Link to={drill(p)}>{p.text}</Link> <span className="muted">{format(p, s)}</span>
                  </li>
                ))}
              </ul>
            </figcaption>
          </figure>
        );
      })}
    </div>
  );
}
