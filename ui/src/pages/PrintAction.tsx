// On a record's card, when its type has document templates: "Print" opens the PDF in a new tab, and
// "Attach PDF to the record" stores it in the template's attachment field (then offered as a file of
// the record when writing an e-mail about it). The template and language are chosen beside the buttons
// when there is more than one; the language starts as the app's when the template prints in it.
import { useState } from 'react';
import { problemText } from '../../../forms/index.ts';
import type { DocumentLanguage, EntityModel, Model } from '../../../metadata/browser.ts';
import { ApiError } from '../api/client.ts';
import { attachPrintout, printUrl } from '../api/documents.ts';
import type { ApiRecord } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';
import { usePrintChoice } from './print-choice.ts';

export function PrintAction({ model, entity, record, canUpdate, onAttached }: { model: Model; entity: EntityModel; record: ApiRecord; canUpdate: boolean; onAttached(): void }) {
  const { t, label, language } = useI18n();
  const words = useProblemWords();
  const { templates, template, languages, lang, chooseTemplate, chooseLanguage } = usePrintChoice(model, entity);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  if (!template) return null;

  const attach = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const attached = await attachPrintout(entity.name, record.id, template.name, lang);
      setMessage({ error: false, text: t('print.attached', { name: attached.file.name }) });
      onAttached();
    } catch (error) {
      const text = error instanceof ApiError ? (error.problem.errors?.length ? error.problem.errors.map((p) => problemText(words.entry(p), language)).join(' ') : words.message(error)) : String(error);
      setMessage({ error: true, text });
    } finally {
      setBusy(false);
    }
  };

  return (
    <span className="print-action" data-testid="print-action">
      {templates.length > 1 && (
        <select aria-label={t('print.template')} value={template.name} onChange={(e) => chooseTemplate(e.target.value)}>
          {templates.map((d) => (
            <option key={d.name} value={d.name}>
              {label(d.label)}
            </option>
          ))}
        </select>
      )}
      {languages.length > 1 && (
        <select aria-label={t('print.language')} value={lang} onChange={(e) => chooseLanguage(e.target.value as DocumentLanguage)}>
          {languages.map((l) => (
            <option key={l} value={l}>
              {l.toUpperCase()}
            </option>
          ))}
        </select>
      )}
      <a className="btn" href={printUrl(entity.name, record.id, template.name, lang)} target="_blank" rel="noopener">
        {t('print.action')}
      </a>
      {canUpdate && template.attachTo !== undefined && (
        <button type="button" className="btn" disabled={busy} onClick={() => void attach()}>
          {busy ? t('print.attaching') : t('print.attach')}
        </button>
      )}
      {message && (
        <span className={message.error ? 'error' : 'muted'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </span>
      )}
    </span>
  );
}
