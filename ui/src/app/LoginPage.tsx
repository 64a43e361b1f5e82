// Sign-in: login and password (POST /api/auth/login); the server sets the session and CSRF cookies.
// After signing in with a temporary password (an invitation or a reset), the user chooses their own
// before anything else (the server refuses everything else meanwhile).
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.ts';
import { PasswordForm } from '../components/account.tsx';
import { useI18n } from './i18n.tsx';
import { useProblemWords } from './problems.ts';
import { useSession } from './session.tsx';

export function LoginPage() {
  const { t } = useI18n();
  const words = useProblemWords();
  const { signIn } = useSession();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(login, password);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('login.wrong') : words.message(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="login">
      <form className="card login-card" onSubmit={(e) => void submit(e)}>
        <div className="brand login-brand">
          <span className="brand-mark" aria-hidden>
            ◆
          </span>
          {t('app.title')}
        </div>
        <h1>{t('login.title')}</h1>
        <label className="field">
          <span className="field-label">{t('login.login')}</span>
          <input className="input" name="login" autoComplete="username" value={login} onChange={(e) => setLogin(e.target.value)} autoFocus />
        </label>
        <label className="field">
          <span className="field-label">{t('login.password')}</span>
          <input className="input" name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <div className="field-errors" role="alert">
            {error}
          </div>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy || !login || !password}>
          {t('login.submit')}
        </button>
      </form>
    </div>
  );
}

export function FirstPasswordPage() {
  const { t } = useI18n();
  const { me, refresh, signOut, temporaryPassword } = useSession();
  return (
    <div className="login">
      <div className="card login-card">
        <div className="brand login-brand">
          <span className="brand-mark" aria-hidden>
            ◆
          </span>
          {t('app.title')}
        </div>
        <h1>{t('account.mustChangeTitle')}</h1>
        <p className="muted">
          {me?.user.displayName} · {t('account.mustChangeHelp')}
        </p>
        <PasswordForm {...(temporaryPassword ? { current: temporaryPassword } : {})} onChanged={() => void refresh()} />
        <button type="button" className="btn" onClick={() => void signOut()}>
          {t('login.signOut')}
        </button>
      </div>
    </div>
  );
}
