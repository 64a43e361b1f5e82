// On a sale's card: the default fiscal printer's status and "Print receipt" (or, for a buyer with a
// NIP on a POSNET printer, "Print VAT invoice") while the sale has no printed fiscal document. Printing goes through the shared queue; the card follows the queue row until
// the receipt is printed (the sale then shows its receipt number) or refused (the reason shown).
import { useEffect, useState } from 'react';
import type { ApiRecord } from '../api/records.ts';
import { fiscalApi, printerStatusKey, type FiscalPrinters } from '../api/fiscal.ts';
import { useI18n } from '../app/i18n.tsx';
import { Chip, useLoad } from '../components/ui.tsx';

export function FiscalReceiptAction({ sale, canUpdate, onDone }: { sale: ApiRecord; canUpdate: boolean; onDone(): void }) {
  const { t, language } = useI18n();
  const printers = useLoad(() => fiscalApi.printers(), [sale.version]);
  // The printer's status changes on its own (paper, cover, link, daily report): the server pushes it.
  const [pushed, setPushed] = useState<FiscalPrinters | null>(null);
  useEffect(() => fiscalApi.stream((event) => setPushed(event.printers)), []);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const state = sale.receipt_state as string | null | undefined;
  const waiting = busy || state === 'queued' || state === 'printing';

  useEffect(() => {
    if (!waiting) return;
    // Follow the queue row until it settles, then show the sale as the connector left it.
    const timer = setInterval(() => {
      void fiscalApi.receiptOf(sale.id).then((row) => {
        if (!row || row.state === 'queued' || row.state === 'printing') return;
        clearInterval(timer);
        setBusy(false);
        setProblem(row.state === 'failed' ? (row.errorWords?.[language] ?? row.lastError ?? row.errorCode) : null);
        onDone();
      });
    }, 400);
    return () => clearInterval(timer);
  }, [waiting, sale.id]);

  const start = (document: 'receipt' | 'invoice') => {
    setBusy(true);
    setProblem(null);
    (document === 'invoice' ? fiscalApi.invoice(sale.id) : fiscalApi.print(sale.id)).then(
      () => onDone(),
      (error: unknown) => {
        setBusy(false);
        setProblem(error instanceof Error ? error.message : String(error));
      },
    );
  };
  const info = pushed ?? printers.data;
  if (!info?.enabled) return null;
  const printer = info.printers.find((p) => p.id === info.defaultPrinter);
  return (
    <>
      {printer && (
        <span data-testid="fiscal-printer" title={printer.lastError ?? undefined}>
          <Chip color={printerStatusKey(printer) === 'fiscal.status.ready' ? 'green' : 'orange'}>{`${printer.name}: ${t(printerStatusKey(printer))}`}</Chip>
        </span>
      )}
      {problem && <span className="error" role="alert">{t('fiscal.failed', { reason: problem })}</span>}
      {canUpdate && state !== 'printed' && (
        <>
          <button type="button" className="btn" disabled={waiting || !printer} onClick={() => start('receipt')}>
            {waiting ? t('fiscal.printing') : t('fiscal.print')}
          </button>
          {/* A VAT invoice instead of the receipt: for a buyer with a NIP, on a POSNET printer. */}
          {!waiting && printer?.protocol === 'posnet' && !!sale.contractor && !!sale.buyer_nip && (
            <button type="button" className="btn" onClick={() => start('invoice')}>
              {t('fiscal.printInvoice')}
            </button>
          )}
        </>
      )}
    </>
  );
}
