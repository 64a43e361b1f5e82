// The designer's numbering series editor: the numbered field, the series (pattern, reset, FEEL
// condition; several per entity type, each with a gap-free counter of its own) and a preview of the
// next numbers of each, computed by the engine's own code (metadata/numbering.ts) from the series'
// current counter (GET /api/meta/numbering/{entity}) for a type already applied. It edits the
// designer's working copy; nothing is stored before the plan is applied.
import { useEffect, useState } from 'react';
import { nextNumbers, type Numbering, type NumberingSeries } from '../../../../metadata/browser.ts';
import { api } from '../../api/client.ts';
import { useI18n } from '../../app/i18n.tsx';
import { FeelConditionInput } from './FeelConditionInput.tsx';

type Item = Record<string, unknown> & { name?: string; fields?: { name: string; type: string; readOnly?: boolean }[]; numbering?: Numbering };

const RESETS = ['yearly', 'monthly', 'never'] as const;

/** The counters of the applied type's series (empty for a new type or without the right). */
function useCounters(entity: string | undefined): ReadonlyMap<string, number> {
  const [counters, setCounters] = useState<ReadonlyMap<string, number>>(new Map());
  useEffect(() => {
    let live = true;
    if (!entity) return;
    void api.get<{ data: { series: string; lastValue: number }[] }>(`/meta/numbering/${encodeURIComponent(entity)}`).then(
      (res) => live && setCounters(new Map(res.data.data.map((c) => [c.series, c.lastValue]))),
      () => live && setCounters(new Map()),
    );
    return () => {
      live = false;
    };
  }, [entity]);
  return counters;
}

export function NumberingEditor({ item, applied, timeZone, onChange }: { item: Item; applied: boolean; timeZone: string; onChange(item: Item): void }) {
  const { t } = useI18n();
  const counters = useCounters(applied ? item.name : undefined);
  const numbering = item.numbering;
  const candidates = (item.fields ?? []).filter((f) => f.type === 'string' && f.readOnly).map((f) => f.name);
  const set = (next: Numbering | undefined) => {
    const { numbering: _old, ...rest } = item;
    onChange(next ? { ...rest, numbering: next } : rest);
  };
  if (!numbering) {
    return (
      <section aria-label={t('numbering.editor')} className="form-grid numbering-editor">
        <h3>{t('numbering.editor')}</h3>
        <p className="muted">{t('numbering.none')}</p>
        <div>
          <button type="button" className="btn btn-small" disabled={candidates.length === 0} onClick={() => set({ field: candidates[0]!, pattern: `${(item.name ?? 'X').slice(0, 2).toUpperCase()}/{YYYY}/{seq:4}`, reset: 'yearly' })}>
            + {t('numbering.add')}
          </button>
        </div>
      </section>
    );
  }
  const series = numbering.series ?? [];
  const setSeries = (i: number, patch: Partial<NumberingSeries>) => set({ ...numbering, series: series.map((s, j) => (j === i ? withoutEmpty({ ...s, ...patch }) : s)) });
  const preview = (spec: { name: string | null; pattern: string; reset?: NumberingSeries['reset'] }) => {
    const at = new Date();
    const base = { field: numbering.field, pattern: spec.pattern, reset: spec.reset ?? 'yearly', name: spec.name };
    const { key } = nextNumbers(item.name ?? '', base, null, 0, at, timeZone);
    const last = counters.get(key) ?? null;
    return { last, numbers: /\{seq(:\d)?\}/.test(spec.pattern) ? nextNumbers(item.name ?? '', base, last, 3, at, timeZone).numbers : [] };
  };
  const rows: { key: string; name: string | null; pattern: string; reset?: NumberingSeries['reset']; index: number | null }[] = [
    ...(numbering.pattern !== undefined ? [{ key: '(default)', name: null, pattern: numbering.pattern, ...(numbering.reset ? { reset: numbering.reset } : {}), index: null }] : []),
    ...series.map((s, i) => ({ key: `s${i}`, name: s.name, pattern: s.pattern, ...(s.reset ? { reset: s.reset } : {}), index: i })),
  ];
  return (
    <section aria-label={t('numbering.editor')} className="form-grid numbering-editor">
      <div className="card-head">
        <h3>{t('numbering.editor')}</h3>
        <button type="button" className="btn btn-small" onClick={() => set(undefined)}>
          {t('numbering.removeAll')}
        </button>
      </div>
      <p className="muted">{t('numbering.help')}</p>
      <label className="inline-field">
        {t('numbering.field')}
        <select className="input" value={numbering.field} onChange={(e) => set({ ...numbering, field: e.target.value })}>
          {[...new Set([numbering.field, ...candidates])].map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
      </label>
      <table className="fields-table" aria-label={t('numbering.series')}>
        <thead>
          <tr>
            <th>{t('numbering.name')}</th>
            <th>{t('numbering.pattern')}</th>
            <th>{t('numbering.reset')}</th>
            <th>{t('numbering.preview')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const { last, numbers } = preview(row);
            const s = row.index === null ? null : series[row.index]!;
            return (
              <tr key={row.key} data-series={row.name ?? ''}>
                <td>{s ? <input className="input mono" aria-label={t('numbering.name')} value={s.name} onChange={(e) => setSeries(row.index!, { name: e.target.value })} /> : <span className="muted">{t('numbering.default')}</span>}</td>
                <td>
                  <input
                    className="input mono"
                    aria-label={`${t('numbering.pattern')} ${row.name ?? ''}`.trim()}
                    value={row.pattern}
                    onChange={(e) => (s ? setSeries(row.index!, { pattern: e.target.value }) : set({ ...numbering, pattern: e.target.value }))}
                  />
                  {s && <FeelConditionInput label={t('numbering.when')} value={s.when ?? ''} fields={(item.fields ?? []).map((f) => f.name)} onChange={(when) => setSeries(row.index!, { when })} />}
                </td>
                <td>
                  <select
                    className="input"
                    aria-label={`${t('numbering.reset')} ${row.name ?? ''}`.trim()}
                    value={row.reset ?? 'yearly'}
                    onChange={(e) => (s ? setSeries(row.index!, { reset: e.target.value as NumberingSeries['reset'] }) : set({ ...numbering, reset: e.target.value as Numbering['reset'] }))}
                  >
                    {RESETS.map((r) => (
                      <option key={r} value={r}>
                        {t(`numbering.reset.${r}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="numbering-preview" aria-label={`${t('numbering.preview')} ${row.name ?? ''}`.trim()}>
                  <span className="mono">{numbers.join(', ')}</span>
                  <div className="muted">{last !== null ? t('numbering.fromCounter', { n: last }) : t('numbering.fresh')}</div>
                </td>
                <td>
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={`${t('common.remove')} ${row.name ?? t('numbering.default')}`}
                    onClick={() => (s ? set({ ...numbering, series: series.filter((_, j) => j !== row.index) }) : set(withoutPattern(numbering)))}
                    disabled={rows.length === 1}
                  >
                    ×
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div>
        <button type="button" className="btn btn-small" onClick={() => set({ ...numbering, series: [...series, { name: `series_${series.length + 1}`, pattern: numbering.pattern ?? '{YYYY}/{seq:4}', reset: 'yearly' }] })}>
          + {t('numbering.addSeries')}
        </button>
      </div>
    </section>
  );
}

function withoutEmpty(series: NumberingSeries): NumberingSeries {
  const { when, ...rest } = series;
  return when ? { ...rest, when } : rest;
}

function withoutPattern(numbering: Numbering): Numbering {
  const { pattern: _p, reset: _r, ...rest } = numbering;
  return rest;
}
