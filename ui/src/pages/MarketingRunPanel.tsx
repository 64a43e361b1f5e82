// A marketing action's card: its members (from the member query, evaluated when it starts) and the
// scenario's progress and results per outcome (GET /api/records/marketing_action/:id/progress);
// "Run for the members" starts it, or runs the members that joined since.
import { useState } from 'react';
import { ApiError } from '../api/client.ts';
import { recordRunProgress, startMarketingAction } from '../api/record-sets.ts';
import { useI18n } from '../app/i18n.tsx';
import { ErrorBox, Spinner, useLoad } from '../components/ui.tsx';

export function MarketingRunPanel({ id, onStarted }: { id: string; onStarted(): void }) {
  const { t } = useI18n();
  const progress = useLoad(() => recordRunProgress('marketing_action', id), [id]);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const start = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await startMarketingAction(id);
      progress.reload();
      onStarted();
    } catch (e) {
      setProblem(e instanceof ApiError ? (e.problem.detail ?? e.message) : String(e));
    } finally {
      setBusy(false);
    }
  };
  const p = progress.data;
  return (
    <section className="card" aria-label={t('marketing.members')}>
      <div className="card-head">
        <h2>{t('marketing.members')}</h2>
        <button type="button" className="btn btn-small" disabled={busy} onClick={() => void start()}>
          {t('marketing.start')}
        </button>
      </div>
      {progress.loading && !p && <Spinner />}
      {progress.error ? <ErrorBox error={progress.error} onRetry={progress.reload} /> : null}
      {p && p.total === 0 && <div className="muted">{t('marketing.notStarted')}</div>}
      {p && p.total > 0 && (
        <>
          <progress max={p.total} value={p.completed + p.failed} aria-label={t('bulk.progress')} />
          <div role="status">{t('marketing.summary', { total: p.total, completed: p.completed, running: p.running, failed: p.failed })}</div>
          <ul className="outcomes">
            {Object.entries(p.outcomes).map(([outcome, n]) => (
              <li key={outcome}>
                {outcome}: {n}
              </li>
            ))}
          </ul>
        </>
      )}
      {problem && <div className="error">{problem}</div>}
    </section>
  );
}
