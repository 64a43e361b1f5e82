// "Send SMS" from a person's or contractor's card: number (the record's mobile by default),
// account, template or free text, and the live part counter — the same counter the modem's PDU
// codec splits with (metadata/sms), so "2 części, 87 znaków pozostało" is what the message costs;
// it says when a letter such as ą or ș switches the whole message to UCS-2. The message is queued
// through the outbox; its delivery state shows on the activity it creates. With several records
// (a list's selection) it is serial SMS: one request (POST …/sms/bulk), the text's placeholders
// (`{{first_name}}`, the e-mail templates' merge language) filled per record on the server, each
// SMS to the record's own number; a preview for the first record, then how many were queued and
// which records were refused and why.
import { useMemo, useState } from 'react';
import { TemplateProblem, countParts, renderTemplate, type EntityModel, type Model, type PartCount } from '../../../metadata/browser.ts';
import type { ApiRecord } from '../api/records.ts';
import { ApiError } from '../api/client.ts';
import { smsApi } from '../api/sms.ts';
import { useI18n } from '../app/i18n.tsx';
import type { Language, MessageKey } from '../app/messages.ts';
import { displayValue, recordTitle } from '../components/format.ts';
import { Chip, ErrorBox, Modal, Spinner, useLoad } from '../components/ui.tsx';
import type { RecordJobReport } from '../api/record-sets.ts';
import { RecordJobProgress } from '../list/RecordJobProgress.tsx';

const PLURAL = new Map<string, Intl.PluralRules>();

function plural(locale: string, n: number): 'one' | 'few' | 'many' | 'other' {
  let rules = PLURAL.get(locale);
  if (!rules) PLURAL.set(locale, (rules = new Intl.PluralRules(locale)));
  const category = rules.select(n);
  return category === 'one' || category === 'few' || category === 'many' ? category : 'other';
}

/** "2 części, 87 znaków pozostało" in the reader's language and plural forms. */
export function counterText(count: PartCount, t: (key: MessageKey, values?: Record<string, string | number>) => string, locale: string): string {
  const parts = t(`sms.counter.parts.${plural(locale, count.parts)}` as MessageKey, { n: count.parts });
  const left = t(`sms.counter.left.${plural(locale, count.remainingInPart)}` as MessageKey, { n: count.remainingInPart });
  return `${parts}, ${left}`;
}

const PHONE_FIELDS = ['mobile', 'phone', 'private_phone'];

function defaultNumber(entity: EntityModel, record: ApiRecord): string {
  const fields = [...PHONE_FIELDS.filter((n) => entity.fieldsByName.get(n)?.type === 'phone'), ...entity.fields.filter((f) => f.type === 'phone' && !PHONE_FIELDS.includes(f.name)).map((f) => f.name)];
  for (const name of fields) if (typeof record[name] === 'string' && record[name]) return record[name] as string;
  return '';
}

/** A template's text filled with the record by the server's merge code; one it cannot fill (a field of
 * a referenced record, which the card does not hold) is left as written, to be completed by hand. */
function fill(text: string, record: Record<string, unknown>): string {
  try {
    return renderTemplate(text, { ...record, record }, { html: false });
  } catch (error) {
    if (error instanceof TemplateProblem) return text;
    throw error;
  }
}

export function SmsComposeDialog({ entity, records, title, onClose, onSent }: { entity: EntityModel; records: readonly ApiRecord[]; title: string; onClose(): void; onSent(): void }) {
  const { t, language, locale } = useI18n();
  const record = records[0]!;
  const bulk = records.length > 1;
  const info = useLoad((signal) => smsApi.compose(signal), []);
  const [to, setTo] = useState(() => defaultNumber(entity, record));
  const [text, setText] = useState('');
  const [account, setAccount] = useState<string>('');
  const [template, setTemplate] = useState('');
  const [unfilled, setUnfilled] = useState<string | null>(null);
  const [marketing, setMarketing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<{ pointer: string; text: string }[]>([]);
  const [job, setJob] = useState<RecordJobReport | null>(null);
  const [result, setResult] = useState<{ queued: number; repeated: number; skipped: { id: string; title: string; text: string }[] } | null>(null);
  // One key per opened dialog: a double click or a retry after a lost answer sends once.
  const [idempotencyKey] = useState(() => globalThis.crypto.randomUUID());
  const count = useMemo(() => countParts(text), [text]);
  // Serial SMS: the text as the first record will get it (the same merge code as the server's).
  const preview = useMemo((): { ok: true; text: string; count: PartCount } | { ok: false; message: string } | null => {
    if (!bulk || !text.trim()) return null;
    try {
      const merged = renderTemplate(text, { ...record, record }, { html: false });
      return { ok: true, text: merged, count: countParts(merged) };
    } catch (error) {
      if (error instanceof TemplateProblem) return { ok: false, message: error.message };
      throw error;
    }
  }, [bulk, text, record]);

  const words = (code: string | undefined, detail: string | undefined): string => {
    const key = code as MessageKey | undefined;
    return key && t(key) !== key ? t(key) : detail ?? code ?? t('common.error');
  };

  const chooseTemplate = (id: string) => {
    setTemplate(id);
    const chosen = info.data?.templates.find((x) => x.id === id);
    if (!chosen) return;
    const body = chosen.text[language as Language] ?? chosen.text.pl ?? chosen.text.en ?? chosen.text.ro ?? '';
    // One record: the values are filled in here, to read and edit. Several: each gets its own on the server.
    const filled = bulk ? body : fill(body, record as Record<string, unknown>);
    setText(filled);
    // Not fillable here (a referenced record's field): sent as the template, the server fills it.
    setUnfilled(!bulk && filled === body && body.includes('{{') ? body : null);
    setMarketing(chosen.purpose === 'marketing');
  };

  const problemsOf = (error: unknown): { pointer: string; text: string }[] => {
    if (!(error instanceof ApiError)) return [{ pointer: '', text: String(error) }];
    const entries = error.problem.errors ?? [];
    return entries.length ? entries.map((e) => ({ pointer: e.pointer, text: words(e.code, e.detail) })) : [{ pointer: '', text: words(error.problem.code, error.problem.detail) }];
  };

  const purpose = marketing ? ('marketing' as const) : ('transactional' as const);

  const send = async () => {
    setBusy(true);
    setProblems([]);
    try {
      if (!bulk) {
        const content = unfilled !== null && text === unfilled ? { template } : { text };
        await smsApi.send({ record: { entity: entity.name, id: String(record.id) }, ...(account ? { account } : {}), purpose, idempotencyKey, language, ...content, to });
        onSent();
        return;
      }
      // One request for the whole selection; a repeat with the dialog's key queues nothing new.
      const answer = await smsApi.bulk({ entity: entity.name, ids: records.map((r) => String(r.id)), text, ...(account ? { account } : {}), purpose, idempotencyKey });
      // Over 1,000 recipients the server answers with a background job: its progress is shown live.
      if ('job' in answer) {
        setJob(answer.job);
        return;
      }
      const byId = new Map(records.map((r) => [String(r.id), r]));
      setResult({
        queued: answer.queued,
        repeated: answer.repeated,
        skipped: answer.refused.map((x) => {
          const target = byId.get(x.id);
          return { id: x.id, title: (target && recordTitle(entity, target)) || x.id, text: words(x.code, x.detail) };
        }),
      });
    } catch (error) {
      setProblems(problemsOf(error));
    } finally {
      setBusy(false);
    }
  };

  const problemAt = (pointer: string) => problems.filter((p) => p.pointer === pointer).map((p) => p.text);
  const accounts = info.data?.accounts ?? [];
  const other = problems.filter((p) => !['/to', '/text', '/account', '/record', '/template'].includes(p.pointer));
  const noAccount = info.error instanceof ApiError && info.error.problem.status === 404;
  return (
    <Modal
      title={bulk ? t('sms.bulk.title', { n: records.length }) : t('sms.compose.title', { name: title })}
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          {(result || job) && !busy ? (
            <button type="button" className="btn btn-primary" onClick={onSent}>
              {t('common.close')}
            </button>
          ) : (
            <button type="submit" form="sms-compose" className="btn btn-primary" disabled={busy || !text.trim() || noAccount || accounts.length === 0}>
              {busy ? t('sms.compose.sending') : t('sms.compose.send')}
            </button>
          )}
        </>
      }
    >
      {info.loading && !info.data && !info.error && <Spinner />}
      {noAccount || (info.data && accounts.length === 0) ? <div className="form-banner" role="alert">{t('sms.compose.noAccount')}</div> : info.error ? <ErrorBox error={info.error} onRetry={info.reload} /> : null}
      <form
        id="sms-compose"
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        {bulk ? (
          <div className="muted">{t('sms.bulk.recipients', { n: records.length })}</div>
        ) : (
          <label className="field">
            <span className="field-label">{t('sms.compose.to')}</span>
            <input className="input" name="to" type="tel" value={to} onChange={(e) => setTo(e.target.value)} aria-invalid={problemAt('/to').length > 0 || problemAt('/record').length > 0} />
            {[...problemAt('/to'), ...problemAt('/record')].map((p) => (
              <span key={p} className="field-error" role="alert">
                {p}
              </span>
            ))}
          </label>
        )}
        {accounts.length > 1 && (
          <label className="field">
            <span className="field-label">{t('sms.compose.account')}</span>
            <select className="input" name="account" value={account || info.data?.defaultAccount || ''} onChange={(e) => setAccount(e.target.value)}>
              {accounts.map((a) => (
                <option key={a.id} value={a.id} disabled={!a.usable}>
                  {a.label}
                </option>
              ))}
            </select>
          </label>
        )}
        {(info.data?.templates.length ?? 0) > 0 && (
          <label className="field">
            <span className="field-label">{t('sms.compose.template')}</span>
            <select className="input" name="template" value={template} onChange={(e) => chooseTemplate(e.target.value)}>
              <option value="">{t('sms.compose.noTemplate')}</option>
              {info.data!.templates.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.id}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span className="field-label">{t('sms.compose.text')}</span>
          <textarea className="input" name="text" rows={5} maxLength={1600} value={text} onChange={(e) => setText(e.target.value)} aria-describedby="sms-counter sms-encoding" />
          {[...problemAt('/text'), ...problemAt('/template'), ...problemAt('/account')].map((p) => (
            <span key={p} className="field-error" role="alert">
              {p}
            </span>
          ))}
        </label>
        <div id="sms-counter" className="sms-counter" data-testid="sms-counter" data-encoding={count.encoding} aria-live="polite">
          {counterText(count, t, locale)}
        </div>
        <div id="sms-encoding" className={count.encoding === 'ucs2' ? 'sms-encoding sms-encoding-ucs2' : 'sms-encoding muted'} data-testid="sms-encoding">
          {count.ucs2Trigger ? t('sms.counter.ucs2', { char: count.ucs2Trigger.character, single: 70, part: 67 }) : t('sms.counter.gsm7', { single: 160, part: 153 })}
        </div>
        {bulk && <div className="muted">{t('sms.bulk.placeholders', { example: '{{first_name}}' })}</div>}
        {preview && (
          <div className="sms-preview" data-testid="sms-preview">
            <div className="field-label">{t('sms.bulk.preview', { name: recordTitle(entity, record) || String(record.id) })}</div>
            {preview.ok ? (
              <>
                <div className="sms-preview-text">{preview.text}</div>
                <div className="muted">{counterText(preview.count, t, locale)}</div>
              </>
            ) : (
              <span className="field-error">{preview.message}</span>
            )}
          </div>
        )}
        <label className="field field-inline">
          <input type="checkbox" name="marketing" checked={marketing} onChange={(e) => setMarketing(e.target.checked)} />
          <span>{t('sms.compose.marketing')}</span>
        </label>
        {job && (
          <div className="sms-progress" data-testid="sms-progress">
            <RecordJobProgress job={job} nameOf={(id) => recordTitle(entity, records.find((r) => String(r.id) === id) ?? { id }) || id} describe={words} />
          </div>
        )}
        {result && (
          <div className="sms-progress" data-testid="sms-progress" aria-live="polite">
            <div>{t('sms.bulk.queued', { n: result.queued })}</div>
            {result.repeated > 0 && <div className="muted">{t('sms.bulk.repeated', { n: result.repeated })}</div>}
            {result.skipped.length > 0 && (
              <>
                <div className="form-banner">{t('sms.bulk.skipped', { n: result.skipped.length })}</div>
                <ul className="sms-skipped">
                  {result.skipped.map((x) => (
                    <li key={x.id}>
                      <strong>{x.title}</strong>: {x.text}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
        {other.map((p) => (
          <div key={p.text} className="form-banner" role="alert">
            {p.text}
          </div>
        ))}
      </form>
    </Modal>
  );
}

/** An SMS activity's delivery state (queued, sent, delivered, failed, expired, received) as a chip. */
export function SmsState({ model, activity, value }: { model: Model; activity: EntityModel; value: unknown }) {
  const { language, locale } = useI18n();
  const shown = displayValue(model, activity, activity.fieldsByName.get('sms_status'), value, language, locale);
  return (
    <span data-testid="sms-state" data-state={String(value)}>
      <Chip color={shown.color}>{shown.text}</Chip>
    </span>
  );
}
