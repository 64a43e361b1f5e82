// Serial correspondence (/mail/merge): recipients (the records selected on a list — ?entity=&ids= — or
// a filter of contractors, persons…) → template, language and sending account → a preview per
// recipient rendered by the server with that record → send. The server queues the whole merge at once
// (outbox, throttled per account); this page then shows its progress live and each recipient that
// failed (refused address, SMTP code) or was skipped, and why.
import { useEffect, useMemo, useState } from 'react';
import { recordTitle, type EntityModel, type Model } from '../../../metadata/browser.ts';
import { emailApi, type MergeProgress, type MergeQueued, type RenderedMail } from '../api/email.ts';
import { listRecords } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { LANGUAGES, type MessageKey } from '../app/messages.ts';
import { useMeta } from '../app/meta.tsx';
import { useProblemWords } from '../app/problems.ts';
import { Link, useLocation } from '../app/router.tsx';
import { FilterEditor } from '../list/FilterEditor.tsx';
import { combinedFilter, filterableFields, filterOf, parseRows, type FilterRow } from '../list/query.ts';
import { ErrorBox, Spinner, useLoad } from '../components/ui.tsx';
import { MailPreview } from './MailPreview.tsx';

type Step = 'recipients' | 'template' | 'preview' | 'send';
const STEPS: readonly [Step, MessageKey][] = [
  ['recipients', 'mailMerge.stepRecipients'],
  ['template', 'mailMerge.stepTemplate'],
  ['preview', 'mailMerge.stepPreview'],
  ['send', 'mailMerge.stepSend'],
];
const SAMPLE = 50;
const SKIP_WORDS: Readonly<Record<string, MessageKey>> = {
  no_address: 'mailMerge.skip.no_address',
  no_consent: 'mailMerge.skip.no_consent',
  unsubscribed: 'mailMerge.skip.unsubscribed',
  duplicate: 'mailMerge.skip.duplicate',
  template_error: 'mailMerge.skip.template_error',
};

/** Record types serial mail can go to: those with an `email` field and a timeline. */
export function mergeEntities(model: Model): EntityModel[] {
  return [...model.entities.values()].filter((e) => e.activities && e.fieldsByName.get('email')?.type === 'email');
}

export default function MailMergePage() {
  const { model } = useMeta();
  const { t, label } = useI18n();
  const location = useLocation();
  const entities = mergeEntities(model);
  const [entityName, setEntityName] = useState(location.query.get('entity') ?? entities[0]?.name ?? '');
  const entity = model.entities.get(entityName);
  const ids = useMemo(() => (location.query.get('ids') ?? '').split(',').filter(Boolean), [location.query]);
  const [useSelection, setUseSelection] = useState(ids.length > 0);
  const [rows, setRows] = useState<FilterRow[]>(() => parseRows(location.query.get('filters')));
  const [step, setStep] = useState<Step>('recipients');
  const [account, setAccount] = useState('');
  const [template, setTemplate] = useState('');
  const [language, setLanguage] = useState<string>('pl');
  const [queued, setQueued] = useState<MergeQueued | null>(null);
  const filter = useMemo(() => (entity ? combinedFilter(filterOf(rows, entity)) : undefined), [rows, entity]);
  const selection = useSelection && ids.length > 0;
  const recipients = useLoad(
    (signal) => (entity ? listRecords(entity.name, { ...(selection ? { filter: { id: { in: ids } } } : filter ? { filter } : {}), limit: SAMPLE, count: true }, signal) : Promise.resolve(null)),
    [entity?.name, selection, ids, JSON.stringify(filter)],
  );
  const accounts = useLoad((signal) => emailApi.accounts(signal), []);
  const templates = useLoad((signal) => listRecords('email_template', { sort: 'code', limit: 200 }, signal), []);
  const codes = [...new Set((templates.data?.data ?? []).map((r) => String(r.code)))];
  useEffect(() => {
    if (!account && accounts.data?.[0]) setAccount(accounts.data[0].id);
  }, [accounts.data, account]);
  useEffect(() => {
    if (!template && codes[0]) setTemplate(codes[0]);
  }, [codes, template]);

  if (!entity) return <div className="page">{t('mailMerge.noEntity')}</div>;
  const count = recipients.data?.count ?? recipients.data?.data.length ?? 0;
  const ready: Record<Step, boolean> = { recipients: true, template: count > 0, preview: count > 0 && Boolean(account && template), send: count > 0 && Boolean(account && template) };
  return (
    <div className="page merge-page">
      <div className="page-head">
        <h1>{t('mailMerge.title')}</h1>
        <Link to="/mail/templates">{t('templates.title')}</Link>
      </div>
      <ol className="merge-steps" aria-label={t('mailMerge.title')}>
        {STEPS.map(([key, word], i) => (
          <li key={key}>
            <button type="button" className={step === key ? 'tab active' : 'tab'} aria-current={step === key ? 'step' : undefined} disabled={!ready[key] || queued !== null} onClick={() => setStep(key)}>
              {i + 1}. {t(word)}
            </button>
          </li>
        ))}
      </ol>
      <div className="card merge-body">
        {step === 'recipients' && (
          <>
            <label className="field">
              <span className="field-label">{t('mailMerge.entity')}</span>
              <select className="input" value={entity.name} onChange={(e) => (setEntityName(e.target.value), setRows([]), setUseSelection(false))}>
                {entities.map((e) => (
                  <option key={e.name} value={e.name}>
                    {label(e.pluralLabel)}
                  </option>
                ))}
              </select>
            </label>
            {ids.length > 0 && entity.name === location.query.get('entity') && (
              <label className="check">
                <input type="checkbox" checked={useSelection} onChange={(e) => setUseSelection(e.target.checked)} /> {t('mailMerge.selection', { n: ids.length })}
              </label>
            )}
            {!selection && (
              <div className="filters">
                {rows.map((row, i) => (
                  <FilterEditor key={i} model={model} entity={entity} row={row} onChange={(r) => setRows((f) => f.map((x, j) => (j === i ? r : x)))} onRemove={() => setRows((f) => f.filter((_, j) => j !== i))} />
                ))}
                <button type="button" className="btn" onClick={() => setRows((f) => [...f, { field: filterableFields(entity)[0]?.name ?? 'id', op: 'contains', value: '' }])}>
                  {t('mailMerge.addCondition')}
                </button>
              </div>
            )}
            <RecipientSample entity={entity} load={recipients} count={count} />
          </>
        )}
        {step === 'template' && (
          <div className="merge-template">
            <label className="field">
              <span className="field-label">{t('mail.account')}</span>
              <select className="input" value={account} onChange={(e) => setAccount(e.target.value)}>
                {(accounts.data ?? []).map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} &lt;{a.address}&gt;
                  </option>
                ))}
              </select>
            </label>
            {accounts.data?.length === 0 && <div className="form-banner">{t('mail.noAccount')}</div>}
            <label className="field">
              <span className="field-label">{t('mailMerge.template')}</span>
              <select className="input" value={template} onChange={(e) => setTemplate(e.target.value)}>
                {codes.map((code) => (
                  <option key={code} value={code}>
                    {templateName(templates.data?.data ?? [], code, language)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">{t('mailMerge.language')}</span>
              <select className="input" value={language} onChange={(e) => setLanguage(e.target.value)}>
                {LANGUAGES.map((l) => (
                  <option key={l} value={l}>
                    {l.toUpperCase()}
                  </option>
                ))}
              </select>
            </label>
          </div>
        )}
        {step === 'preview' && recipients.data && <RecipientPreviews entity={entity} records={recipients.data.data} template={template} language={language} />}
        {step === 'send' &&
          (queued ? (
            <MergeProgressView queued={queued} />
          ) : (
            <SendStep count={count} onSend={async () => setQueued(await emailApi.merge({ account, template, language, entity: entity.name, ...(selection ? { ids } : filter ? { filter } : {}), idempotencyKey: mergeKey() }))} />
          ))}
      </div>
      {queued === null && (
        <div className="merge-nav">
          <button type="button" className="btn" disabled={step === 'recipients'} onClick={() => setStep(STEPS[STEPS.findIndex(([s]) => s === step) - 1]![0])}>
            {t('common.back')}
          </button>
          {step !== 'send' && (
            <button type="button" className="btn btn-primary" disabled={!ready[STEPS[STEPS.findIndex(([s]) => s === step) + 1]![0]]} onClick={() => setStep(STEPS[STEPS.findIndex(([s]) => s === step) + 1]![0])}>
              {t('mailMerge.next')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

const mergeKey = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

function templateName(records: readonly Readonly<Record<string, unknown>>[], code: string, language: string): string {
  const variants = records.filter((r) => r.code === code);
  const named = variants.find((r) => r.language === language) ?? variants[0];
  return `${String(named?.name ?? code)} (${variants.map((r) => String(r.language)).join(', ')})`;
}

function RecipientSample({ entity, load, count }: { entity: EntityModel; load: ReturnType<typeof useLoad<Awaited<ReturnType<typeof listRecords>> | null>>; count: number }) {
  const { t } = useI18n();
  if (load.error) return <ErrorBox error={load.error} onRetry={load.reload} />;
  if (load.loading && !load.data) return <Spinner />;
  const data = load.data?.data ?? [];
  return (
    <div className="merge-recipients">
      <div role="status">{t('mailMerge.count', { n: count })}</div>
      <ul className="mail-list" aria-label={t('mailMerge.stepRecipients')}>
        {data.map((r) => (
          <li key={r.id} className="merge-recipient">
            <span>{recordTitle(entity, r)}</span> <span className="muted">{typeof r.email === 'string' && r.email ? r.email : t('mailMerge.skip.no_address')}</span>
          </li>
        ))}
      </ul>
      {count > data.length && <div className="muted">{t('mailMerge.more', { n: count - data.length })}</div>}
    </div>
  );
}

function RecipientPreviews({ entity, records, template, language }: { entity: EntityModel; records: readonly Readonly<Record<string, unknown>>[]; template: string; language: string }) {
  const { t } = useI18n();
  const words = useProblemWords();
  const [index, setIndex] = useState(0);
  const record = records[index];
  const preview = useLoad((signal) => (record ? emailApi.preview({ template, language }, entity.name, String(record.id), signal) : Promise.resolve(null as RenderedMail | null)), [template, language, record?.id]);
  if (!record) return null;
  return (
    <div className="merge-preview">
      <div className="merge-preview-nav">
        <button type="button" className="btn" aria-label={t('mailMerge.previous')} disabled={index === 0} onClick={() => setIndex(index - 1)}>
          ‹
        </button>
        <span>
          {t('mailMerge.recipientOf', { n: index + 1, total: records.length })}: <strong>{recordTitle(entity, record)}</strong> <span className="muted">{typeof record.email === 'string' ? record.email : ''}</span>
        </span>
        <button type="button" className="btn" aria-label={t('mailMerge.nextRecipient')} disabled={index >= records.length - 1} onClick={() => setIndex(index + 1)}>
          ›
        </button>
      </div>
      {preview.error ? <div className="form-banner error">{words.message(preview.error)}</div> : preview.data ? <MailPreview mail={preview.data} label={t('mailMerge.stepPreview')} /> : <Spinner />}
    </div>
  );
}

function SendStep({ count, onSend }: { count: number; onSend(): Promise<void> }) {
  const { t } = useI18n();
  const words = useProblemWords();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const send = async () => {
    setBusy(true);
    setError(null);
    try {
      await onSend();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <div className="merge-send">
      <p>{t('mailMerge.confirm', { n: count })}</p>
      {error !== null && <div className="form-banner error">{words.message(error)}</div>}
      <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void send()}>
        {t('mailMerge.send', { n: count })}
      </button>
    </div>
  );
}

/** Polls the merge every second until nothing is queued or sending. */
function MergeProgressView({ queued }: { queued: MergeQueued }) {
  const { t } = useI18n();
  const [progress, setProgress] = useState<MergeProgress | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      const p = await emailApi.mergeProgress(queued.id, controller.signal).catch(() => null);
      if (controller.signal.aborted) return;
      if (p) setProgress(p);
      if (!p?.done) timer = setTimeout(() => void tick(), 1000);
    };
    void tick();
    return () => (controller.abort(), clearTimeout(timer));
  }, [queued.id]);
  const states = progress?.states ?? {};
  const sent = (states.sent ?? 0) + (states.delivered ?? 0);
  const failed = states.failed ?? 0;
  return (
    <div className="merge-progress" aria-live="polite" data-testid="merge-progress">
      <progress max={Math.max(1, queued.queued)} value={sent + failed} />
      <div>{t('mailMerge.progress', { sent, failed, total: queued.queued })}</div>
      {progress?.done && <div role="status">{t('mailMerge.done')}</div>}
      {Object.entries(progress?.skipped ?? {}).map(([reason, n]) => (
        <div key={reason} className="muted">
          {t('mailMerge.skipped', { n, reason: SKIP_WORDS[reason] ? t(SKIP_WORDS[reason]) : reason })}
        </div>
      ))}
      {(progress?.failures.length ?? 0) > 0 && (
        <table className="merge-failures" aria-label={t('mailMerge.failures')}>
          <thead>
            <tr>
              <th>{t('mailMerge.address')}</th>
              <th>{t('mailMerge.code')}</th>
              <th>{t('mailMerge.error')}</th>
            </tr>
          </thead>
          <tbody>
            {progress!.failures.map((f) => (
              <tr key={f.recordId}>
                <td>{f.address ?? '—'}</td>
                <td>{f.status ?? '—'}</td>
                <td className="merge-error">{f.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
