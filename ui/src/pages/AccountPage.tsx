// The signed-in user's account: the password, API tokens (created here, from the browser session
// only; the secret shown once), and the signed-in sessions with "sign out other sessions".
import { useState, type FormEvent } from 'react';
import { accountApi, TOKEN_SCOPES, type ApiToken, type TokenScope } from '../api/account.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';
import { useSession } from '../app/session.tsx';
import { PasswordForm, SecretDialog } from '../components/account.tsx';
import { formatDateTime } from '../components/format.ts';
import { Chip, ErrorBox, Spinner, useLoad, useNotify } from '../components/ui.tsx';

/** Scopes that are administration rights: offered only to a user who holds the right. */
const ADMIN_SCOPES: Partial<Record<TokenScope, string>> = { metadata: 'administerMetadata', workflows: 'administerWorkflows', users: 'administerUsers', connectors: 'administerConnectors', automation: 'administerAutomation' };
const EXPIRY_DAYS = [30, 90, 365] as const;

export default function AccountPage() {
  const { t } = useI18n();
  const notify = useNotify();
  return (
    <div className="page account-page">
      <div className="page-head">
        <h1>{t('nav.account')}</h1>
      </div>
      <section className="card">
        <h2>{t('account.password')}</h2>
        <PasswordForm onChanged={() => notify('success', t('account.passwordChanged'))} />
      </section>
      <TokensCard />
      <SessionsCard />
    </div>
  );
}

function tokenState(token: ApiToken, t: ReturnType<typeof useI18n>['t']): string | null {
  if (token.revokedAt) return t('account.revoked');
  if (token.expiresAt && new Date(token.expiresAt).getTime() <= Date.now()) return t('account.expired');
  return null;
}

function TokensCard() {
  const { t, locale } = useI18n();
  const words = useProblemWords();
  const notify = useNotify();
  const { can } = useSession();
  const { data, error, loading, reload } = useLoad(() => accountApi.tokens(), []);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Set<TokenScope>>(new Set(['read']));
  const [days, setDays] = useState<string>('90');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const offered = TOKEN_SCOPES.filter((s) => !ADMIN_SCOPES[s] || can(ADMIN_SCOPES[s]));
  const toggle = (scope: TokenScope) =>
    setScopes((current) => {
      const next = new Set(current);
      if (next.has(scope)) next.delete(scope);
      else next.add(scope);
      return next;
    });
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const expiresAt = days ? new Date(Date.now() + Number(days) * 86_400_000).toISOString() : null;
      const token = await accountApi.createToken(name.trim(), [...scopes], expiresAt);
      setCreated({ name: token.name, token: token.token });
      setName('');
      reload();
    } catch (err) {
      notify('error', t('common.error'), words.message(err));
    } finally {
      setBusy(false);
    }
  };
  const revoke = async (token: ApiToken) => {
    if (!window.confirm(t('account.confirmRevoke', { name: token.name }))) return;
    try {
      await accountApi.revokeToken(token.id);
      reload();
    } catch (err) {
      notify('error', t('common.error'), words.message(err));
    }
  };
  return (
    <section className="card">
      <h2>{t('account.tokens')}</h2>
      <p className="muted">{t('account.tokensHelp')}</p>
      <form className="token-form" onSubmit={(e) => void create(e)} aria-label={t('account.newToken')}>
        <label className="field">
          <span className="field-label">{t('account.tokenName')}</span>
          <input className="input" name="tokenName" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <fieldset className="field admin-choices">
          <legend className="field-label">{t('account.scopes')}</legend>
          {offered.map((scope) => (
            <label key={scope} className="checkbox">
              <input type="checkbox" name="scope" value={scope} checked={scopes.has(scope)} onChange={() => toggle(scope)} />
              <span>
                <span className="mono">{scope}</span> <span className="muted">— {t(`scope.${scope}`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <label className="field">
          <span className="field-label">{t('account.expires')}</span>
          <select className="input" name="expires" value={days} onChange={(e) => setDays(e.target.value)}>
            {EXPIRY_DAYS.map((n) => (
              <option key={n} value={String(n)}>
                {t('account.expiresDays', { n })}
              </option>
            ))}
            <option value="">{t('account.expiresNever')}</option>
          </select>
        </label>
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy || !name.trim() || scopes.size === 0}>
            {t('account.create')}
          </button>
        </div>
      </form>
      {loading && !data ? (
        <Spinner />
      ) : error || !data ? (
        <ErrorBox error={error} onRetry={reload} />
      ) : data.length === 0 ? (
        <p className="muted">{t('account.noTokens')}</p>
      ) : (
        <ul className="admin-list token-list" aria-label={t('account.tokens')}>
          {data.map((token) => {
            const state = tokenState(token, t);
            return (
              <li key={token.id} className={state ? 'inactive' : ''} data-token={token.name}>
                <div className="admin-main">
                  <strong>{token.name}</strong> <span className="mono muted">{token.prefix}…</span> {state && <Chip color="#667085">{state}</Chip>}
                  <div className="admin-chips">
                    {token.scopes.map((s) => (
                      <Chip key={s}>{s}</Chip>
                    ))}
                  </div>
                  <div className="admin-sub muted">
                    <span>
                      {t('account.created')}: {formatDateTime(token.createdAt, locale)}
                    </span>
                    <span>
                      {t('account.expires')}: {token.expiresAt ? formatDateTime(token.expiresAt, locale) : t('account.expiresNever')}
                    </span>
                    <span>
                      {t('account.lastUsed')}: {token.lastUsedAt ? formatDateTime(token.lastUsedAt, locale) : t('admin.never')}
                    </span>
                  </div>
                </div>
                {!state && (
                  <div className="admin-actions">
                    <button type="button" className="btn btn-small btn-danger-outline" onClick={() => void revoke(token)}>
                      {t('account.revoke')}
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {created && <SecretDialog title={t('account.tokenCreated', { name: created.name })} help={t('account.tokenOnce')} secret={created.token} onClose={() => setCreated(null)} />}
    </section>
  );
}

function SessionsCard() {
  const { t, locale } = useI18n();
  const words = useProblemWords();
  const notify = useNotify();
  const { data, error, loading, reload } = useLoad(() => accountApi.sessions(), []);
  const end = async (ids: readonly string[], done?: string) => {
    try {
      for (const id of ids) await accountApi.endSession(id);
      if (done) notify('success', done);
      reload();
    } catch (err) {
      notify('error', t('common.error'), words.message(err));
    }
  };
  if (loading && !data) return <Spinner />;
  if (error || !data) return <ErrorBox error={error} onRetry={reload} />;
  const others = data.filter((s) => !s.current).map((s) => s.id);
  return (
    <section className="card">
      <div className="card-head">
        <h2>{t('account.sessions')}</h2>
        <button type="button" className="btn btn-small" disabled={others.length === 0} onClick={() => void end(others, t('account.othersEnded', { n: others.length }))}>
          {t('account.signOutOthers')}
        </button>
      </div>
      <ul className="admin-list" aria-label={t('account.sessions')}>
        {data.map((s) => (
          <li key={s.id} data-current={s.current ? 'true' : undefined}>
            <div className="admin-main">
              <strong>{s.userAgent ? browserName(s.userAgent) : '—'}</strong> {s.current && <Chip color="#12805c">{t('account.thisSession')}</Chip>}
              <div className="admin-sub muted">
                <span>{s.ip}</span>
                <span>
                  {t('account.created')}: {formatDateTime(s.createdAt, locale)}
                </span>
              </div>
            </div>
            {!s.current && (
              <div className="admin-actions">
                <button type="button" className="btn btn-small" onClick={() => void end([s.id])}>
                  {t('account.endSession')}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A short name for a user agent ("Chrome on Linux"), enough to tell one's devices apart. */
function browserName(userAgent: string): string {
  const browser = /Edg\//.test(userAgent) ? 'Edge' : /Firefox\//.test(userAgent) ? 'Firefox' : /Chrome\//.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : userAgent.slice(0, 40);
  const system = /Android/.test(userAgent) ? 'Android' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /Windows/.test(userAgent) ? 'Windows' : /Mac OS/.test(userAgent) ? 'macOS' : /Linux/.test(userAgent) ? 'Linux' : '';
  return system ? `${browser} · ${system}` : browser;
}
