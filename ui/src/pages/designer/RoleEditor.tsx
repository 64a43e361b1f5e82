// The designer's roles matrix: a role's rights as a grid of entity types × rights (read, create,
// update, delete, export), each cell a scope (none/own/team/all) or yes/no; an empty cell takes the
// "*" row's value (docs/security.md rule 3). A row opens its field rights (hidden / read only /
// read and write) and its row condition in the FEEL input that checks as you type. Ctrl+arrows move
// between cells. It edits the designer's working copy through the pure operations of
// forms/role-edit.ts; nothing is stored before the plan is applied (DesignerPage), and "view as this
// role" (RolePreview) shows lists and forms as the role's users see them.
import { useState, type KeyboardEvent } from 'react';
import { cellText, cellValue, entryCount, EVERY_ENTITY, FIELD_LEVELS, fieldRight, rightCell, ROLE_RIGHTS, ROLE_SCOPES, roleEntry, setCondition, setFieldRight, setRight, type FieldLevel, type RoleRight } from '../../../../forms/index.ts';
import type { EntityModel, Role } from '../../../../metadata/browser.ts';
import { useI18n } from '../../app/i18n.tsx';
import type { MessageKey } from '../../app/messages.ts';
import { useMeta } from '../../app/meta.tsx';
import { FeelConditionInput } from './FeelConditionInput.tsx';
import { RolePreview } from './RolePreview.tsx';

const RIGHT_WORD: Record<RoleRight, MessageKey> = { read: 'roles.right.read', create: 'roles.right.create', update: 'roles.right.update', delete: 'roles.right.delete', export: 'roles.right.export' };
const LEVEL_WORD: Record<FieldLevel, MessageKey> = { none: 'roles.level.none', read: 'roles.level.read', write: 'roles.level.write' };

/** `files`: the whole draft package, sent with the preview while the role has unapplied changes. */
export function RoleEditor({ role, applied, files, onChange }: { role: Role; applied: Role | undefined; files: Readonly<Record<string, unknown>>; onChange(role: Role): void }) {
  const { t, label } = useI18n();
  const { model } = useMeta();
  const entities = [...model.entities.values()].sort((a, b) => label(a.pluralLabel).localeCompare(label(b.pluralLabel)));
  const [selected, setSelected] = useState<string | null>(null);
  const entity = selected ? model.entities.get(selected) : undefined;
  const rows = [EVERY_ENTITY, ...entities.map((e) => e.name)];
  const rowLabel = (name: string) => (name === EVERY_ENTITY ? t('roles.every') : label(model.entities.get(name)?.pluralLabel));

  // Ctrl+arrows move between the cells' selects (plain arrows change a select's value).
  const move = (e: KeyboardEvent<HTMLSelectElement>, row: number, column: number) => {
    const by: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const step = by[e.key];
    if (!e.ctrlKey || !step) return;
    e.preventDefault();
    const target = e.currentTarget.closest('table')?.querySelector<HTMLSelectElement>(`[data-cell="${row + step[0]}:${column + step[1]}"]`);
    target?.focus();
  };

  return (
    <section aria-label={t('roles.editor')} className="form-grid role-editor">
      <p className="muted">{t('roles.help')}</p>
      <div className="role-matrix-scroll">
        <table className="fields-table role-matrix" aria-label={t('roles.editor')}>
          <thead>
            <tr>
              <th scope="col">{t('roles.entity')}</th>
              {ROLE_RIGHTS.map((r) => (
                <th key={r} scope="col">
                  {t(RIGHT_WORD[r])}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((name, row) => (
              <tr key={name} data-role-row={name} className={name === selected ? 'selected' : ''}>
                <th scope="row">
                  {name === EVERY_ENTITY ? (
                    rowLabel(name)
                  ) : (
                    <button type="button" className="link-button" aria-pressed={name === selected} onClick={() => setSelected(name === selected ? null : name)}>
                      {rowLabel(name)}
                    </button>
                  )}
                  {roleEntry(role, name)?.condition !== undefined && <span className="muted"> ƒ</span>}
                </th>
                {ROLE_RIGHTS.map((right, column) => (
                  <td key={right}>
                    <RightCell role={role} entity={name} right={right} title={`${t(RIGHT_WORD[right])} — ${rowLabel(name)}`} cell={`${row}:${column}`} onKeyDown={(e) => move(e, row, column)} onChange={onChange} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {entity && <EntityDetails role={role} entity={entity} onChange={onChange} />}
      <RolePreview role={role.name} draft={JSON.stringify(role) !== JSON.stringify(applied) ? files : null} entity={selected ?? entities[0]?.name ?? null} />
    </section>
  );
}

function RightCell({ role, entity, right, title, cell, onKeyDown, onChange }: { role: Role; entity: string; right: RoleRight; title: string; cell: string; onKeyDown(e: KeyboardEvent<HTMLSelectElement>): void; onChange(role: Role): void }) {
  const { t } = useI18n();
  const { value, inherited } = rightCell(role, entity, right);
  const word = (text: string) => (text === 'yes' ? t('roles.yes') : text === 'no' ? t('roles.no') : t(`roles.scope.${text}` as MessageKey));
  const own = inherited ? '' : cellText(value);
  const choices = right === 'create' ? ['yes', 'no'] : (ROLE_SCOPES as readonly string[]);
  // The empty choice: "not granted" on the "*" row, else the value "*" gives (or nothing).
  const empty = entity === EVERY_ENTITY || value === undefined ? t('roles.notSet') : t('roles.inherit', { value: word(cellText(value)) });
  return (
    <select className={`input input-small${inherited ? ' inherited' : ''}`} aria-label={title} data-cell={cell} value={own} onKeyDown={onKeyDown} onChange={(e) => onChange(setRight(role, entity, right, cellValue(right, e.target.value)))}>
      <option value="">{empty}</option>
      {choices.map((c) => (
        <option key={c} value={c}>
          {word(c)}
        </option>
      ))}
    </select>
  );
}

/** Field rights and the row condition of the role's entry for one entity type. */
function EntityDetails({ role, entity, onChange }: { role: Role; entity: EntityModel; onChange(role: Role): void }) {
  const { t, label } = useI18n();
  const entries = entryCount(role, entity.name);
  return (
    <section aria-label={t('roles.fields', { entity: label(entity.pluralLabel) })} className="form-grid">
      <h3>{t('roles.fields', { entity: label(entity.pluralLabel) })}</h3>
      <p className="muted">{t('roles.fieldsHelp')}</p>
      {entries > 1 && (
        <p className="owned-note" role="note">
          {t('roles.moreEntries', { n: entries })}
        </p>
      )}
      <FeelConditionInput label={t('roles.condition')} help={t('roles.conditionHelp')} value={roleEntry(role, entity.name)?.condition ?? ''} fields={[...entity.fields.map((f) => f.name), 'id', 'owner', 'created_by', 'updated_by', 'created_at', 'updated_at', 'user']} onChange={(c) => onChange(setCondition(role, entity.name, c))} />
      <table className="fields-table role-fields">
        <tbody>
          {entity.fields.map((f) => (
            <tr key={f.name} data-field-right={f.name}>
              <th scope="row">
                {label(f.label)} <span className="muted mono">{f.name}</span>
              </th>
              <td>
                <select className="input input-small" aria-label={t('roles.fieldRight', { field: label(f.label) })} value={fieldRight(role, entity.name, f.name)} onChange={(e) => onChange(setFieldRight(role, entity.name, f.name, e.target.value as FieldLevel))}>
                  {FIELD_LEVELS.map((level) => (
                    <option key={level} value={level}>
                      {t(LEVEL_WORD[level])}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
