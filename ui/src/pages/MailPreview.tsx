// A rendered e-mail as its recipient would see it: the subject, the HTML body in a sandboxed iframe
// (sandbox="" — no scripts, no forms, no navigation of the app; it is the template's own HTML, with
// the record's values escaped by the renderer) and the plain text.
import type { RenderedMail } from '../api/email.ts';
import { useI18n } from '../app/i18n.tsx';

export function MailPreview({ mail, label }: { mail: RenderedMail; label: string }) {
  const { t } = useI18n();
  return (
    <section className="mail-preview" aria-label={label}>
      <div className="mail-preview-subject">
        <span className="muted">{t('mail.subject')}: </span>
        <strong data-testid="preview-subject">{mail.subject}</strong>
      </div>
      {mail.html !== null ? (
        <iframe className="mail-preview-frame" sandbox="" referrerPolicy="no-referrer" title={t('mail.previewHtml')} srcDoc={mail.html} />
      ) : (
        <pre className="mail-preview-text" data-testid="preview-text">
          {mail.text}
        </pre>
      )}
      {mail.sms !== undefined && (
        <div className="mail-preview-sms">
          <span className="muted">{t('mail.previewSms')}: </span>
          <pre className="mail-preview-text" data-testid="preview-sms">
            {mail.sms}
          </pre>
        </div>
      )}
    </section>
  );
}
