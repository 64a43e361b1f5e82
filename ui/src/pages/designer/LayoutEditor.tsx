// The designer's form layout editor for an entity type: its `layout` sections (label in pl/en/ro,
// tab, 1–4 columns) with the fields placed in them as cards, the fields no section places in a
// palette, moves by drag and drop (HTML5) and by buttons and a "to section" list (keyboard), and a
// live preview of the generated form for the edited layout with an empty record. It edits the
// item in the designer's draft: nothing is applied but through the plan and apply of the page.
import { useMemo, useState, type DragEvent } from 'react';
import {
  addSection,
  addVariant,
  removeVariant,
  setVariantLayout,
  toggleVariantRole,
  type LayoutVariantDraft,
  MAX_COLUMNS,
  MIN_COLUMNS,
  moveField,
  newSectionId,
  normalizeLayout,
  problemText,
  recordForm,
  removeSection,
  shiftField,
  shiftSection,
  unplacedFields,
  updateSection,
  type LayoutSection,
  type LayoutTarget,
} from '../../../../forms/index.ts';
import { ACTIVITY_ENTITY, buildModel, fieldsOfKind, groupItems, type Label, type MetadataItem, type Model } from '../../../../metadata/browser.ts';
import type { ProblemEntry } from '../../api/client.ts';
import { useI18n } from '../../app/i18n.tsx';
import { useMeta } from '../../app/meta.tsx';
import { useProblemWords } from '../../app/problems.ts';
import { RecordFormView } from '../../form/RecordFormView.tsx';
import { FeelConditionInput } from './FeelConditionInput.tsx';

export type DesignerItem = Record<string, unknown> & { kind: string; id?: string; name?: string; label?: Label };
type FieldDef = { name: string; label?: Label };

const DRAG_TYPE = 'application/x-tessera-field';
const LANGUAGES = ['en', 'pl', 'ro'] as const;

/** A JSON pointer segment (RFC 6901), as the server's problems name a file. */
const segment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export interface LayoutEditorProps {
  readonly path: string;
  readonly item: DesignerItem;
  /** The whole draft: the preview builds the model from it (so unapplied fields show too). */
  readonly files: Readonly<Record<string, DesignerItem>>;
  /** The server's problems of the last review, shown at the sections they point at. */
  readonly problems?: readonly ProblemEntry[];
  /** Shown, not edited (a connector's item): cards do not drag; the page's fieldset disables the controls. */
  readonly disabled?: boolean;
  onChange(item: DesignerItem): void;
}

export function LayoutEditor({ path, item, files, problems = [], disabled = false, onChange }: LayoutEditorProps) {
  const { t, label, language } = useI18n();
  const words = useProblemWords();
  const applied = useMeta().model;
  const draft = useMemo(() => draftModel(files), [files]);
  // An activity kind's form places the fields an activity of the kind has (common, links, its own).
  const isKind = item.kind === 'activityKind';
  const defs = isKind ? kindFieldDefs(draft ?? applied, String(item.name ?? '')) : ((item.fields as FieldDef[] | undefined) ?? []);
  const fields = defs.map((f) => f.name);
  const variants = (item.layoutVariants as LayoutVariantDraft[] | undefined) ?? [];
  // The layout edited: the default (null) or a role's variant.
  const [variantAt, setVariantAt] = useState<number | null>(null);
  const variant = variantAt !== null && variantAt < variants.length ? variantAt : null;
  const layout = normalizeLayout(variant === null ? (item.layout as LayoutSection[] | undefined) : variants[variant]!.layout, fields);
  const roles = Object.values(files).filter((f) => f.kind === 'role' && typeof f.name === 'string');
  const roleName = (name: string) => {
    const role = roles.find((r) => r.name === name);
    return role?.label ? label(role.label) : name;
  };
  const setVariants = (next: LayoutVariantDraft[]) => {
    const { layoutVariants: _old, ...rest } = item;
    onChange(next.length > 0 ? { ...rest, layoutVariants: next } : (rest as DesignerItem));
  };
  const unplaced = unplacedFields(layout, fields);
  const fieldLabel = (name: string) => {
    const def = defs.find((f) => f.name === name);
    return def?.label ? label(def.label) : name;
  };
  const set = (next: LayoutSection[]) => {
    if (variant !== null) return setVariants(setVariantLayout(variants, variant, next));
    const { layout: _old, ...rest } = item;
    onChange(next.length > 0 ? { ...rest, layout: next } : (rest as DesignerItem));
  };
  const move = (field: string, target: LayoutTarget) => set(moveField(layout, fields, field, target));
  const [dragging, setDragging] = useState<string | null>(null);
  const [over, setOver] = useState<string | null>(null);

  // Problems of the last review under this item's layout: per section index, and the rest.
  const prefix = `/files/${segment(path)}${variant === null ? '/layout' : `/layoutVariants/${variant}/layout`}`;
  const ours = problems.filter((p) => p.pointer === prefix || p.pointer.startsWith(`${prefix}/`));
  const problemsOf = (index: number | null) =>
    ours.filter((p) => {
      const at = /^\/(\d+)/.exec(p.pointer.slice(prefix.length));
      return index === null ? !at : Number(at?.[1]) === index;
    });
  const say = (p: ProblemEntry) => problemText({ ...words.entry(p), pointer: '' }, language);

  const zone = (key: string, section: string | null) => ({
    'data-drop-zone': key,
    className: over === key ? 'layout-drop over' : 'layout-drop',
    onDragOver: (e: DragEvent) => {
      if (!dragging || disabled) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
      setOver(key);
    },
    onDragLeave: () => setOver((o) => (o === key ? null : o)),
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      if (disabled) return;
      const field = e.dataTransfer.getData(DRAG_TYPE) || dragging;
      // Dropped on a card: before it; elsewhere in the zone: at the end.
      const before = (e.target as HTMLElement).closest<HTMLElement>('[data-layout-field]')?.dataset.layoutField;
      const list = section === null ? null : (layout.find((s) => s.id === section)?.fields ?? []);
      const index = before && list ? list.indexOf(before) : -1;
      if (field) move(field, index >= 0 ? { section, index } : { section });
      setDragging(null);
      setOver(null);
    },
  });

  const card = (name: string, section: LayoutSection | null) => {
    const at = section ? section.fields.indexOf(name) : -1;
    return (
      <li
        key={name}
        className={dragging === name ? 'layout-card dragging' : 'layout-card'}
        data-layout-field={name}
        draggable={!disabled}
        onDragStart={(e) => {
          e.dataTransfer.setData(DRAG_TYPE, name);
          e.dataTransfer.setData('text/plain', name);
          e.dataTransfer.effectAllowed = 'move';
          setDragging(name);
        }}
        onDragEnd={() => {
          setDragging(null);
          setOver(null);
        }}
      >
        <span className="layout-card-name" title={name}>
          <span aria-hidden="true" className="layout-grip">
            ⠿
          </span>
          {fieldLabel(name)} <span className="muted mono">{name}</span>
        </span>
        <span className="layout-card-actions">
          {section && (
            <>
              <button
                type="button"
                className="icon-btn"
                aria-label={`${t('designer.moveUp')}: ${name}`}
                disabled={at === 0}
                onClick={() => set(shiftField(layout, fields, name, -1))}
              >
                ↑
              </button>
              <button
                type="button"
                className="icon-btn"
                aria-label={`${t('designer.moveDown')}: ${name}`}
                disabled={at === section.fields.length - 1}
                onClick={() => set(shiftField(layout, fields, name, 1))}
              >
                ↓
              </button>
            </>
          )}
          <select
            className="input input-small"
            aria-label={`${t('designer.toSection')}: ${name}`}
            value={section?.id ?? ''}
            onChange={(e) => move(name, { section: e.target.value || null })}
          >
            <option value="">{t('designer.unplaced')}</option>
            {layout.map((s, i) => (
              <option key={s.id} value={s.id}>
                {sectionName(s, i)}
              </option>
            ))}
          </select>
        </span>
      </li>
    );
  };

  const sectionName = (s: LayoutSection, i: number) => (s.label ? label(s.label) : '') || t('designer.section', { n: i + 1 });

  return (
    <section aria-label={t('designer.layout')} className="layout-editor">
      <div className="card-head">
        <h3>{t('designer.layout')}</h3>
        <button
          type="button"
          className="btn btn-small"
          onClick={() =>
            set(
              addSection(layout, {
                id: newSectionId(String(item.id ?? item.name ?? 'layout'), layout),
                label: { en: t('designer.section', { n: layout.length + 1 }) },
                columns: 1,
              }),
            )
          }
        >
          + {t('designer.addSection')}
        </button>
      </div>
      <p className="muted">{t('designer.layoutHelp')}</p>
      {/* Role variants are an entity type's; an activity kind has one full form. */}
      {!isKind && (
        <div className="layout-variants" role="group" aria-label={t('designer.variantFor')}>
          <label className="lang-input">
            <span>{t('designer.variantFor')}</span>
            <select
              className="input"
              aria-label={t('designer.variantFor')}
              value={variant ?? ''}
              onChange={(e) => setVariantAt(e.target.value === '' ? null : Number(e.target.value))}
            >
              <option value="">{t('designer.variantDefault')}</option>
              {variants.map((v, i) => (
                <option key={i} value={i}>
                  {v.roles.map(roleName).join(', ')}
                </option>
              ))}
            </select>
          </label>
          <label className="lang-input">
            <span>{t('designer.addVariant')}</span>
            <select
              className="input"
              aria-label={t('designer.addVariant')}
              value=""
              onChange={(e) => {
                if (!e.target.value) return;
                setVariants(addVariant(variants, e.target.value, normalizeLayout(item.layout as LayoutSection[] | undefined, fields)));
                setVariantAt(variants.length);
              }}
            >
              <option value="">—</option>
              {roles
                .filter((r) => !variants.some((v) => v.roles.includes(String(r.name))))
                .map((r) => (
                  <option key={String(r.name)} value={String(r.name)}>
                    {roleName(String(r.name))}
                  </option>
                ))}
            </select>
          </label>
          {variant !== null && (
            <>
              <fieldset className="layout-variant-roles">
                <legend>{t('designer.variantRoles')}</legend>
                {roles.map((r) => (
                  <label key={String(r.name)} className="check">
                    <input
                      type="checkbox"
                      checked={variants[variant]!.roles.includes(String(r.name))}
                      onChange={() => setVariants(toggleVariantRole(variants, variant, String(r.name)))}
                    />{' '}
                    {roleName(String(r.name))}
                  </label>
                ))}
              </fieldset>
              <button type="button" className="btn btn-small" onClick={() => setVariants(removeVariant(variants, variant))}>
                {t('designer.removeVariant')}
              </button>
            </>
          )}
          <p className="muted">{t('designer.variantHelp')}</p>
        </div>
      )}
      {problemsOf(null).map((p, i) => (
        <div key={i} className="field-errors">
          {say(p)}
        </div>
      ))}
      <div className="layout-columns">
        <div className="layout-sections">
          {layout.map((section, i) => (
            <fieldset key={section.id} className="layout-section" aria-label={sectionName(section, i)} data-layout-section={section.id}>
              <div className="layout-section-head">
                <div className="label-field">
                  {LANGUAGES.map((l) => (
                    <label key={l} className="lang-input">
                      <span>{l}</span>
                      <input
                        className="input"
                        aria-label={`${t('designer.sectionLabel')} ${l}`}
                        value={section.label?.[l] ?? ''}
                        onChange={(e) => set(updateSection(layout, section.id, { label: { ...(section.label ?? { en: '' }), [l]: e.target.value } }))}
                      />
                    </label>
                  ))}
                </div>
                <div className="layout-section-tools">
                  <label className="lang-input">
                    <span>{t('designer.tab')}</span>
                    <input
                      className="input"
                      aria-label={t('designer.tab')}
                      placeholder={t('form.tabMain')}
                      value={section.tab ?? ''}
                      onChange={(e) => set(updateSection(layout, section.id, { tab: e.target.value }))}
                    />
                  </label>
                  <label className="lang-input">
                    <span>{t('designer.columns')}</span>
                    <select
                      className="input input-small"
                      aria-label={t('designer.columns')}
                      value={section.columns ?? 1}
                      onChange={(e) => set(updateSection(layout, section.id, { columns: Number(e.target.value) }))}
                    >
                      {Array.from({ length: MAX_COLUMNS - MIN_COLUMNS + 1 }, (_, n) => n + MIN_COLUMNS).map((n) => (
                        <option key={n}>{n}</option>
                      ))}
                    </select>
                  </label>
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={t('designer.sectionUp')}
                    disabled={i === 0}
                    onClick={() => set(shiftSection(layout, section.id, -1))}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="icon-btn"
                    aria-label={t('designer.sectionDown')}
                    disabled={i === layout.length - 1}
                    onClick={() => set(shiftSection(layout, section.id, 1))}
                  >
                    ↓
                  </button>
                  <button type="button" className="icon-btn" aria-label={t('designer.removeSection')} onClick={() => set(removeSection(layout, section.id))}>
                    ×
                  </button>
                </div>
              </div>
              <FeelConditionInput
                label={t('designer.visibleWhen')}
                help={t('designer.visibleWhenHelp')}
                value={section.visibleWhen ?? ''}
                fields={fields}
                onChange={(v) => set(updateSection(layout, section.id, { visibleWhen: v }))}
              />
              <ul
                {...zone(section.id, section.id)}
                style={{ ['--layout-columns' as string]: String(section.columns ?? 1) }}
                aria-label={t('designer.sectionFields')}
              >
                {section.fields.map((f) => card(f, section))}
                {section.fields.length === 0 && <li className="muted layout-empty">{t('designer.dropHere')}</li>}
              </ul>
              {section.fields.length === 0 && <div className="field-errors">{t('designer.emptySection')}</div>}
              {problemsOf(i).map((p, j) => (
                <div key={j} className="field-errors">
                  {say(p)} <span className="muted mono">{p.pointer.slice(prefix.length)}</span>
                </div>
              ))}
            </fieldset>
          ))}
        </div>
        <div className="layout-palette" role="group" aria-label={t('designer.unplaced')}>
          <h4>{t('designer.unplaced')}</h4>
          <ul {...zone('palette', null)} style={{ ['--layout-columns' as string]: '1' }}>
            {unplaced.map((f) => card(f, null))}
            {unplaced.length === 0 && <li className="muted layout-empty">{t('designer.dropHere')}</li>}
          </ul>
        </div>
      </div>
      <LayoutPreview item={item} draft={draft} layout={layout} roles={variant === null ? undefined : variants[variant]!.roles} />
    </section>
  );
}

/** The model of the whole draft (so unapplied fields show), or null while it does not build. */
function draftModel(files: Readonly<Record<string, DesignerItem>>): Model | null {
  try {
    return buildModel(groupItems(files as Record<string, MetadataItem>));
  } catch {
    return null; // an unfinished draft
  }
}

/** The fields an activity of a kind may show, as the kind's form places them. */
function kindFieldDefs(model: Model, kind: string): FieldDef[] {
  const activity = model.entities.get(ACTIVITY_ENTITY);
  if (!activity) return [];
  return (fieldsOfKind(activity, kind) ?? []).flatMap((name) => {
    const field = activity.fieldsByName.get(name);
    return field && !field.readOnly ? [{ name, label: field.label }] : [];
  });
}

/** The generated form of the draft's entity type (or activity kind) with the edited layout, over an empty record. */
function LayoutPreview({
  item,
  draft,
  layout,
  roles,
}: {
  item: DesignerItem;
  draft: Model | null;
  layout: readonly LayoutSection[];
  roles: readonly string[] | undefined;
}) {
  const { t, language } = useI18n();
  const applied = useMeta().model;
  const isKind = item.kind === 'activityKind';
  const kindName = String(item.name ?? '');
  const name = isKind ? ACTIVITY_ENTITY : kindName;
  // The draft's model when it builds (unapplied fields show); else the applied one with this layout.
  const model = useMemo((): Model | null => {
    if (draft?.entities.has(name) && (!isKind || draft.entities.get(name)!.kinds?.has(kindName))) return draft;
    const entity = applied.entities.get(name);
    if (!entity) return null;
    if (isKind) {
      const kind = entity.kinds?.get(kindName);
      if (!kind) return null;
      return {
        ...applied,
        entities: new Map(applied.entities).set(name, { ...entity, kinds: new Map(entity.kinds).set(kindName, { ...kind, layout: [...layout] }) }),
      };
    }
    // The edited layout as the only one, whichever variant it is.
    return { ...applied, entities: new Map(applied.entities).set(name, { ...entity, layout: [...layout], layoutVariants: [] }) };
  }, [draft, name, kindName, isKind, applied, layout]);
  const form = useMemo(() => {
    if (!model) return null;
    try {
      // An activity kind's full form: as on its card (the short form is for a new activity).
      return recordForm(model, name, { mode: isKind ? 'update' : 'create', language, ...(roles ? { roles } : {}) });
    } catch {
      return null;
    }
  }, [model, name, language, roles]);
  return (
    <section className="layout-preview" aria-label={t('designer.preview')}>
      <h3>{t('designer.preview')}</h3>
      {form && model ? (
        <RecordFormView
          key={`${language}.${JSON.stringify(form.layout)}.${JSON.stringify(form.kinds?.[kindName]?.layout ?? null)}`}
          model={model}
          form={form}
          initial={isKind ? { kind: kindName } : {}}
          readonly
          onSubmit={() => undefined}
        />
      ) : (
        <div className="muted">{t('designer.noPreview')}</div>
      )}
    </section>
  );
}
