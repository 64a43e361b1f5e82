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
import { Modal, useNotify } from '../components/ui.tsx';

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export interface ComposeTarget {
  /** The record the message is about (linked to it), when composing from its card. */
  readonly entity: string;
  readonly record: ApiRecord;
}

export function EmailComposeDialog({ accounts, target, onClose }: { accounts: readonly MailAccountInfo[]; target: ComposeTarget; onClose(): void }) {
  const { t, language } = useI18n();
  const words = useProblemWords();
  const notify = useNotify();
  const reply = target.entity === 'activity' && target.record.kind === 'email';
  const [account, setAccount] = useState(accounts[0]?.id ?? '');
  const [to, setTo] = useState(reply ? text(target.record.from_address) : text(target.record.email));
  const [cc, setCc] = useState('');
  const [subject, setSubject] = useState(reply ? `Re: ${text(target.record.subject).replace(/^re:\s*/i, '')}` : '');
  const [body, setBody] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  // One key per dialog: a double click or a retry after a timeout queues one message.
  const key = useMemo(() => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblems({});
    try {
      const links = reply ? undefined : { [target.entity]: String(target.record.id) };
      await emailApi.send({ account, to, cc, subject, text: body, ...(reply ? { replyTo: String(target.record.id) } : {}), ...(links ? { links } : {}), idempotencyKey: key });
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
      title={reply ? t('mail.replyTitle', { subject: text(target.record.subject) }) : t('mail.composeTitle')}
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
      </form>
    </Modal>
  );
}
