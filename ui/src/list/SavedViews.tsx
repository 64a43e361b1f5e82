// Saved views on lists and boards: the user's own and their teams' views (GET /api/saved-views),
// saving what is on screen under a name (private or for one of the user's teams), and deleting
// one's own. The pages choose a view through the address (?view=saved:<id> on lists, ?saved=<id>
// on boards), so a chosen view survives a reload like the rest of the list's state.
import { useCallback, useEffect, useState } from 'react';
import type { EntityModel } from '../../../metadata/browser.ts';
import { ApiError } from '../api/client.ts';
import { createSavedView, deleteSavedView, listSavedViews, type SavedView, type SavedViewDefinition, type SavedViewKind } from '../api/saved-views.ts';
import { teams } from '../api/users.ts';
import { useI18n } from '../app/i18n.tsx';
import { useSession } from '../app/session.tsx';
import { Modal, useNotify } from '../components/ui.tsx';

export const SAVED_PREFIX = 'saved:';

export function useSavedViews(entity: string, kind: SavedViewKind): { views: SavedView[]; reload(): void; add(view: SavedView): void } {
  const [views, setViews] = useState<SavedView[]>([]);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    listSavedViews(entity, kind).then(
      (list) => live && setViews(list),
      () => live && setViews([]),
    );
    return () => {
      live = false;
    };
  }, [entity, kind, tick]);
  return {
    views,
    reload: useCallback(() => setTick((n) => n + 1), []),
    // A view just saved is chosen at once, before the list is loaded again.
    add: useCallback((view: SavedView) => setViews((list) => [...list.filter((v) => v.id !== view.id), view]), []),
  };
}

/** "Save view" and, for the user's own chosen view, "Delete view". */
export function SavedViewActions({ entity, kind, definition, current, onSaved, onDeleted }: { entity: EntityModel; kind: SavedViewKind; definition: SavedViewDefinition; current: SavedView | undefined; onSaved(view: SavedView): void; onDeleted(): void }) {
  const { t } = useI18n();
  const notify = useNotify();
  const [saving, setSaving] = useState(false);
  const remove = async () => {
    if (!current || !window.confirm(t('list.confirmDeleteView', { name: current.name }))) return;
    try {
      await deleteSavedView(current.id);
      notify('success', t('list.viewDeleted'), current.name);
      onDeleted();
    } catch (e) {
      notify('error', t('common.error'), e instanceof ApiError ? (e.problem.detail ?? e.message) : String(e));
    }
  };
  return (
    <>
      <button type="button" className="btn" onClick={() => setSaving(true)}>
        {t('list.saveView')}
      </button>
      {current?.mine && (
        <button type="button" className="btn btn-danger-outline" onClick={() => void remove()}>
          {t('list.deleteView')}
        </button>
      )}
      {saving && (
        <SaveViewDialog
          entity={entity}
          kind={kind}
          definition={definition}
          onClose={() => setSaving(false)}
          onSaved={(view) => {
            setSaving(false);
            notify('success', t('list.viewSaved'), view.name);
            onSaved(view);
          }}
        />
      )}
    </>
  );
}

function SaveViewDialog({ entity, kind, definition, onClose, onSaved }: { entity: EntityModel; kind: SavedViewKind; definition: SavedViewDefinition; onClose(): void; onSaved(view: SavedView): void }) {
  const { t } = useI18n();
  const { me } = useSession();
  const [name, setName] = useState('');
  const [teamId, setTeamId] = useState('');
  const [myTeams, setMyTeams] = useState<{ id: string; label: string }[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    teams().then(
      (list) => setMyTeams(list.filter((team) => me && team.members.includes(me.user.id))),
      () => setMyTeams([]),
    );
  }, [me]);
  const save = async () => {
    try {
      onSaved(await createSavedView({ entity: entity.name, kind, name: name.trim(), teamId: teamId || null, ...definition }));
    } catch (e) {
      setProblem(e instanceof ApiError ? [e.problem.detail, ...(e.problem.errors ?? []).map((p) => `${p.pointer}: ${p.detail}`)].filter(Boolean).join(' — ') : String(e));
    }
  };
  return (
    <Modal
      title={t('list.saveView')}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="button" className="btn btn-primary" disabled={!name.trim()} onClick={() => void save()}>
            {t('common.save')}
          </button>
        </>
      }
    >
      <div className="form-grid">
        <label className="field">
          <span className="field-label">{t('list.viewName')}</span>
          <input className="input" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} autoFocus />
        </label>
        <label className="field">
          <span className="field-label">{t('list.shareWith')}</span>
          <select className="input" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
            <option value="">{t('list.private')}</option>
            {myTeams.map((team) => (
              <option key={team.id} value={team.id}>
                {t('list.team', { team: team.label })}
              </option>
            ))}
          </select>
        </label>
        {problem && (
          <div className="field-errors" role="alert">
            {problem}
          </div>
        )}
      </div>
    </Modal>
  );
}
