// The mailbox page (/mail): the "to file" queue of stored mail no record matched — each message linked
// to a record (contractor, person, deal…) with a picker, or dismissed — and the latest received and
// sent e-mails (e-mail activities the user may read). Cards rather than a table, so it reads on a phone.
import { useState } from 'react';
import { ACTIVITY_ENTITY, type Model } from '../../../metadata/browser.ts';
import { ApiError } from '../api/client.ts';
import { emailApi, type ToFileItem } from '../api/email.ts';
import { listRecords } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { useMeta } from '../app/meta.tsx';
import { Link, navigate } from '../app/router.tsx';
import { useProblemWords } from '../app/problems.ts';
import { formatDateTime } from '../components/format.ts';
import { ConnectorOff, useConnectorEnabled } from '../components/ConnectorOff.tsx';
import { TypedRecordPicker } from '../components/RecordPicker.tsx';
import { ErrorBox, Spinner, useLoad, useNotify } from '../components/ui.tsx';

type Tab = 'toFile' | 'inbox' | 'sent';

export default function MailboxPage() {
  const { model } = useMeta();
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('toFile');
  // Until an administrator enables the e-mail connector its routes answer 404: say what to do instead.
  const enabled = useConnectorEnabled('email');
  const emailOn = enabled === true;
  const tabs: [Tab, string][] = [
    ['toFile', t('mail.toFile')],
    ['inbox', t('mail.inbox')],
    ['sent', t('mail.sentTab')],
  ];
  return (
    <div className="page mailbox-page">
      <div className="page-head">
        <h1>{t('mail.title')}</h1>
        {emailOn && (
          <div className="mail-tools">
            <Link to="/mail/merge">{t('mailMerge.title')}</Link>
            <Link to="/mail/templates">{t('templates.title')}</Link>
          </div>
        )}
      </div>
      {!emailOn ? (
        <ConnectorOff enabled={enabled} note={t('mail.disabled')} />
      ) : (
        <div className="card">
          <div className="tabs" role="tablist">
            {tabs.map(([key, caption]) => (
              <button key={key} type="button" role="tab" aria-selected={tab === key} className={tab === key ? 'tab active' : 'tab'} onClick={() => setTab(key)}>
                {caption}
              </button>
            ))}
          </div>
          {tab === 'toFile' ? <ToFileQueue model={model} /> : <Messages direction={tab === 'inbox' ? 'inbound' : 'outbound'} />}
        </div>
      )}
    </div>
  );
}

function ToFileQueue({ model }: { model: Model }) {
  const { t } = useI18n();
  const { data, error, loading, reload } = useLoad((signal) => emailApi.toFile(null, signal), []);
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  if (loading && !data) return <Spinner />;
  if (!data?.length) return <div className="empty-state">{t('mail.queueEmpty')}</div>;
  return (
    <ul className="mail-list" aria-label={t('mail.toFile')}>
      {data.map((item) => (
        <ToFileCard key={item.id} model={model} item={item} onDone={reload} />
      ))}
    </ul>
  );
}

function ToFileCard({ model, item, onDone }: { model: Model; item: ToFileItem; onDone(): void }) {
  const { t, locale } = useI18n();
  const words = useProblemWords();
  const notify = useNotify();
  const activity = model.entities.get(ACTIVITY_ENTITY);
  // The record types an e-mail can be filed on: those activities link to (contractor first).
  const targets = [...model.entities.values()]
    .filter((e) => e.activities && e.name !== ACTIVITY_ENTITY && activity?.fieldsByName.has(e.name))
    .sort((a, b) => (a.name === 'contractor' ? -1 : b.name === 'contractor' ? 1 : 0));
  const [entity, setEntity] = useState(targets[0]?.name ?? '');
  const [record, setRecord] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fail = (error: unknown) => notify('error', t('common.error'), error instanceof ApiError ? words.message(error) : String(error));
  const link = async () => {
    if (!record) return;
    setBusy(true);
    try {
      await emailApi.link(item.id, entity, record);
      notify('success', t('mail.linked'), item.subject);
      onDone();
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };
  // A lead or contractor made from the message; its card opens to complete it.
  const createFrom = async (kind: 'lead' | 'contractor') => {
    setBusy(true);
    try {
      const made = await emailApi.createFrom(item.id, kind);
      notify('success', t('mail.linked'), item.subject);
      navigate(`/r/${made.entity}/${made.id}`);
    } catch (error) {
      fail(error);
      setBusy(false);
    }
  };
  const dismiss = async () => {
    try {
      await emailApi.dismiss(item.id);
      onDone();
    } catch (error) {
      fail(error);
    }
  };
  return (
    <li className="mail-item card" data-id={item.id}>
      <div className="mail-head">
        <Link to={`/r/${ACTIVITY_ENTITY}/${item.id}`} className="mail-subject">
          {item.subject}
        </Link>
        <span className="muted">{item.start_at ? formatDateTime(item.start_at, locale) : ''}</span>
      </div>
      <div className="muted">
        {t('mail.from')}: {item.from_address ?? '—'}
      </div>
      <div className="mail-link">
        <TypedRecordPicker model={model} targets={targets} caption={t('mail.linkTo')} entity={entity} record={record} onEntity={setEntity} onRecord={setRecord} />
        <div className="mail-actions">
          <button type="button" className="btn btn-primary" disabled={!record || busy} onClick={() => void link()}>
            {t('mail.link')}
          </button>
          {(['lead', 'contractor'] as const)
            .filter((e) => model.entities.has(e))
            .map((e) => (
              <button key={e} type="button" className="btn" disabled={busy} onClick={() => void createFrom(e)}>
                {t(e === 'lead' ? 'mail.createLead' : 'mail.createContractor')}
              </button>
            ))}
          <button type="button" className="btn" onClick={() => void dismiss()}>
            {t('mail.dismiss')}
          </button>
        </div>
      </div>
    </li>
  );
}

function Messages({ direction }: { direction: 'inbound' | 'outbound' }) {
  const { t, locale } = useI18n();
  const { data, error, loading, reload } = useLoad(
    (signal) =>
      listRecords(
        ACTIVITY_ENTITY,
        { filter: { kind: 'email', direction }, sort: '-start_at', limit: 50, fields: ['id', 'subject', 'from_address', 'to_addresses', 'start_at'] },
        signal,
      ),
    [direction],
  );
  if (error) return <ErrorBox error={error} onRetry={reload} />;
  if (loading && !data) return <Spinner />;
  if (!data?.data.length) return <div className="empty-state">{t('mail.empty')}</div>;
  return (
    <ul className="mail-list">
      {data.data.map((m) => (
        <li key={m.id} className="mail-item card">
          <div className="mail-head">
            <Link to={`/r/${ACTIVITY_ENTITY}/${m.id}`} className="mail-subject">
              {String(m.subject ?? '')}
            </Link>
            <span className="muted">{typeof m.start_at === 'string' ? formatDateTime(m.start_at, locale) : ''}</span>
          </div>
          <div className="muted">
            {direction === 'inbound' ? `${t('mail.from')}: ${String(m.from_address ?? '—')}` : `${t('mail.to')}: ${String(m.to_addresses ?? '—')}`}
          </div>
        </li>
      ))}
    </ul>
  );
}
