// Administration of teams (the administerUsers right): name, label, members. Teams give the `team`
// scope of roles its meaning and hold the queues of unassigned activities.
import { useState, type FormEvent } from 'react';
import { adminApi, type AdminUser, type Team } from '../api/account.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';
import { Chip, ErrorBox, Modal, Spinner, useLoad, useNotify } from '../components/ui.tsx';

export default function AdminTeamsPage() {
  const { t } = useI18n();
  const words = useProblemWords();
  const notify = useNotify();
  const { data, error, loading, reload } = useLoad(() => Promise.all([adminApi.teams(), adminApi.users()]), []);
  const [editing, setEditing] = useState<Team | 'new' | null>(null);
  if (loading && !data) return <Spinner />;
  if (error || !data) return <ErrorBox error={error} onRetry={reload} />;
  const [teams, users] = data;
  const name = (id: string) => users.find((u) => u.id === id)?.displayName ?? id;
  const remove = async (team: Team) => {
    if (!window.confirm(t('admin.confirmDeleteTeam', { name: team.label }))) return;
    try {
      await adminApi.deleteTeam(team.id);
      reload();
    } catch (err) {
      notify('error', t('common.error'), words.message(err));
    }
  };
  return (
    <div className="page admin-page">
      <div className="page-head">
        <h1>{t('nav.teams')}</h1>
        <div className="page-actions">
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
            {t('admin.newTeam')}
          </button>
        </div>
      </div>
      {teams.length === 0 ? (
        <div className="empty-state">{t('admin.noTeams')}</div>
      ) : (
        <ul className="card admin-list" aria-label={t('nav.teams')}>
          {teams.map((team) => (
            <li key={team.id} data-team={team.name}>
              <div className="admin-main">
                <strong>{team.label}</strong> <span className="muted mono">{team.name}</span>
                <div className="admin-chips">
                  {team.members.map((m) => (
                    <Chip key={m}>{name(m)}</Chip>
                  ))}
                </div>
              </div>
              <div className="admin-actions">
                <button type="button" className="btn btn-small" onClick={() => setEditing(team)}>
                  {t('common.edit')}
                </button>
                <button type="button" className="btn btn-small btn-danger-outline" onClick={() => void remove(team)}>
                  {t('common.delete')}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {editing && (
        <TeamDialog
          team={editing === 'new' ? null : editing}
          users={users}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            notify('success', t('admin.saved'));
            reload();
          }}
        />
      )}
    </div>
  );
}

function TeamDialog({ team, users, onClose, onSaved }: { team: Team | null; users: readonly AdminUser[]; onClose(): void; onSaved(): void }) {
  const { t } = useI18n();
  const words = useProblemWords();
  const [values, setValues] = useState({ name: team?.name ?? '', label: team?.label ?? '', members: new Set(team?.members ?? []) });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const members = [...values.members];
      if (team) await adminApi.updateTeam(team.id, { label: values.label.trim(), members });
      else await adminApi.createTeam({ name: values.name.trim(), label: values.label.trim() || values.name.trim(), members });
      onSaved();
    } catch (err) {
      setError(words.message(err));
    } finally {
      setBusy(false);
    }
  };
  const toggle = (id: string) =>
    setValues((v) => {
      const members = new Set(v.members);
      if (members.has(id)) members.delete(id);
      else members.add(id);
      return { ...v, members };
    });
  return (
    <Modal
      title={team ? t('admin.editTeam', { name: team.label }) : t('admin.newTeam')}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="team-form" className="btn btn-primary" disabled={busy || (!team && !values.name.trim())}>
            {t('common.save')}
          </button>
        </>
      }
    >
      <form id="team-form" className="admin-form" onSubmit={(e) => void submit(e)}>
        {!team && (
          <label className="field">
            <span className="field-label">{t('admin.teamName')}</span>
            <input className="input mono" name="name" value={values.name} onChange={(e) => setValues((v) => ({ ...v, name: e.target.value }))} autoFocus />
          </label>
        )}
        <label className="field">
          <span className="field-label">{t('admin.teamLabel')}</span>
          <input className="input" name="label" value={values.label} onChange={(e) => setValues((v) => ({ ...v, label: e.target.value }))} />
        </label>
        <fieldset className="field admin-choices">
          <legend className="field-label">{t('admin.members')}</legend>
          {users
            .filter((u) => u.active || values.members.has(u.id))
            .map((u) => (
              <label key={u.id} className="checkbox">
                <input type="checkbox" name="member" value={u.login} checked={values.members.has(u.id)} onChange={() => toggle(u.id)} />
                {u.displayName} <span className="muted mono">{u.login}</span>
              </label>
            ))}
        </fieldset>
        {error && (
          <div className="field-errors" role="alert">
            {error}
          </div>
        )}
      </form>
    </Modal>
  );
}
