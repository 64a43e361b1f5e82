// Administration of users (the administerUsers right): invite (a temporary password shown once to
// the administrator, to hand over: no e-mail connector yet), roles and teams, deactivation, password
// reset. Users are deactivated, never deleted (the audit trail keeps them).
import { useState, type FormEvent } from 'react';
import { adminApi, type AdminUser, type RoleInfo, type Team, type UserChanges, type WithTemporaryPassword } from '../api/account.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';
import { LANGUAGES } from '../app/messages.ts';
import { useSession } from '../app/session.tsx';
import { SecretDialog } from '../components/account.tsx';
import { formatDateTime } from '../components/format.ts';
import { Chip, ErrorBox, Modal, Spinner, useLoad, useNotify } from '../components/ui.tsx';

/** Hours a temporary password works (TEMPORARY_PASSWORD_HOURS in engine/access/users.ts). */
const TEMPORARY_HOURS = 72;

type Editing = { mode: 'invite' } | { mode: 'edit'; user: AdminUser };

export default function AdminUsersPage() {
  const { t, locale, label } = useI18n();
  const words = useProblemWords();
  const notify = useNotify();
  const { me } = useSession();
  const { data, error, loading, reload } = useLoad(() => Promise.all([adminApi.users(), adminApi.roles(), adminApi.teams()]), []);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [secret, setSecret] = useState<WithTemporaryPassword | null>(null);
  if (loading && !data) return <Spinner />;
  if (error || !data) return <ErrorBox error={error} onRetry={reload} />;
  const [users, roles, teams] = data;
  const act = async (work: () => Promise<unknown>, done?: string) => {
    try {
      await work();
      if (done) notify('success', done);
      reload();
    } catch (err) {
      notify('error', t('common.error'), words.message(err));
    }
  };
  const reset = (user: AdminUser) =>
    window.confirm(t('admin.confirmReset', { name: user.displayName })) &&
    void act(async () => setSecret(await adminApi.resetPassword(user.id)));
  const toggleActive = (user: AdminUser) => {
    if (user.active && !window.confirm(t('admin.confirmDeactivate', { name: user.displayName }))) return;
    void act(() => adminApi.updateUser(user.id, { active: !user.active }), t('admin.saved'));
  };
  return (
    <div className="page admin-page">
      <div className="page-head">
        <h1>{t('nav.users')}</h1>
        <div className="page-actions">
          <button type="button" className="btn btn-primary" onClick={() => setEditing({ mode: 'invite' })}>
            {t('admin.invite')}
          </button>
        </div>
      </div>
      <ul className="card admin-list" aria-label={t('nav.users')}>
        {users.map((user) => (
          <li key={user.id} className={user.active ? '' : 'inactive'} data-login={user.login}>
            <div className="admin-main">
              <strong>{user.displayName}</strong> <span className="muted mono">{user.login}</span>
              {user.isAdmin && <Chip color="#7c3aed">{t('admin.isAdmin')}</Chip>}
              {!user.active && <Chip color="#667085">{t('admin.inactive')}</Chip>}
              {user.mustChangePassword && <Chip color="#b54708">{t('admin.mustChange')}</Chip>}
              <div className="admin-sub muted">
                {user.email && <span>{user.email}</span>}
                <span>
                  {t('admin.lastLogin')}: {user.lastLoginAt ? formatDateTime(user.lastLoginAt, locale) : t('admin.never')}
                </span>
              </div>
              <div className="admin-chips">
                {user.roles.map((r) => (
                  <Chip key={`r.${r}`}>{roleLabel(roles, r, label)}</Chip>
                ))}
                {user.teams.map((team) => (
                  <Chip key={`t.${team}`} color="#12805c">
                    {teams.find((x) => x.name === team)?.label ?? team}
                  </Chip>
                ))}
              </div>
            </div>
            <div className="admin-actions">
              <button type="button" className="btn btn-small" onClick={() => setEditing({ mode: 'edit', user })}>
                {t('common.edit')}
              </button>
              <button type="button" className="btn btn-small" onClick={() => reset(user)} disabled={user.isAdmin && !me?.user.isAdmin}>
                {t('admin.resetPassword')}
              </button>
              <button type="button" className={`btn btn-small${user.active ? ' btn-danger-outline' : ''}`} onClick={() => toggleActive(user)} disabled={user.id === me?.user.id}>
                {user.active ? t('admin.deactivate') : t('admin.reactivate')}
              </button>
            </div>
          </li>
        ))}
      </ul>
      {editing && (
        <UserDialog
          editing={editing}
          roles={roles}
          teams={teams}
          mayGrantAdmin={me?.user.isAdmin === true}
          onClose={() => setEditing(null)}
          onSaved={(invited) => {
            setEditing(null);
            if (invited) setSecret(invited);
            else notify('success', t('admin.saved'));
            reload();
          }}
        />
      )}
      {secret && (
        <SecretDialog
          title={t('admin.temporaryTitle', { name: secret.user.displayName })}
          help={t('admin.temporaryHelp', { name: secret.user.displayName, hours: TEMPORARY_HOURS })}
          secret={secret.temporaryPassword}
          onClose={() => setSecret(null)}
        />
      )}
    </div>
  );
}

/** A role's label in the current language; a role the metadata no longer declares shows its name. */
function roleLabel(roles: readonly RoleInfo[], name: string, label: ReturnType<typeof useI18n>['label']): string {
  return label(roles.find((r) => r.name === name)?.label) || name;
}

function UserDialog({ editing, roles, teams, mayGrantAdmin, onClose, onSaved }: { editing: Editing; roles: readonly RoleInfo[]; teams: readonly Team[]; mayGrantAdmin: boolean; onClose(): void; onSaved(invited: WithTemporaryPassword | null): void }) {
  const { t, label, language } = useI18n();
  const words = useProblemWords();
  const user = editing.mode === 'edit' ? editing.user : null;
  const [values, setValues] = useState({
    login: user?.login ?? '',
    displayName: user?.displayName ?? '',
    email: user?.email ?? '',
    language: user?.language ?? language,
    roles: new Set(user?.roles ?? []),
    teams: new Set(user?.teams ?? []),
    isAdmin: user?.isAdmin ?? false,
  });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const toggle = (key: 'roles' | 'teams', name: string) =>
    setValues((v) => {
      const next = new Set(v[key]);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return { ...v, [key]: next };
    });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const changes: UserChanges = {
      displayName: values.displayName.trim(),
      email: values.email.trim() || null,
      language: values.language,
      roles: [...values.roles],
      teams: [...values.teams],
      ...(mayGrantAdmin && values.isAdmin !== (user?.isAdmin ?? false) ? { isAdmin: values.isAdmin } : {}),
    };
    try {
      if (user) {
        await adminApi.updateUser(user.id, changes);
        onSaved(null);
      } else onSaved(await adminApi.invite({ ...changes, login: values.login.trim() }));
    } catch (err) {
      setError(words.message(err));
    } finally {
      setBusy(false);
    }
  };
  const title = user ? t('admin.editUser', { name: user.displayName }) : t('admin.invite');
  return (
    <Modal
      title={title}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="user-form" className="btn btn-primary" disabled={busy || !values.displayName.trim() || (!user && !values.login.trim())}>
            {user ? t('common.save') : t('admin.invite')}
          </button>
        </>
      }
    >
      <form id="user-form" className="admin-form" onSubmit={(e) => void submit(e)}>
        {!user && (
          <label className="field">
            <span className="field-label">{t('admin.login')}</span>
            <input className="input" name="login" autoComplete="off" value={values.login} onChange={(e) => setValues((v) => ({ ...v, login: e.target.value }))} autoFocus />
          </label>
        )}
        <label className="field">
          <span className="field-label">{t('admin.displayName')}</span>
          <input className="input" name="displayName" value={values.displayName} onChange={(e) => setValues((v) => ({ ...v, displayName: e.target.value }))} />
        </label>
        <label className="field">
          <span className="field-label">{t('admin.email')}</span>
          <input className="input" name="email" type="email" value={values.email} onChange={(e) => setValues((v) => ({ ...v, email: e.target.value }))} />
        </label>
        <label className="field">
          <span className="field-label">{t('admin.language')}</span>
          <select className="input" name="language" value={values.language} onChange={(e) => setValues((v) => ({ ...v, language: e.target.value }))}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {l.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="field admin-choices">
          <legend className="field-label">{t('admin.roles')}</legend>
          {roles.length === 0 && <span className="muted">{t('admin.noRoles')}</span>}
          {roles.map((r) => (
            <label key={r.name} className="checkbox">
              <input type="checkbox" name="role" value={r.name} checked={values.roles.has(r.name)} onChange={() => toggle('roles', r.name)} />
              {roleLabel(roles, r.name, label)}
            </label>
          ))}
        </fieldset>
        <fieldset className="field admin-choices">
          <legend className="field-label">{t('admin.teams')}</legend>
          {teams.length === 0 && <span className="muted">{t('admin.noTeams')}</span>}
          {teams.map((team) => (
            <label key={team.id} className="checkbox">
              <input type="checkbox" name="team" value={team.name} checked={values.teams.has(team.name)} onChange={() => toggle('teams', team.name)} />
              {team.label}
            </label>
          ))}
        </fieldset>
        {mayGrantAdmin && (
          <label className="checkbox">
            <input type="checkbox" name="isAdmin" checked={values.isAdmin} onChange={(e) => setValues((v) => ({ ...v, isAdmin: e.target.checked }))} />
            {t('admin.isAdmin')}
          </label>
        )}
        {error && (
          <div className="field-errors" role="alert">
            {error}
          </div>
        )}
      </form>
    </Modal>
  );
}
