// Pieces of the account and administration screens: a secret shown once (a temporary password, a
// new API token) with a copy button, and the password change form (also the forced first change).
import { useState, type FormEvent } from 'react';
import { accountApi } from '../api/account.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';
import { Modal, useNotify } from './ui.tsx';

export function SecretDialog({ title, help, secret, onClose }: { title: string; help: string; secret: string; onClose(): void }) {
  const { t } = useI18n();
  const notify = useNotify();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      notify('success', t('admin.copied'));
    } catch {
      // No clipboard (an insecure origin, a denied permission): select the text for Ctrl+C.
      (document.getElementById('shown-secret') as HTMLInputElement | null)?.select();
    }
  };
  return (
    <Modal
      title={title}
      onClose={onClose}
      footer={
        <button type="button" className="btn btn-primary" onClick={onClose}>
          {t('common.close')}
        </button>
      }
    >
      <p className="secret-help">{help}</p>
      <div className="secret-row">
        <input id="shown-secret" className="input mono" readOnly value={secret} aria-label={title} data-testid="secret" onFocus={(e) => e.target.select()} />
        <button type="button" className="btn" onClick={() => void copy()}>
          {t('admin.copy')}
        </button>
      </div>
    </Modal>
  );
}

export const PASSWORD_MIN = 12;

/** Changes the signed-in user's password; `current` given (just typed at sign-in) hides that field. */
export function PasswordForm({ current, onChanged }: { current?: string; onChanged(): void }) {
  const { t } = useI18n();
  const words = useProblemWords();
  const [values, setValues] = useState({ current: current ?? '', next: '', repeat: '' });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof values) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: e.target.value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (values.next !== values.repeat) return setError(t('account.mismatch'));
    setBusy(true);
    try {
      await accountApi.changePassword(values.current, values.next);
      setValues({ current: '', next: '', repeat: '' });
      onChanged();
    } catch (err) {
      setError(words.message(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="password-form" onSubmit={(e) => void submit(e)}>
      {current === undefined && (
        <label className="field">
          <span className="field-label">{t('account.currentPassword')}</span>
          <input className="input" name="currentPassword" type="password" autoComplete="current-password" value={values.current} onChange={set('current')} />
        </label>
      )}
      <div className="field">
        <label className="field-label" htmlFor="new-password">
          {t('account.newPassword')}
        </label>
        <input id="new-password" className="input" name="newPassword" type="password" autoComplete="new-password" minLength={PASSWORD_MIN} aria-describedby="new-password-rule" value={values.next} onChange={set('next')} />
        <span id="new-password-rule" className="field-help">
          {t('account.passwordRule')}
        </span>
      </div>
      <label className="field">
        <span className="field-label">{t('account.repeatPassword')}</span>
        <input className="input" name="repeatPassword" type="password" autoComplete="new-password" value={values.repeat} onChange={set('repeat')} />
      </label>
      {error && (
        <div className="field-errors" role="alert">
          {error}
        </div>
      )}
      <div>
        <button type="submit" className="btn btn-primary" disabled={busy || !values.current || values.next.length < PASSWORD_MIN || !values.repeat}>
          {t('account.password')}
        </button>
      </div>
    </form>
  );
}
