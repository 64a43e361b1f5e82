// The designer's graph of a pipeline or a status machine (forms/state-graph.ts): stages or states are
// SVG nodes dragged into place (the place is kept as a layout hint in the metadata), transitions are
// arrows drawn by dragging from a node's handle to another node. Everything edits the draft; the
// plan → apply path reviews and applies it like any other change.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { addTransition, graphEdges, graphNodes, moveNode, reactions, removeEdge, removeNode, NODE_HEIGHT, NODE_WIDTH, type GraphEdge, type GraphNode, type StateGraphItem } from '../../../../forms/index.ts';
import { processIds } from '../../api/record-sets.ts';
import { useI18n } from '../../app/i18n.tsx';
import { AddNode, EdgePanel, NodePanel } from './StateGraphPanel.tsx';

type Selection = { kind: 'node'; name: string } | { kind: 'edge'; key: string } | null;
type Gesture = { kind: 'move'; name: string; dx: number; dy: number; x: number; y: number } | { kind: 'draw'; from: string; x: number; y: number };

const MIN_WIDTH = 980;

/** Where the line between two node centres leaves the first node's box. */
function boxExit(from: { x: number; y: number }, to: { x: number; y: number }): { x: number; y: number } {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  if (dx === 0 && dy === 0) return from;
  const scale = Math.min(Math.abs(NODE_WIDTH / 2 / (dx || 1e-9)), Math.abs(NODE_HEIGHT / 2 / (dy || 1e-9)));
  return { x: from.x + dx * scale, y: from.y + dy * scale };
}

const centre = (n: GraphNode) => ({ x: n.x + NODE_WIDTH / 2, y: n.y + NODE_HEIGHT / 2 });

/** A gently bent arrow, so that the two arrows of a pair (A → B, B → A) do not cover each other. */
function edgePath(a: GraphNode, b: GraphNode): string {
  const ca = centre(a);
  const cb = centre(b);
  const len = Math.hypot(cb.x - ca.x, cb.y - ca.y) || 1;
  const bend = { x: (-(cb.y - ca.y) / len) * 18, y: ((cb.x - ca.x) / len) * 18 };
  const mid = { x: (ca.x + cb.x) / 2 + bend.x, y: (ca.y + cb.y) / 2 + bend.y };
  const start = boxExit(ca, mid);
  const end = boxExit(cb, mid);
  return `M${start.x},${start.y} Q${mid.x},${mid.y} ${end.x},${end.y}`;
}

export function StateGraphEditor({ item, files, disabled, onChange }: { item: StateGraphItem; files: Readonly<Record<string, unknown>>; disabled?: boolean; onChange(item: StateGraphItem): void }) {
  const { t, label } = useI18n();
  const nodes = useMemo(() => graphNodes(item), [item]);
  const edges = useMemo(() => graphEdges(item), [item]);
  const byName = useMemo(() => new Map(nodes.map((n) => [n.name, n])), [nodes]);
  const reacting = useMemo(() => reactions(item, Object.values(files)), [item, files]);
  const [selected, setSelected] = useState<Selection>(null);
  const [gesture, setGesture] = useState<Gesture | null>(null);
  const [deployed, setDeployed] = useState<ReadonlySet<string> | null>(null);
  const svg = useRef<SVGSVGElement>(null);

  useEffect(() => {
    let live = true;
    // Which processes the triggers start are deployed; a user who may not list them sees none marked.
    processIds().then(
      (ids) => live && setDeployed(new Set(ids)),
      () => live && setDeployed(null),
    );
    return () => {
      live = false;
    };
  }, []);

  const width = Math.max(MIN_WIDTH, ...nodes.map((n) => n.x + NODE_WIDTH + 24));
  const height = Math.max(260, ...nodes.map((n) => n.y + NODE_HEIGHT + 24));
  const name = (n: string) => (n === '*' ? t('graph.any') : label(byName.get(n)?.label) || n);
  const edgeText = (e: GraphEdge) => `${name(e.from)} → ${name(e.to)}${e.label ? ` (${label(e.label)})` : ''}${e.guard ? ' ⟨FEEL⟩' : ''}`;

  const point = (e: PointerEvent) => {
    const box = svg.current!.getBoundingClientRect();
    return { x: e.clientX - box.left, y: e.clientY - box.top };
  };
  const focusNode = (n: string) => requestAnimationFrame(() => document.querySelector<SVGGElement>(`[data-graph-node="${n}"]`)?.focus());

  const onNodeDown = (e: PointerEvent, n: GraphNode) => {
    if (disabled || e.button !== 0) return;
    e.preventDefault();
    const p = point(e);
    setSelected({ kind: 'node', name: n.name });
    setGesture({ kind: 'move', name: n.name, dx: p.x - n.x, dy: p.y - n.y, x: n.x, y: n.y });
    svg.current?.setPointerCapture(e.pointerId);
  };
  const onHandleDown = (e: PointerEvent, n: GraphNode) => {
    if (disabled || e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    setGesture({ kind: 'draw', from: n.name, ...point(e) });
    svg.current?.setPointerCapture(e.pointerId);
  };
  const onMove = (e: PointerEvent) => {
    if (!gesture) return;
    const p = point(e);
    setGesture(gesture.kind === 'move' ? { ...gesture, x: Math.max(0, p.x - gesture.dx), y: Math.max(0, p.y - gesture.dy) } : { ...gesture, ...p });
  };
  const onUp = (e: PointerEvent) => {
    if (!gesture) return;
    svg.current?.releasePointerCapture(e.pointerId);
    setGesture(null);
    if (gesture.kind === 'move') {
      const n = byName.get(gesture.name);
      if (n && (Math.round(gesture.x) !== n.x || Math.round(gesture.y) !== n.y)) onChange(moveNode(item, gesture.name, gesture.x, gesture.y));
      return;
    }
    // The node under the pointer where the drag ends (the canvas holds the capture, so not e.target).
    const target = document.elementFromPoint(e.clientX, e.clientY)?.closest('[data-graph-node]')?.getAttribute('data-graph-node');
    if (!target || target === gesture.from) return;
    const next = addTransition(item, gesture.from, target);
    onChange(next);
    const drawn = graphEdges(next).find((x) => x.from === gesture.from && x.to === target);
    if (drawn) setSelected({ kind: 'edge', key: drawn.key });
  };

  const onNodeKey = (e: KeyboardEvent, n: GraphNode) => {
    if (disabled) return;
    const step = e.shiftKey ? 40 : 8;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const by = moves[e.key];
    if (by) {
      e.preventDefault();
      onChange(moveNode(item, n.name, n.x + by[0], n.y + by[1]));
      focusNode(n.name);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      setSelected({ kind: 'node', name: n.name });
    } else if (e.key === 'Delete') {
      e.preventDefault();
      onChange(removeNode(item, n.name));
      setSelected(null);
    }
  };

  const shown = (n: GraphNode) => (gesture?.kind === 'move' && gesture.name === n.name ? { ...n, x: gesture.x, y: gesture.y } : n);
  const selectedEdge = selected?.kind === 'edge' ? edges.find((x) => x.key === selected.key) : undefined;
  const selectedNode = selected?.kind === 'node' ? byName.get(selected.name) : undefined;

  return (
    <section className="state-graph" aria-label={t('graph.title')}>
      <h3>{t('graph.title')}</h3>
      <p className="muted">{t('graph.help')}</p>
      <div className="state-graph-body">
        <div className="state-graph-canvas">
          <svg ref={svg} width={width} height={height} role="group" aria-label={t('graph.canvas', { name: label(item.label) })} onPointerMove={onMove} onPointerUp={onUp} onPointerCancel={() => setGesture(null)}>
            <defs>
              <marker id="graph-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" fill="context-stroke" />
              </marker>
            </defs>
            {edges.map((edge) => {
              const a = byName.get(edge.from);
              const b = byName.get(edge.to);
              if (!a || !b) return null;
              const active = selectedEdge?.key === edge.key;
              const d = edgePath(shown(a), shown(b));
              return (
                <g key={edge.key} className={`graph-edge${active ? ' selected' : ''}${edge.guard ? ' guarded' : ''}`} data-graph-edge={`${edge.from}>${edge.to}`} onClick={() => setSelected({ kind: 'edge', key: edge.key })}>
                  <path d={d} className="graph-edge-hit" />
                  <path d={d} className="graph-edge-line" markerEnd="url(#graph-arrow)" />
                </g>
              );
            })}
            {gesture?.kind === 'draw' && byName.get(gesture.from) && (
              <line className="graph-edge-draft" x1={centre(byName.get(gesture.from)!).x} y1={centre(byName.get(gesture.from)!).y} x2={gesture.x} y2={gesture.y} markerEnd="url(#graph-arrow)" />
            )}
            {nodes.map((raw) => {
              const n = shown(raw);
              const active = selectedNode?.name === n.name;
              const detail = [n.initial ? t('graph.initial') : '', n.probability !== undefined ? `${n.probability}%` : '', n.category && n.category !== 'open' ? t(`graph.${n.category}`) : !n.category && n.final ? t('graph.final') : ''].filter(Boolean).join(' · ');
              return (
                <g
                  key={n.name}
                  data-graph-node={n.name}
                  className={`graph-node${active ? ' selected' : ''}`}
                  transform={`translate(${n.x},${n.y})`}
                  tabIndex={0}
                  role="button"
                  aria-pressed={active}
                  aria-label={label(n.label) || n.name}
                  onPointerDown={(e) => onNodeDown(e, raw)}
                  onKeyDown={(e) => onNodeKey(e, raw)}
                  onFocus={() => setSelected({ kind: 'node', name: n.name })}
                >
                  <rect width={NODE_WIDTH} height={NODE_HEIGHT} rx={10} className="graph-node-box" strokeWidth={n.final ? 3 : 1.5} style={{ stroke: n.color ?? '#64748b' }} />
                  <rect width={8} height={NODE_HEIGHT} rx={4} style={{ fill: n.color ?? '#64748b' }} />
                  <text x={16} y={26} className="graph-node-label">
                    {(label(n.label) || n.name).slice(0, 22)}
                  </text>
                  <text x={16} y={46} className="graph-node-detail">
                    {detail}
                  </text>
                  {!disabled && (
                    <circle cx={NODE_WIDTH} cy={NODE_HEIGHT / 2} r={7} className="graph-node-handle" data-graph-handle={n.name} aria-label={t('graph.handle', { name: label(n.label) })} onPointerDown={(e) => onHandleDown(e, raw)} />
                  )}
                </g>
              );
            })}
          </svg>
        </div>
        <div className="state-graph-side">
          {selectedNode ? (
            <NodePanel item={item} node={selectedNode} reactions={reacting[selectedNode.name] ?? []} deployed={deployed} disabled={disabled} onChange={onChange} onRemoved={() => setSelected(null)} />
          ) : selectedEdge ? (
            <EdgePanel item={item} edge={selectedEdge} nodeName={name} disabled={disabled} onChange={onChange} onRemoved={() => setSelected(null)} />
          ) : (
            <p className="muted">{t('graph.select')}</p>
          )}
        </div>
      </div>
      <h4>{t('graph.transitions')}</h4>
      {edges.length === 0 && <p className="muted">{t('graph.noTransitions')}</p>}
      <ul className="graph-edge-list" aria-label={t('graph.transitions')}>
        {edges.map((edge) => (
          <li key={edge.key}>
            <button
              type="button"
              className={selectedEdge?.key === edge.key ? 'active' : ''}
              aria-pressed={selectedEdge?.key === edge.key}
              onClick={() => setSelected({ kind: 'edge', key: edge.key })}
              onKeyDown={(e) => {
                if (e.key !== 'Delete' || disabled) return;
                e.preventDefault();
                onChange(removeEdge(item, edge));
                setSelected(null);
              }}
            >
              {edgeText(edge)}
            </button>
          </li>
        ))}
      </ul>
      {!disabled && <AddNode item={item} onChange={onChange} onAdded={(n) => setSelected({ kind: 'node', name: n })} />}
    </section>
  );
}
