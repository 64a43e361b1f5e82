// The record page's declared actions (metadata: an entity type's `actions`), one button each: a
// conversion (an offer into a sales order: the new record opens) or a deployed workflow started about
// the record with the user's rights (POST /api/records/<type>/<id>/actions/<name>). A button whose condition does not hold is not shown; one the
// user lacks the right for is disabled and says which right (the server refuses it anyway).
import { useState } from 'react';
import { feelConditionHolds, mappingContext, type EntityModel, type Model, type RecordAction } from '../../../metadata/browser.ts';
import { runRecordAction, type ApiRecord } from '../api/records.ts';
import { useI18n } from '../app/i18n.tsx';
import { useProblemWords } from '../app/problems.ts';
import { navigate } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { recordTitle } from '../components/format.ts';
import { useNotify } from '../components/ui.tsx';

function shown(model: Model, entity: EntityModel, action: RecordAction, record: ApiRecord): boolean {
  if (action.when === undefined) return true;
  try {
    return feelConditionHolds(action.when, mappingContext(model, entity, record));
  } catch {
    return false;
  }
}

export function RecordActions({ model, entity, record, onStarted }: { model: Model; entity: EntityModel; record: ApiRecord; onStarted(): void }) {
  const { t, label } = useI18n();
  const { may, can } = useSession();
  const words = useProblemWords();
  const notify = useNotify();
  const [busy, setBusy] = useState<string | null>(null);
  const actions = entity.actions.filter((a) => shown(model, entity, a, record));
  if (actions.length === 0) return null;

  const run = async (action: RecordAction) => {
    setBusy(action.name);
    try {
      const outcome = await runRecordAction(entity.name, String(record.id), action.name);
      if (outcome.kind === 'conversion') {
        const created = outcome.result.records[0];
        const target = model.entities.get(outcome.result.target);
        if (created && target) {
          notify('success', t('actions.converted', { title: recordTitle(target, created) || label(target.label) }));
          navigate(`/r/${target.name}/${String(created.id)}`);
        }
      } else {
        notify('success', t('actions.started'), label(action.label));
        onStarted();
      }
    } catch (error) {
      notify('error', t('common.error'), words.message(error, { entity: entity.name }));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      {actions.map((action) => {
        const conversion = action.conversion !== undefined ? entity.conversions.find((c) => c.name === action.conversion) : undefined;
        const target = conversion ? model.entities.get(conversion.target) : undefined;
        const refusal = conversion
          ? may(entity.name, 'read') && may(conversion.target, 'create') ? null : t('actions.noRight', { target: target ? label(target.pluralLabel) : conversion.target })
          : may(entity.name, 'update') || can('administerWorkflows') ? null : t('actions.noWorkflowRight');
        return (
          <button key={action.name} type="button" className="btn" data-action={action.name} disabled={refusal !== null || busy !== null} title={refusal ?? undefined} onClick={() => void run(action)}>
            {busy === action.name ? t('actions.busy') : label(action.label)}
          </button>
        );
      })}
    </>
  );
}
