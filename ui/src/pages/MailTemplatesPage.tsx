// The e-mail template editor (/mail/templates): templates grouped by code, one tab per language variant
// (pl, en, ro; a missing one is created from what is typed), and a live preview rendered by the server
// with a real record the user picks (POST templates/preview with the draft, read with the user's
// rights). Placeholder problems (an unknown field, bad syntax) are shown in the user's language. The
// form lists the template type's own fields from the model, so a field added to `email_template`
// later (e.g. an SMS text) appears here without a change.
import { useEffect, useMemo, useState } from 'react';
import { type EntityModel, type Field, type Model } from '../../../metadata/browser.ts';
import { emailApi, type RenderedMail } from '../api/email.ts';
import { createRecord, listRecords, updateRecord, type ApiRecord } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { LANGUAGES } from '../app/messages.ts';
import { useMeta } from '../app/meta.tsx';
import { useProblemWords } from '../app/problems.ts';
import { Link } from '../app/router.tsx';
import { TypedRecordPicker } from '../components/RecordPicker.tsx';
import { ErrorBox, Spinner, useLoad, useNotify } from '../components/ui.tsx';
import { MailPreview } from './MailPreview.tsx';

const TEMPLATE_ENTITY = 'email_template';
/** Fields the page itself manages (the code groups the variants, the tab is the language). */
const MANAGED = new Set(['code', 'language']);
const EDITABLE = new Set(['string', 'text', 'boolean', 'enum']);

type Draft = Record<string, string | boolean>;

function draftOf(entity: EntityModel, record: ApiRecord | undefined, code: string): Draft {
  const draft: Draft = { code };
  for (const f of entity.fields) if (!MANAGED.has(f.name) && EDITABLE.has(f.type)) draft[f.name] = f.type === 'boolean' ? record?.[f.name] === true : typeof record?.[f.name] === 'string' ? (record[f.name] as string) : '';
  return draft;
}

export default function MailTemplatesPage() {
  const { model } = useMeta();
  const { t } = useI18n();
  const entity = model.entities.get(TEMPLATE_ENTITY);
  const list = useLoad((signal) => listRecords(TEMPLATE_ENTITY, { sort: 'code', limit: 500 }, signal), []);
  const [code, setCode] = useState<string | null>(null);
  const codes = useMemo(() => [...new Set((list.data?.data ?? []).map((r) => String(r.code)))], [list.data]);
  useEffect(() => {
    if (code === null && codes[0]) setCode(codes[0]);
  }, [codes, code]);
  if (!entity) return <div className="page">{t('mail.disabled')}</div>;
  return (
    <div className="page templates-page">
      <div className="page-head">
        <h1>{t('templates.title')}</h1>
        <Link to="/mail/merge">{t('mailMerge.title')}</Link>
      </div>
      {list.error ? (
        <ErrorBox error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Spinner />
      ) : (
        <div className="templates-layout">
          <nav className="card templates-list" aria-label={t('templates.title')}>
            <ul>
              {codes.map((c) => (
                <li key={c}>
                  <button type="button" className={c === code ? 'tab active' : 'tab'} aria-current={c === code ? 'true' : undefined} onClick={() => setCode(c)}>
                    {String(list.data!.data.find((r) => r.code === c)?.name ?? c)} <span className="muted">({list.data!.data.filter((r) => r.code === c).map((r) => String(r.language)).join(', ')})</span>
                  </button>
                </li>
              ))}
            </ul>
            <button type="button" className="btn" onClick={() => setCode('')}>
              {t('templates.new')}
            </button>
          </nav>
          {code !== null && <TemplateEditor key={code} model={model} entity={entity} code={code} variants={list.data.data.filter((r) => r.code === code)} onSaved={(c) => (setCode(c), list.reload())} />}
        </div>
      )}
    </div>
  );
}

function TemplateEditor({ model, entity, code, variants, onSaved }: { model: Model; entity: EntityModel; code: string; variants: readonly ApiRecord[]; onSaved(code: string): void }) {
  const { t, label } = useI18n();
  const words = useProblemWords();
  const notify = useNotify();
  const [language, setLanguage] = useState<string>(variants[0] ? String(variants[0].language) : 'pl');
  const variant = variants.find((v) => v.language === language);
  const [draft, setDraft] = useState<Draft>(() => draftOf(entity, variant, code));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const switchTo = (lang: string) => {
    setLanguage(lang);
    // A new variant starts from the one shown, to be translated.
    const target = variants.find((v) => v.language === lang);
    setDraft(target ? draftOf(entity, target, code) : { ...draft });
    setError(null);
  };
  const fields = entity.fields.filter((f) => !MANAGED.has(f.name) && EDITABLE.has(f.type));
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const values: Record<string, unknown> = { ...draft, language };
      for (const f of fields) if (values[f.name] === '' && !f.required) values[f.name] = null;
      if (variant) await updateRecord(TEMPLATE_ENTITY, variant.id, variant.version, values);
      else await createRecord(TEMPLATE_ENTITY, values);
      notify('success', t('templates.saved'), String(draft.name ?? code));
      onSaved(String(draft.code));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="templates-editor">
      <section className="card">
        <div className="tabs" role="tablist" aria-label={t('mailMerge.language')}>
          {LANGUAGES.map((l) => (
            <button key={l} type="button" role="tab" aria-selected={l === language} className={l === language ? 'tab active' : 'tab'} onClick={() => switchTo(l)}>
              {l.toUpperCase()}
              {!variants.some((v) => v.language === l) && ` (${t('templates.missing')})`}
            </button>
          ))}
        </div>
        <label className="field">
          <span className="field-label">{label(entity.fieldsByName.get('code')!.label)}</span>
          <input className="input" value={String(draft.code)} readOnly={variants.length > 0} onChange={(e) => setDraft({ ...draft, code: e.target.value })} />
        </label>
        {fields.map((f) => (
          <DraftField key={f.name} field={f} value={draft[f.name] ?? ''} onChange={(v) => setDraft({ ...draft, [f.name]: v })} />
        ))}
        <p className="muted">{t('templates.help')}</p>
        {error !== null && <div className="form-banner error">{words.message(error)}</div>}
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void save()}>
          {variant ? t('common.save') : t('templates.create', { language: language.toUpperCase() })}
        </button>
      </section>
      <DraftPreview model={model} draft={draft} defaultEntity={typeof draft.entity === 'string' && draft.entity ? draft.entity : 'contractor'} />
    </div>
  );
}

function DraftField({ field, value, onChange }: { field: Field; value: string | boolean; onChange(value: string | boolean): void }) {
  const { label } = useI18n();
  const caption = label(field.label);
  if (field.type === 'boolean')
    return (
      <label className="check">
        <input type="checkbox" checked={value === true} onChange={(e) => onChange(e.target.checked)} /> {caption}
      </label>
    );
  if (field.type === 'enum' && 'values' in field)
    return (
      <label className="field">
        <span className="field-label">{caption}</span>
        <select className="input" value={String(value)} onChange={(e) => onChange(e.target.value)}>
          <option value="" />
          {field.values.map((o) => (
            <option key={o.value} value={o.value}>
              {label(o.label)}
            </option>
          ))}
        </select>
      </label>
    );
  return (
    <label className="field">
      <span className="field-label">{caption}</span>
      {field.type === 'text' ? <textarea className="input" rows={field.name === 'body_html' ? 8 : 5} value={String(value)} onChange={(e) => onChange(e.target.value)} /> : <input className="input" value={String(value)} onChange={(e) => onChange(e.target.value)} />}
    </label>
  );
}

/** The draft rendered for a record the user picks, again 400 ms after each change. */
function DraftPreview({ model, draft, defaultEntity }: { model: Model; draft: Draft; defaultEntity: string }) {
  const { t } = useI18n();
  const words = useProblemWords();
  const targets = [...model.entities.values()].filter((e) => e.activities);
  const [entity, setEntity] = useState(model.entities.has(defaultEntity) ? defaultEntity : (targets[0]?.name ?? ''));
  const [record, setRecord] = useState<string | null>(null);
  const [result, setResult] = useState<{ mail: RenderedMail | null; error: unknown }>({ mail: null, error: null });
  const text = (v: string | boolean | undefined) => (typeof v === 'string' ? v : '');
  const subject = text(draft.subject);
  const html = text(draft.body_html);
  const plain = text(draft.body_text);
  const sms = text(draft.body_sms);
  useEffect(() => {
    if (!record) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      emailApi
        .preview({ draft: { subject, body_html: html, body_text: plain, body_sms: sms } }, entity, record, controller.signal)
        .then((mail) => setResult({ mail, error: null }))
        .catch((error: unknown) => !controller.signal.aborted && setResult({ mail: null, error }));
    }, 400);
    return () => (controller.abort(), clearTimeout(timer));
  }, [entity, record, subject, html, plain, sms]);
  return (
    <section className="card templates-preview" aria-label={t('mailMerge.stepPreview')}>
      <h2>{t('mailMerge.stepPreview')}</h2>
      <TypedRecordPicker model={model} targets={targets} caption={t('templates.previewWith')} entity={entity} record={record} onEntity={setEntity} onRecord={setRecord} />
      {!record ? <p className="muted">{t('templates.pickRecord')}</p> : result.error ? <div className="form-banner error">{words.message(result.error)}</div> : result.mail ? <MailPreview mail={result.mail} label={t('mailMerge.stepPreview')} /> : <Spinner />}
    </section>
  );
}
