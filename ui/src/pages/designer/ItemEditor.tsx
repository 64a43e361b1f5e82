// The selected item of the designer: its form (or its JSON), and the editors of its parts — fields,
// layout, numbering, trigger, view, role matrix, status graph. A connector's item is shown, not edited.
import { useMemo, useState } from 'react';
import { metaItemForm, type MetaItemKind, localizeDescriptions } from '../../../../forms/index.ts';
import type { StateGraphItem } from '../../../../forms/index.ts';
import { metaSchema, ownerOfFile, type Role, type Trigger, type View } from '../../../../metadata/browser.ts';
import type { ProblemEntry } from '../../api/client.ts';
import { useI18n } from '../../app/i18n.tsx';
import { useMeta } from '../../app/meta.tsx';
import { FieldsEditor } from './FieldsEditor.tsx';
import { LayoutEditor, type DesignerItem } from './LayoutEditor.tsx';
import { MetaForm } from './MetaForm.tsx';
import { NumberingEditor } from './NumberingEditor.tsx';
import { RoleEditor } from './RoleEditor.tsx';
import { StateGraphEditor } from './StateGraphEditor.tsx';
import { TriggerEditor } from './TriggerEditor.tsx';
import { VIEW_EDITED, ViewEditor } from './ViewEditor.tsx';

type Item = DesignerItem;
type Files = Record<string, Item>;

export function ItemEditor({ path, item, files, problems, onChange }: { path: string; item: Item; files: Files; problems: readonly ProblemEntry[]; onChange(item: Item): void }) {
  const { t, language } = useI18n();
  const meta = useMeta();
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const { files: applied } = useMeta();
  const kind = item.kind as MetaItemKind;
  // The help texts (the meta-schema's descriptions) in the analyst's language.
  const form = useMemo(() => withoutViewParts(localizeDescriptions(metaItemForm(metaSchema, kind), language), kind), [kind, language]);
  const hasFields = kind === 'entity' || kind === 'activityKind';
  // The form edits everything but the parts edited elsewhere; those are kept as they are.
  const own = useMemo(() => Object.fromEntries(Object.entries(item).filter(([k]) => k in (form.schema.properties as object))), [item, form]);
  // A connector's item (connectors/<id>/…) is shown, not edited: the server refuses changes to it.
  const owner = ownerOfFile(path);
  return (
    <div className="form-grid">
      <div className="card-head">
        <h2>
          {item.name ?? path} <span className="muted mono">{path}</span>
        </h2>
        <div className="tabs" role="tablist" style={{ marginBottom: 0 }}>
          <button type="button" role="tab" aria-selected={mode === 'form'} className={mode === 'form' ? 'tab active' : 'tab'} onClick={() => setMode('form')}>
            {t('record.details')}
          </button>
          <button type="button" role="tab" aria-selected={mode === 'json'} className={mode === 'json' ? 'tab active' : 'tab'} onClick={() => setMode('json')}>
            {t('designer.json')}
          </button>
        </div>
      </div>
      {owner && (
        <div className="owned-note" role="note">
          {t('designer.fromConnector', { owner })}
        </div>
      )}
      <fieldset className="plain-fieldset" disabled={owner !== null}>
        {mode === 'json' ? (
          <JsonEditor value={item} onChange={(next) => onChange(next as Item)} />
        ) : (
          <>
            <MetaForm schema={form.schema} uiSchema={form.uiSchema} data={own} onChange={(data) => onChange({ ...item, ...(data as Item) })} />
            {hasFields && <FieldsEditor item={item} onChange={onChange} />}
            {/* An activity kind's short form (`form`) is a list of names, edited in the form above; its full form (`layout`) here. */}
            {(kind === 'entity' || kind === 'activityKind') && <LayoutEditor path={path} item={item} files={files} problems={problems} disabled={owner !== null} onChange={onChange} />}
            {kind === 'entity' && <NumberingEditor item={item} applied={meta.model.entities.has(String(item.name))} timeZone={String(files['tessera.json']?.timeZone ?? 'UTC')} onChange={onChange} />}
            {kind === 'trigger' && <TriggerEditor trigger={item as unknown as Trigger} onChange={(next) => onChange(next as unknown as Item)} />}
            {kind === 'view' && <ViewEditor view={item as unknown as View} onChange={(next) => onChange(next as unknown as Item)} />}
            {kind === 'role' && <RoleEditor role={item as unknown as Role} applied={applied[path] as Role | undefined} files={files} onChange={(next) => onChange(next as unknown as Item)} />}
            {(kind === 'pipeline' || kind === 'statusMachine') && <StateGraphEditor item={item as unknown as StateGraphItem} files={files} disabled={owner !== null} onChange={(next) => onChange(next as unknown as Item)} />}
          </>
        )}
      </fieldset>
    </div>
  );
}

/** A view's form without the parts the view editor edits (columns, sort, filter, board settings). */
function withoutViewParts<T extends { schema: Record<string, unknown> }>(form: T, kind: MetaItemKind): T {
  if (kind !== 'view') return form;
  const properties = Object.fromEntries(Object.entries(form.schema.properties as object).filter(([k]) => !(VIEW_EDITED as readonly string[]).includes(k)));
  return { ...form, schema: { ...form.schema, properties } };
}

function JsonEditor({ value, onChange }: { value: unknown; onChange(value: unknown): void }) {
  const { t } = useI18n();
  const [text, setText] = useState(() => JSON.stringify(value, null, 2));
  const [bad, setBad] = useState(false);
  return (
    <div>
      <textarea
        className="input mono"
        rows={24}
        aria-label={t('designer.json')}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(JSON.parse(e.target.value));
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
      {bad && <div className="field-errors">{t('form.invalidJson')}</div>}
    </div>
  );
}
