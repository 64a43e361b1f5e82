// "Print…" on the selected rows of a list whose type has document templates: serial letters (the
// shipped contractor letter) or any template, all selected records in one PDF, each from a new page
// (POST /api/records/:type/print/:template). The subject and text are written here, with the same
// {{field}} placeholders as e-mail templates, merged per record on the server.
import { useEffect, useState } from 'react';
import { problemText } from '../../../forms/index.ts';
import type { DocumentLanguage, EntityModel, Model } from '../../../metadata/browser.ts';
import { ApiError } from '../api/client.ts';
import { printMany } from '../api/documents.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';
import { Modal } from '../components/ui.tsx';
import { usePrintChoice } from '../pages/print-choice.ts';

export function BulkPrintDialog({ model, entity, ids, onClose }: { model: Model; entity: EntityModel; ids: readonly string[]; onClose(): void }) {
  const { t, label, language } = useI18n();
  const words = useProblemWords();
  const { templates, template, languages, lang, chooseTemplate, chooseLanguage } = usePrintChoice(model, entity);
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [pdf, setPdf] = useState<string | null>(null);
  // The PDF's object URL lives as long as the dialog.
  useEffect(() => () => void (pdf && URL.revokeObjectURL(pdf)), [pdf]);
  if (!template) return null;

  const print = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const blob = await printMany(entity.name, template.name, { ids, lang, ...(subject.trim() ? { subject } : {}), ...(body.trim() ? { body } : {}) });
      setPdf(URL.createObjectURL(blob));
    } catch (error) {
      setProblem(error instanceof ApiError ? (error.problem.errors?.length ? error.problem.errors.map((p) => problemText(words.entry(p), language)).join(' ') : words.message(error)) : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={t('print.serialTitle', { n: ids.length })} onClose={onClose}>
      <div className="form-grid">
        {templates.length > 1 && (
          <label className="field">
            <span>{t('print.template')}</span>
            <select className="input" value={template.name} onChange={(e) => chooseTemplate(e.target.value)}>
              {templates.map((d) => (
                <option key={d.name} value={d.name}>
                  {label(d.label)}
                </option>
              ))}
            </select>
          </label>
        )}
        {languages.length > 1 && (
          <label className="field">
            <span>{t('print.language')}</span>
            <select className="input" value={lang} onChange={(e) => chooseLanguage(e.target.value as DocumentLanguage)}>
              {languages.map((l) => (
                <option key={l} value={l}>
                  {l.toUpperCase()}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span>{t('print.subject')}</span>
          <input className="input" name="subject" value={subject} onChange={(e) => setSubject(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('print.body')}</span>
          <textarea className="input" name="body" rows={8} value={body} onChange={(e) => setBody(e.target.value)} />
          <small className="muted">{t('print.placeholders')}</small>
        </label>
      </div>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <div className="dialog-actions">
        {pdf && (
          <a className="btn" href={pdf} target="_blank" rel="noreferrer" download={`${label(template.label)}.pdf`}>
            {t('print.openPdf')}
          </a>
        )}
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void print()}>
          {t('print.print')}
        </button>
        <button type="button" className="btn" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </Modal>
  );
}
