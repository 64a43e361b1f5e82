// Writing an e-mail from a record card (new, linked to the record; the record's e-mail address
// suggested), or answering an e-mail activity (reply: to its sender, "Re:" subject, threaded). The
// message is queued on the server (outbox) and sent through the chosen account; refusals are shown
// per field in the user's language.
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { problemText } from '../../../forms/index.ts';
import { ApiError } from '../api/client.ts';
import { emailApi, type MailAccountInfo } from '../api/email.ts';
import type { ApiRecord } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';
import { Modal, useLoad, useNotify } from '../components/ui.tsx';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export interface ComposeTarget {
  /** The record the message is about (linked to it), when composing from its card. */
  readonly entity: string;
  readonly record: ApiRecord;
}

/** New (from a record), or an answer to an e-mail activity: reply, reply to all, forward. */
export type ComposeMode = 'new' | 'reply' | 'replyAll' | 'forward';

/** "Ann <a@x.pl>, b@y.pl" → the bare addresses, lower-cased. */
const addressesIn = (list: string) => [...list.matchAll(/[^\s<>,;"]+@[^\s<>,;"]+/g)].map((m) => m[0].toLowerCase());

/** The fields a mode starts with (own addresses left out of a reply to all). */
export function composeStart(mode: ComposeMode, record: ApiRecord, own: readonly string[]): { to: string; cc: string; subject: string; body: string } {
  const subject = text(record.subject);
  if (mode === 'new') return { to: text(record.email), cc: '', subject: '', body: '' };
  if (mode === 'forward')
    return {
      to: '',
      cc: '',
      subject: `Fwd: ${subject.replace(/^fwd?:\s*/i, '')}`,
      body: `\n\n---------- ${text(record.from_address)} ----------\n${text(record.description)}`,
    };
  const from = text(record.from_address);
  const others =
    mode === 'replyAll'
      ? [...addressesIn(text(record.to_addresses)), ...addressesIn(text(record.cc_addresses))].filter((a) => a !== from && !own.includes(a))
      : [];
  return { to: from, cc: [...new Set(others)].join(', '), subject: `Re: ${subject.replace(/^re:\s*/i, '')}`, body: '' };
}

export function EmailComposeDialog({
  accounts,
  target,
  mode,
  onClose,
}: {
  accounts: readonly MailAccountInfo[];
  target: ComposeTarget;
  mode: ComposeMode;
  onClose(): void;
}) {
  const { t, language } = useI18n();
  const words = useProblemWords();
  const notify = useNotify();
  const answer = mode !== 'new';
  const start = useMemo(
    () =>
      composeStart(
        mode,
        target.record,
        accounts.map((a) => a.address.toLowerCase()),
      ),
    [mode, target.record, accounts],
  );
  const [account, setAccount] = useState(accounts[0]?.id ?? '');
  const [to, setTo] = useState(start.to);
  const [cc, setCc] = useState(start.cc);
  const [subject, setSubject] = useState(start.subject);
  const [body, setBody] = useState(start.body);
  const [problems, setProblems] = useState<Record<string, string>>({});
  // The record's files (its own, its timeline's, its e-mails' attachments) and the user's signature.
  const files = useLoad((signal) => emailApi.recordFiles(target.entity, String(target.record.id), signal), [target.entity, target.record.id]);
  const [attached, setAttached] = useState<ReadonlySet<string>>(new Set());
  const saved = useLoad((signal) => emailApi.signature(signal), []);
  const [signature, setSignature] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per dialog: a double click or a retry after a timeout queues one message.
  const key = useMemo(() => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblems({});
    try {
      const links = answer ? undefined : { [target.entity]: String(target.record.id) };
      const replyTo = mode === 'reply' || mode === 'replyAll' ? String(target.record.id) : null;
      // A changed signature is the user's from now on (and ends this message).
      if (signature !== null && signature !== (saved.data ?? '')) await emailApi.setSignature(signature);
      await emailApi.send({
        account,
        to,
        cc,
        subject,
        text: body,
        ...(replyTo ? { replyTo } : {}),
        ...(links ? { links } : {}),
        ...(attached.size ? { attachments: [...attached] } : {}),
        idempotencyKey: key,
      });
      notify('success', t('mail.sent'), subject);
      onClose();
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) {
        setProblems(Object.fromEntries(error.problem.errors.map((p) => [p.pointer, problemText(words.entry(p), language)])));
      } else setProblems({ '': error instanceof ApiError ? words.message(error) : String(error) });
    } finally {
      setBusy(false);
    }
  };

  const field = (name: string, caption: string, input: ReactNode) => (
    <label className="field">
      <span className="field-label">{caption}</span>
      {input}
      {problems[`/${name}`] && (
        <span className="field-errors" role="alert">
          {problems[`/${name}`]}
        </span>
      )}
    </label>
  );

  return (
    <Modal
      title={answer ? t(mode === 'forward' ? 'mail.forwardTitle' : 'mail.replyTitle', { subject: text(target.record.subject) }) : t('mail.composeTitle')}
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="email-compose" className="btn btn-primary" disabled={busy || !account}>
            {t('mail.send')}
          </button>
        </>
      }
    >
      <form id="email-compose" className="admin-form" onSubmit={(e) => void submit(e)} noValidate>
        {problems[''] && (
          <div className="form-banner" role="alert">
            {problems['']}
          </div>
        )}
        {accounts.length === 0 && <p className="muted">{t('mail.noAccount')}</p>}
        {field(
          'account',
          t('mail.account'),
          <select className="input" value={account} onChange={(e) => setAccount(e.target.value)}>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} &lt;{a.address}&gt;
              </option>
            ))}
          </select>,
        )}
        {field('to', t('mail.to'), <input className="input" type="text" inputMode="email" value={to} onChange={(e) => setTo(e.target.value)} />)}
        {field('cc', t('mail.cc'), <input className="input" type="text" inputMode="email" value={cc} onChange={(e) => setCc(e.target.value)} />)}
        {field('subject', t('mail.subject'), <input className="input" value={subject} onChange={(e) => setSubject(e.target.value)} />)}
        {field('text', t('mail.body'), <textarea className="input" rows={8} value={body} onChange={(e) => setBody(e.target.value)} />)}
        {(files.data?.length ?? 0) > 0 && (
          <fieldset className="plain-fieldset mail-files">
            <legend className="field-label">{t('mail.recordFiles')}</legend>
            {files.data!.map((f) => {
              const refused = problems[`/attachments/${[...attached].indexOf(f.id)}`];
              return (
                <label key={f.id} className="check">
                  <input
                    type="checkbox"
                    checked={attached.has(f.id)}
                    onChange={(e) => setAttached((s) => (e.target.checked ? new Set([...s, f.id]) : new Set([...s].filter((x) => x !== f.id))))}
                  />{' '}
                  {f.name} <span className="muted">({Math.max(1, Math.round(f.size / 1024))} KB)</span>
                  {attached.has(f.id) && refused && <span className="field-errors">{refused}</span>}
                </label>
              );
            })}
          </fieldset>
        )}
        {field(
          'signature',
          t('mail.signature'),
          <textarea className="input" rows={3} value={signature ?? saved.data ?? ''} onChange={(e) => setSignature(e.target.value)} />,
        )}
      </form>
    </Modal>
  );
}
