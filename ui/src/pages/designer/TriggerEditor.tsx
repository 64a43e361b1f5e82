// The designer's trigger editor: a record event (created, updated, deleted, a field changed, a stage
// or state entered) with an optional FEEL condition, and what it does — start a deployed workflow
// (picked from GET /api/workflows) and/or publish a message with a FEEL correlation key, the record's
// fields offered. It edits the designer's working copy; nothing is stored before the plan is applied.
import { useEffect, useState } from 'react';
import type { Trigger } from '../../../../metadata/browser.ts';
import { api } from '../../api/client.ts';
import { useI18n } from '../../app/i18n.tsx';
import { useMeta } from '../../app/meta.tsx';
import { FeelConditionInput } from './FeelConditionInput.tsx';

const EVENTS = ['created', 'updated', 'deleted', 'fieldChanged', 'stateEntered'] as const;

/** The processes deployed now (their latest versions start). */
function useDeployedProcesses(): readonly { processId: string; name: string | null }[] | null {
  const [processes, setProcesses] = useState<readonly { processId: string; name: string | null }[] | null>(null);
  useEffect(() => {
    let live = true;
    void api.get<{ data: { processId: string; name: string | null }[] }>('/workflows').then(
      (res) => live && setProcesses(res.data.data),
      () => live && setProcesses([]),
    );
    return () => {
      live = false;
    };
  }, []);
  return processes;
}

/** Without the optional members that are empty, so an unset choice is absent rather than "". */
function tidy(trigger: Trigger): Trigger {
  const next = { ...trigger } as Record<string, unknown>;
  for (const key of ['field', 'state', 'condition'] as const) if (next[key] === '' || next[key] === undefined) delete next[key];
  if (trigger.on !== 'fieldChanged' && trigger.on !== 'stateEntered') delete next.field;
  if (trigger.on !== 'stateEntered') delete next.state;
  return next as unknown as Trigger;
}

export function TriggerEditor({ trigger, onChange }: { trigger: Trigger; onChange(trigger: Trigger): void }) {
  const { t, label } = useI18n();
  const { model } = useMeta();
  const processes = useDeployedProcesses();
  const entity = model.entities.get(trigger.entity);
  const set = (patch: Partial<Trigger>) => onChange(tidy({ ...trigger, ...patch }));
  const fieldNames = entity ? ['id', ...entity.fields.map((f) => f.name)] : ['id'];
  const stateFields = entity ? [...entity.machines.keys()] : [];
  const machine = trigger.field ? entity?.machines.get(trigger.field) : undefined;
  const fieldChoices = trigger.on === 'stateEntered' ? stateFields : (entity?.fields.map((f) => f.name) ?? []);
  const fieldLabel = (name: string) => (entity?.fieldsByName.get(name) ? label(entity.fieldsByName.get(name)!.label) : name);
  const message = trigger.message;
  return (
    <section aria-label={t('trigger.editor')} className="form-grid trigger-editor">
      <p className="muted">{t('trigger.help')}</p>
      <div className="toolbar">
        <label className="inline-field">
          {t('trigger.entity')}
          <select className="input" value={trigger.entity} onChange={(e) => set({ entity: e.target.value, field: undefined, state: undefined })}>
            {[...model.entities.values()].map((e) => (
              <option key={e.name} value={e.name}>
                {label(e.label)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          {t('trigger.on')}
          <select className="input" value={trigger.on} onChange={(e) => set({ on: e.target.value as Trigger['on'], ...(e.target.value === 'stateEntered' ? { field: stateFields[0] } : {}) })}>
            {EVENTS.map((on) => (
              <option key={on} value={on} disabled={on === 'stateEntered' && stateFields.length === 0}>
                {t(`trigger.on.${on}`)}
              </option>
            ))}
          </select>
        </label>
        {(trigger.on === 'fieldChanged' || trigger.on === 'stateEntered') && (
          <label className="inline-field">
            {t('trigger.field')}
            <select className="input" value={trigger.field ?? ''} onChange={(e) => set({ field: e.target.value, state: undefined })}>
              {trigger.on === 'fieldChanged' && <option value="" />}
              {fieldChoices.map((f) => (
                <option key={f} value={f}>
                  {fieldLabel(f)}
                </option>
              ))}
            </select>
          </label>
        )}
        {trigger.on === 'stateEntered' && machine && (
          <label className="inline-field">
            {t('trigger.state')}
            <select className="input" value={trigger.state ?? ''} onChange={(e) => set({ state: e.target.value })}>
              <option value="">{t('trigger.anyState')}</option>
              {machine.states.map((s) => (
                <option key={s.name} value={s.name}>
                  {label(s.label)}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <FeelConditionInput label={t('trigger.condition')} value={trigger.condition ?? ''} fields={[...fieldNames, 'previous', 'action']} onChange={(condition) => set({ condition })} />
      <fieldset className="plain-fieldset">
        <label className="checkbox">
          <input type="checkbox" checked={trigger.start !== undefined} onChange={(e) => set({ start: e.target.checked ? { process: processes?.[0]?.processId ?? '' } : undefined })} />
          <span>{t('trigger.start')}</span>
        </label>
        {trigger.start && (
          <label className="inline-field">
            {t('trigger.process')}
            <select className="input" value={trigger.start.process} onChange={(e) => set({ start: { ...trigger.start!, process: e.target.value } })}>
              <option value="">{t('trigger.noProcess')}</option>
              {/* A process no longer deployed stays chosen (it starts nothing until deployed again). */}
              {trigger.start.process && !processes?.some((p) => p.processId === trigger.start!.process) && <option value={trigger.start.process}>{trigger.start.process}</option>}
              {(processes ?? []).map((p) => (
                <option key={p.processId} value={p.processId}>
                  {p.name ? `${p.name} (${p.processId})` : p.processId}
                </option>
              ))}
            </select>
          </label>
        )}
        {trigger.start && processes?.length === 0 && <div className="muted">{t('trigger.noProcesses')}</div>}
      </fieldset>
      <fieldset className="plain-fieldset">
        <label className="checkbox">
          <input type="checkbox" checked={message !== undefined} onChange={(e) => set({ message: e.target.checked ? { name: '', correlationKey: 'id' } : undefined })} />
          <span>{t('trigger.message')}</span>
        </label>
        {message && (
          <div className="form-grid">
            <label className="inline-field">
              {t('trigger.messageName')}
              <input className="input mono" value={message.name} onChange={(e) => set({ message: { ...message, name: e.target.value } })} />
            </label>
            <FeelConditionInput label={t('trigger.correlationKey')} value={message.correlationKey} fields={fieldNames} onChange={(correlationKey) => set({ message: { ...message, correlationKey } })} />
            <label className="inline-field">
              {t('trigger.insertField')}
              <select className="input" value="" onChange={(e) => e.target.value && set({ message: { ...message, correlationKey: e.target.value } })}>
                <option value="" />
                {fieldNames.map((f) => (
                  <option key={f} value={f}>
                    {f === 'id' ? 'id' : fieldLabel(f)}
                  </option>
                ))}
              </select>
            </label>
          </div>
        )}
      </fieldset>
    </section>
  );
}
