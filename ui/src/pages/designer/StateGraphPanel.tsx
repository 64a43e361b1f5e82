// The side panel of the designer's graph (StateGraphEditor.tsx): a node's properties (label, colour,
// probability, won/lost or final, fields required on entry) and who reacts to entering it; an arrow's
// label and guard (checked as typed) and the fields its target requires on entry; a new node.
import { useState } from 'react';
import { addNode, addTransition, graphEdges, isPipeline, nodeList, removeEdge, removeNode, updateNode, updateTransition, type GraphEdge, type GraphNode, type NodePatch, type Reaction, type StateGraphItem } from '../../../../forms/index.ts';
import type { Label } from '../../../../metadata/browser.ts';
import { useI18n } from '../../app/i18n.tsx';
import { useMeta } from '../../app/meta.tsx';
import { FeelConditionInput } from './FeelConditionInput.tsx';

const LANGS = ['pl', 'en', 'ro'] as const;

function LabelInputs({ title, value, onChange }: { title: string; value: Label | undefined; onChange(label: Label | undefined): void }) {
  const set = (l: string, text: string) => {
    const next: Record<string, string> = { ...(value ?? {}) };
    if (text) next[l] = text;
    else delete next[l];
    onChange(Object.keys(next).length > 0 ? (next as unknown as Label) : undefined);
  };
  return (
    <fieldset className="plain-fieldset graph-label">
      <legend>{title}</legend>
      {LANGS.map((l) => (
        <label key={l} className="lang-input">
          <span>{l}</span>
          <input className="input" aria-label={`${title} ${l}`} value={(value as Record<string, string> | undefined)?.[l] ?? ''} onChange={(e) => set(l, e.target.value)} />
        </label>
      ))}
    </fieldset>
  );
}

/** The fields a record must hold to enter a node, chosen among the entity type's fields. */
function RequiredFields({ item, node, title, onChange }: { item: StateGraphItem; node: string; title: string; onChange(item: StateGraphItem): void }) {
  const { label } = useI18n();
  const entity = useMeta().model.entities.get(item.entity);
  const current = nodeList(item).find((n) => n.name === node)?.requiredFields ?? [];
  const fields = (entity?.fields ?? []).filter((f) => f.name !== item.field);
  const toggle = (name: string, on: boolean) => onChange(updateNode(item, node, { requiredFields: on ? [...current, name] : current.filter((f) => f !== name) }));
  return (
    <fieldset className="plain-fieldset graph-required">
      <legend>{title}</legend>
      <div className="graph-required-list">
        {fields.map((f) => (
          <label key={f.name} className="checkbox">
            <input type="checkbox" checked={current.includes(f.name)} onChange={(e) => toggle(f.name, e.target.checked)} />
            <span>{label(f.label)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function NodePanel({ item, node, reactions, deployed, disabled, onChange, onRemoved }: { item: StateGraphItem; node: GraphNode; reactions: readonly Reaction[]; deployed: ReadonlySet<string> | null; disabled?: boolean; onChange(item: StateGraphItem): void; onRemoved(): void }) {
  const { t, label } = useI18n();
  const [target, setTarget] = useState('');
  const set = (patch: NodePatch) => onChange(updateNode(item, node.name, patch));
  const name = label(node.label) || node.name;
  const others = nodeList(item).filter((n) => n.name !== node.name);
  return (
    <div className="graph-panel" aria-label={name} role="region">
      <h4>
        {name} <span className="muted mono">{node.name}</span>
      </h4>
      <LabelInputs title={t('graph.nodeLabel')} value={node.label} onChange={(l) => l && set({ label: l })} />
      <label className="inline-field">
        {t('graph.color')}
        <input type="color" className="input input-small" value={node.color ?? '#64748b'} onChange={(e) => set({ color: e.target.value })} />
      </label>
      {isPipeline(item) ? (
        <>
          <label className="inline-field">
            {t('graph.probability')}
            <input type="number" className="input input-small" min={0} max={100} value={node.probability ?? ''} onChange={(e) => set({ probability: e.target.value === '' ? undefined : Math.max(0, Math.min(100, Number(e.target.value))) })} />
          </label>
          <label className="inline-field">
            {t('graph.category')}
            <select className="input input-small" value={node.category ?? 'open'} onChange={(e) => set({ category: e.target.value as 'open' | 'won' | 'lost' })}>
              {(['open', 'won', 'lost'] as const).map((c) => (
                <option key={c} value={c}>
                  {t(`graph.${c}`)}
                </option>
              ))}
            </select>
          </label>
        </>
      ) : (
        <label className="checkbox">
          <input type="checkbox" checked={node.final} onChange={(e) => set({ final: e.target.checked })} />
          <span>{t('graph.final')}</span>
        </label>
      )}
      <RequiredFields item={item} node={node.name} title={t('graph.requiredOnEntry', { name })} onChange={onChange} />
      <div className="toolbar">
        <select className="input input-small" aria-label={t('graph.arrowTo')} value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="" />
          {others.map((n) => (
            <option key={n.name} value={n.name}>
              {label(n.label) || n.name}
            </option>
          ))}
        </select>
        <button type="button" className="btn btn-small" disabled={!target || disabled} onClick={() => onChange(addTransition(item, node.name, target))}>
          {t('graph.draw')}
        </button>
      </div>
      <h5>{t('graph.reactions')}</h5>
      {reactions.length === 0 ? (
        <p className="muted">{t('graph.noReactions')}</p>
      ) : (
        <ul className="graph-reactions">
          {reactions.map((r) => (
            <li key={r.trigger}>
              {r.label ? label(r.label) : r.trigger}:{' '}
              {r.process ? t('graph.startsProcess', { process: r.process }) : t('graph.publishes', { message: r.message ?? '' })}
              {r.process && deployed && !deployed.has(r.process) && <span className="muted"> {t('graph.notDeployed')}</span>}
            </li>
          ))}
        </ul>
      )}
      {!disabled && nodeList(item).length > 1 && (
        <>
          <p className="muted">{t('graph.removeNodeNote')}</p>
          <button
            type="button"
            className="btn btn-small btn-danger"
            onClick={() => {
              onChange(removeNode(item, node.name));
              onRemoved();
            }}
          >
            {t('graph.removeNode', { name })}
          </button>
        </>
      )}
    </div>
  );
}

export function EdgePanel({ item, edge, nodeName, disabled, onChange, onRemoved }: { item: StateGraphItem; edge: GraphEdge; nodeName(name: string): string; disabled?: boolean; onChange(item: StateGraphItem): void; onRemoved(): void }) {
  const { t } = useI18n();
  const entity = useMeta().model.entities.get(item.entity);
  const transition = item.transitions?.[edge.transition];
  if (!transition) return null;
  // The guard reads the record's fields, the transition's lookups and the previous values.
  const fields = [...(entity?.fields.map((f) => f.name) ?? []), ...Object.keys(transition.lookups ?? {}), 'previous', 'id'];
  const others = graphEdges(item).filter((e) => e.transition === edge.transition && e.key !== edge.key);
  return (
    <div className="graph-panel" role="region" aria-label={`${nodeName(edge.from)} → ${nodeName(edge.to)}`}>
      <h4>
        {nodeName(edge.from)} → {nodeName(edge.to)}
      </h4>
      {others.length > 0 && <p className="muted">{t('graph.shared', { others: others.map((o) => nodeName(o.from)).join(', ') })}</p>}
      <LabelInputs title={t('graph.transitionLabel')} value={transition.label} onChange={(l) => onChange(updateTransition(item, edge.transition, { label: l }))} />
      <FeelConditionInput label={t('graph.guard')} value={transition.guard ?? ''} fields={fields} onChange={(guard) => onChange(updateTransition(item, edge.transition, { guard }))} />
      {transition.guard && <LabelInputs title={t('graph.guardMessage')} value={transition.guardMessage} onChange={(l) => onChange(updateTransition(item, edge.transition, { guardMessage: l }))} />}
      <RequiredFields item={item} node={edge.to} title={t('graph.requiredOnEntry', { name: nodeName(edge.to) })} onChange={onChange} />
      {!disabled && (
        <button
          type="button"
          className="btn btn-small btn-danger"
          onClick={() => {
            onChange(removeEdge(item, edge));
            onRemoved();
          }}
        >
          {t('graph.removeEdge')}
        </button>
      )}
    </div>
  );
}

export function AddNode({ item, onChange, onAdded }: { item: StateGraphItem; onChange(item: StateGraphItem): void; onAdded(name: string): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  const valid = /^[a-z][a-z0-9_]{0,47}$/.test(name) && text.trim() !== '' && !nodeList(item).some((n) => n.name === name);
  return (
    <div className="toolbar graph-add">
      <input className="input input-small mono" aria-label={t('graph.nodeName')} placeholder={t('graph.nodeName')} value={name} onChange={(e) => setName(e.target.value)} />
      <input className="input input-small" aria-label={t('graph.nodeLabel')} placeholder={t('graph.nodeLabel')} value={text} onChange={(e) => setText(e.target.value)} />
      <button
        type="button"
        className="btn btn-small"
        disabled={!valid}
        onClick={() => {
          onChange(addNode(item, name, { en: text.trim() }));
          onAdded(name);
          setName('');
          setText('');
        }}
      >
        + {t('graph.addNode')}
      </button>
    </div>
  );
}
