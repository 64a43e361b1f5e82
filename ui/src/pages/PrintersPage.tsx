// Fiscal printers (/admin/printers): each printer with its live status (paper, cover, daily report
// missing, connection; pushed by the server's feed), its queue with every row's state and step log,
// Retry / Cancel where the server allows it, the daily report action and the stored reports with
// their totals. The feed says when the queue or the reports changed; the lists are read again then.
import { useEffect, useState } from 'react';
import { fiscalApi, printerStatusKey, type FiscalFeedEvent, type FiscalPrinter, type FiscalReceiptRow, type FiscalReport } from '../api/fiscal.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';
import { Link } from '../app/router.tsx';
import { ConnectorOff, useConnectorEnabled } from '../components/ConnectorOff.tsx';
import { formatDateTime } from '../components/format.ts';
import { Chip, ErrorBox, Spinner, useLoad, useNotify } from '../components/ui.tsx';
import type { MessageKey } from '../app/messages.ts';

const STATE_COLOR: Record<FiscalReceiptRow['state'], string> = { queued: 'steelblue', printing: 'darkorange', printed: 'seagreen', failed: 'firebrick', cancelled: 'gray' };

function money(grosze: number | null, locale: string): string {
  return grosze === null ? '' : (grosze / 100).toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export default function PrintersPage() {
  const { t } = useI18n();
  const enabled = useConnectorEnabled('fiscal');
  if (enabled) return <PrintersView />;
  return (
    <div className="page admin-page printers-page">
      <div className="page-head">
        <h1>{t('fiscal.printers')}</h1>
      </div>
      <ConnectorOff enabled={enabled} note={t('fiscal.disabled')} />
    </div>
  );
}

function PrintersView() {
  const { t } = useI18n();
  const initial = useLoad(() => fiscalApi.printers(), []);
  const [feed, setFeed] = useState<FiscalFeedEvent | null>(null);
  useEffect(() => fiscalApi.stream(setFeed), []);
  const info = feed?.printers ?? initial.data;
  if (!info && initial.loading) return <Spinner />;
  if (!info) return <ErrorBox error={initial.error} onRetry={initial.reload} />;
  return (
    <div className="page admin-page printers-page">
      <div className="page-head">
        <h1>{t('fiscal.printers')}</h1>
      </div>
      {!info.enabled && <p className="muted">{t('fiscal.disabled')}</p>}
      {info.problems.map((p) => (
        <p key={p} className="error">
          {p}
        </p>
      ))}
      {info.printers.map((printer) => (
        <PrinterSection key={printer.id} printer={printer} queueMark={feed?.queueMark ?? ''} reportsMark={feed?.reportsMark ?? ''} />
      ))}
    </div>
  );
}

function PrinterSection({ printer, queueMark, reportsMark }: { printer: FiscalPrinter; queueMark: string; reportsMark: string }) {
  const { t, locale, language } = useI18n();
  const words = useProblemWords();
  const notify = useNotify();
  const queue = useLoad(() => fiscalApi.queue(printer.id), [printer.id, queueMark]);
  const reports = useLoad(() => fiscalApi.reports(printer.id), [printer.id, reportsMark]);
  const [busy, setBusy] = useState(false);
  const status = printerStatusKey(printer);
  const act = async (work: () => Promise<unknown>, done: MessageKey) => {
    setBusy(true);
    try {
      await work();
      notify('success', t(done));
    } catch (error) {
      notify('error', t('common.error'), words.message(error));
    } finally {
      setBusy(false);
      queue.reload();
      reports.reload();
    }
  };
  return (
    <section className="card printer-card" aria-label={printer.name} data-printer={printer.id}>
      <div className="printer-head">
        <h2>{printer.name}</h2>
        <span data-testid="printer-status" title={printer.lastError ?? undefined}>
          <Chip color={status === 'fiscal.status.ready' ? 'seagreen' : 'darkorange'}>{t(status)}</Chip>
        </span>
        <span className="muted">
          {printer.protocol.toUpperCase()} · {printer.transport === 'tcp' ? 'TCP' : t('fiscal.serial')}
          {printer.agent ? ` · ${t('fiscal.agent')}` : ''} · {t('fiscal.waiting', { n: printer.waiting })}
        </span>
        <button type="button" className="btn" disabled={busy} onClick={() => void act(() => fiscalApi.dailyReport(printer.id), 'fiscal.reportDone')}>
          {t('fiscal.dailyReport')}
        </button>
      </div>
      <h3>{t('fiscal.queue')}</h3>
      {queue.error ? <ErrorBox error={queue.error} onRetry={queue.reload} /> : null}
      {queue.data && queue.data.length === 0 && <p className="muted">{t('fiscal.queueEmpty')}</p>}
      <ul className="admin-list fiscal-queue">
        {(queue.data ?? []).map((row) => (
          <li key={row.id} data-receipt={row.id} data-state={row.state}>
            <div className="admin-main">
              {row.recordId ? <Link to={`/r/sale/${row.recordId}`}>{row.receipt.reference ?? row.idempotencyKey}</Link> : <span className="mono">{row.idempotencyKey}</span>}{' '}
              <Chip color={STATE_COLOR[row.state]}>{t(`fiscal.state.${row.state}` as MessageKey)}</Chip>
              {row.document === 'invoice' && <Chip>{t('fiscal.invoice')}</Chip>}
              {row.receiptNumber !== null && <span> {t('fiscal.number', { n: row.receiptNumber })}</span>}
              {row.total !== null && <span className="muted"> · {money(row.total, locale)} zł</span>}
              <span className="muted"> · {formatDateTime(row.createdAt, locale)}</span>
              {row.errorCode && (row.state === 'failed' || row.state === 'queued') && (
                <div className="error" title={row.lastError ?? undefined}>
                  {row.errorWords?.[language] ?? row.lastError}
                </div>
              )}
              <details>
                <summary>{t('fiscal.log', { n: row.log.length })}</summary>
                <ol className="fiscal-log">
                  {row.log.map((entry, i) => (
                    <li key={i}>
                      <span className="muted mono">{formatDateTime(entry.at, locale)}</span> {entry.step}
                    </li>
                  ))}
                </ol>
              </details>
            </div>
            {(row.state === 'failed' || row.state === 'cancelled') && (
              <button type="button" className="btn" disabled={busy} onClick={() => void act(() => fiscalApi.retry(row.id), 'fiscal.retried')}>
                {t('common.retry')}
              </button>
            )}
            {(row.state === 'failed' || (row.state === 'queued' && row.journal === null)) && (
              <button type="button" className="btn" disabled={busy} onClick={() => window.confirm(t('fiscal.confirmCancel')) && void act(() => fiscalApi.cancel(row.id), 'fiscal.cancelled')}>
                {t('fiscal.cancel')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <h3>{t('fiscal.reports')}</h3>
      {reports.data && reports.data.length === 0 && <p className="muted">{t('fiscal.reportsEmpty')}</p>}
      <ul className="admin-list fiscal-reports">
        {(reports.data ?? []).map((r: FiscalReport) => (
          <li key={r.id} data-report={r.id}>
            <div className="admin-main">
              <strong>{t(`fiscal.report.${r.kind}` as MessageKey)}</strong>
              {r.reportNumber !== null && <span> {t('fiscal.number', { n: r.reportNumber })}</span>}
              <span className="muted"> · {formatDateTime(r.createdAt, locale)}</span>{' '}
              <Chip color={r.state === 'printed' ? 'seagreen' : r.state === 'failed' ? 'firebrick' : 'steelblue'}>{t(`fiscal.state.${r.state}` as MessageKey)}</Chip>
              {r.amount !== null && <span> {money(r.amount, locale)} zł</span>}
              {r.contents && (
                <div className="muted" data-testid="report-totals">
                  {t('fiscal.reportTotals', { gross: money(r.contents.gross, locale), vat: money(r.contents.vat, locale), receipts: r.contents.receipts })}
                </div>
              )}
              {r.errorCode && <div className="error">{r.errorWords?.[language] ?? r.errorCode}</div>}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
