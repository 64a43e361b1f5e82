// The designer's graph of a pipeline or a status machine, as pure operations on the item
// (docs/metadata.md#pipelines-and-status-machines): stages or states are nodes (placed by their
// optional `position` hint, else laid out in order), transitions are arrows, one per state a
// transition leaves. Every operation returns a new item the validator accepts, so the graph edits
// the same draft the plan → apply path reviews.
import type { GraphPosition, Label, Pipeline, Stage, State, StatusMachine, Transition } from '../metadata/browser.ts';

export type StateGraphItem = Pipeline | StatusMachine;
type Node = Stage | State;

export const NODE_WIDTH = 168;
export const NODE_HEIGHT = 64;
const COLUMNS = 4;
const GAP_X = 72;
const GAP_Y = 64;
const MARGIN = 24;
export const MAX_POSITION = 5000;

export interface GraphNode {
  readonly name: string;
  readonly label: Label;
  readonly color?: string;
  readonly x: number;
  readonly y: number;
  /** A stage's category (open, won, lost), or a state's `final`. */
  readonly category?: 'open' | 'won' | 'lost';
  readonly final: boolean;
  readonly probability?: number;
  /** A record may start here (a status machine's `initial`, a pipeline's first stage). */
  readonly initial: boolean;
}

export interface GraphEdge {
  /** Stable within one item: the transition's place and the state it leaves. */
  readonly key: string;
  readonly transition: number;
  /** The state left, or `*` (any state). */
  readonly from: string;
  readonly to: string;
  readonly label?: Label;
  readonly guard?: string;
}

export const isPipeline = (item: StateGraphItem): item is Pipeline => item.kind === 'pipeline';

export function nodeList(item: StateGraphItem): readonly Node[] {
  return isPipeline(item) ? item.stages : item.states;
}

function withNodes(item: StateGraphItem, nodes: Node[]): StateGraphItem {
  return isPipeline(item) ? { ...item, stages: nodes as Stage[] } : { ...item, states: nodes as State[] };
}

/** Where a node without a position hint is drawn: in rows of four, in declared order. */
export function defaultPosition(index: number): GraphPosition {
  return { x: MARGIN + (index % COLUMNS) * (NODE_WIDTH + GAP_X), y: MARGIN + Math.floor(index / COLUMNS) * (NODE_HEIGHT + GAP_Y) };
}

export function graphNodes(item: StateGraphItem): GraphNode[] {
  const initial = isPipeline(item) ? [item.stages[0]?.name] : (item.initial ?? [item.states[0]?.name]);
  return nodeList(item).map((node, i) => {
    const at = node.position ?? defaultPosition(i);
    const stage = isPipeline(item) ? (node as Stage) : undefined;
    return {
      name: node.name,
      label: node.label,
      ...(node.color ? { color: node.color } : {}),
      x: at.x,
      y: at.y,
      ...(stage ? { category: stage.category, ...(stage.probability !== undefined ? { probability: stage.probability } : {}) } : {}),
      final: stage ? stage.category !== 'open' : ((node as State).final ?? false),
      initial: initial.includes(node.name),
    };
  });
}

export function graphEdges(item: StateGraphItem): GraphEdge[] {
  return (item.transitions ?? []).flatMap((t, i) =>
    (t.from === '*' ? ['*'] : t.from).map((from) => ({
      key: `${i}:${from}`,
      transition: i,
      from,
      to: t.to,
      ...(t.label ? { label: t.label } : {}),
      ...(t.guard ? { guard: t.guard } : {}),
    })),
  );
}

/** The item with an arrow from → to: a new transition, unless one already leads there from that state. */
export function addTransition(item: StateGraphItem, from: string, to: string): StateGraphItem {
  const names = nodeList(item).map((n) => n.name);
  if (from === to || !names.includes(from) || !names.includes(to)) return item;
  if (graphEdges(item).some((e) => e.to === to && (e.from === from || e.from === '*'))) return item;
  const ids = new Set((item.transitions ?? []).map((t) => t.id));
  let id = `${item.id}.t.${from}_to_${to}`;
  for (let n = 2; ids.has(id); n++) id = `${item.id}.t.${from}_to_${to}_${n}`;
  return { ...item, transitions: [...(item.transitions ?? []), { id, from: [from], to }] } as StateGraphItem;
}

/** The item without one arrow: the transition no longer leaves that state; with no state left, it goes. */
export function removeEdge(item: StateGraphItem, edge: Pick<GraphEdge, 'transition' | 'from'>): StateGraphItem {
  const transitions = (item.transitions ?? []).flatMap((t, i): Transition[] => {
    if (i !== edge.transition) return [t];
    if (t.from === '*') return [];
    const from = t.from.filter((f) => f !== edge.from);
    return from.length > 0 ? [{ ...t, from }] : [];
  });
  return { ...item, transitions } as StateGraphItem;
}

/** The item with a transition's guard, label or guard message changed (an empty guard removed). */
export function updateTransition(item: StateGraphItem, index: number, patch: Partial<Pick<Transition, 'guard' | 'label' | 'guardMessage'>>): StateGraphItem {
  const transitions = (item.transitions ?? []).map((t, i) => {
    if (i !== index) return t;
    const next: Transition = { ...t, ...patch };
    if (!next.guard?.trim()) delete next.guard;
    if (!next.guard) delete next.guardMessage;
    return next;
  });
  return { ...item, transitions } as StateGraphItem;
}

/** The item with a node placed at (x, y), a layout hint kept in the metadata (whole pixels, within the canvas). */
export function moveNode(item: StateGraphItem, name: string, x: number, y: number): StateGraphItem {
  const clamp = (v: number) => Math.max(0, Math.min(MAX_POSITION, Math.round(v)));
  return withNodes(item, nodeList(item).map((n) => (n.name === name ? { ...n, position: { x: clamp(x), y: clamp(y) } } : n)));
}

export type NodePatch = Partial<Pick<Stage, 'label' | 'color' | 'probability' | 'category' | 'requiredFields'> & Pick<State, 'final'>>;

/** The item with a node's properties changed; a stage keeps only stage properties, a state only state ones. */
export function updateNode(item: StateGraphItem, name: string, patch: NodePatch): StateGraphItem {
  const allowed = isPipeline(item) ? ['label', 'color', 'probability', 'category', 'requiredFields'] : ['label', 'color', 'final', 'requiredFields'];
  return withNodes(
    item,
    nodeList(item).map((n) => {
      if (n.name !== name) return n;
      const next: Record<string, unknown> = { ...n };
      for (const [key, value] of Object.entries(patch)) {
        if (!allowed.includes(key)) continue;
        const empty = value === undefined || value === '' || value === false || (Array.isArray(value) && value.length === 0);
        if (empty && key !== 'category') delete next[key];
        else next[key] = value;
      }
      return next as unknown as Node;
    }),
  );
}

/** The item with a new node at the end (a stage starts open); a taken name leaves it as it was. */
export function addNode(item: StateGraphItem, name: string, label: Label, position?: GraphPosition): StateGraphItem {
  if (nodeList(item).some((n) => n.name === name)) return item;
  const common = { id: `${item.id}.${name}`, name, label, position: position ?? defaultPosition(nodeList(item).length) };
  return withNodes(item, [...nodeList(item), isPipeline(item) ? { ...common, category: 'open' } : common]);
}

/** The item without a node, the arrows into and out of it, and its place among the initial states. */
export function removeNode(item: StateGraphItem, name: string): StateGraphItem {
  if (nodeList(item).length <= 1) return item;
  const transitions = (item.transitions ?? []).flatMap((t): Transition[] => {
    if (t.to === name) return [];
    if (t.from === '*') return [t];
    const from = t.from.filter((f) => f !== name);
    return from.length > 0 ? [{ ...t, from }] : [];
  });
  const next = withNodes({ ...item, ...(item.transitions ? { transitions } : {}) } as StateGraphItem, nodeList(item).filter((n) => n.name !== name));
  if (!isPipeline(next) && next.initial) {
    const initial = next.initial.filter((n) => n !== name);
    if (initial.length > 0) return { ...next, initial };
    const { initial: _gone, ...rest } = next;
    return rest as StatusMachine;
  }
  return next;
}

/** A trigger as the graph needs it (metadata trigger items). */
export interface TriggerLike {
  readonly kind: string;
  readonly name: string;
  readonly label?: Label;
  readonly entity: string;
  readonly on: string;
  readonly field?: string;
  readonly state?: string;
  readonly condition?: string;
  readonly start?: { readonly process: string };
  readonly message?: { readonly name: string };
}

export interface Reaction {
  readonly trigger: string;
  readonly label?: Label;
  /** The BPMN process it starts, or the message it publishes. */
  readonly process?: string;
  readonly message?: string;
}

/**
 * Which triggers react to a record entering each node: a stateEntered trigger on the item's field
 * naming the state, or naming none (then the states its condition quotes, else every state), and a
 * fieldChanged trigger on the field (every state).
 */
export function reactions(item: StateGraphItem, items: readonly unknown[]): Record<string, Reaction[]> {
  const names = nodeList(item).map((n) => n.name);
  const out: Record<string, Reaction[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const raw of items) {
    const t = raw as TriggerLike;
    if (t?.kind !== 'trigger' || t.entity !== item.entity || t.field !== item.field || (t.on !== 'stateEntered' && t.on !== 'fieldChanged')) continue;
    const quoted = t.condition ? names.filter((n) => t.condition!.includes(`"${n}"`)) : [];
    const states = t.on === 'stateEntered' && t.state ? [t.state] : quoted.length > 0 ? quoted : names;
    const reaction: Reaction = { trigger: t.name, ...(t.label ? { label: t.label } : {}), ...(t.start ? { process: t.start.process } : {}), ...(t.message ? { message: t.message.name } : {}) };
    for (const s of states) out[s]?.push(reaction);
  }
  return out;
}
