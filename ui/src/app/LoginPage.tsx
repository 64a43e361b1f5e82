// Sign-in: login and password (POST /api/auth/login); the server sets the session and CSRF cookies.
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.ts';
import { useI18n } from './i18n.tsx';
import { useSession } from './session.tsx';

export function LoginPage() {
  const { t } = useI18n();
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
      setError(err instanceof ApiError && err.status === 401 ? t('login.wrong') : err instanceof Error ? err.message : String(err));
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
