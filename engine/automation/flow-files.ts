// Flows as files for git (`tessera automation export|import <dir>`, docs/automation.md): one file per
// tab and per subflow — the tab (or subflow) node and the nodes on it — and `global.json` for the
// nodes on none (configuration nodes such as tessera-identity). File names carry the position of
// the tab, so an import gives back the same order; the JSON is indented with one node per object, so
// a diff shows what changed. Credentials are never written: they stay sealed in the database, and
// an import keeps those of the nodes it keeps (same ids).
import type { Problem } from '../errors.ts';

/** A node of Node-RED's flat flows array. */
export interface FlowNode {
  readonly id: string;
  readonly type: string;
  readonly z?: string;
  readonly label?: string;
  readonly name?: string;
  readonly [key: string]: unknown;
}

export interface FlowFile {
  readonly name: string;
  readonly nodes: readonly FlowNode[];
}

export const GLOBAL_FILE = 'global.json';

function slug(text: string): string {
  // ł, ø, đ do not decompose into a letter and a mark.
  const s = text
    .replace(/[łŁ]/g, 'l')
    .replace(/[øØ]/g, 'o')
    .replace(/[đĐ]/g, 'd')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
  return s || 'flow';
}

/** The files of a flows array, in its order: tabs first, then subflows, then global.json. */
export function flowsToFiles(flows: readonly FlowNode[]): FlowFile[] {
  const containers = flows.filter((n) => n.type === 'tab' || n.type === 'subflow');
  const on = new Map<string, FlowNode[]>(containers.map((c) => [c.id, []]));
  const global: FlowNode[] = [];
  for (const node of flows) {
    if (node.type === 'tab' || node.type === 'subflow') continue;
    const list = node.z ? on.get(node.z) : undefined;
    (list ?? global).push(node);
  }
  const width = String(containers.length).length < 2 ? 2 : String(containers.length).length;
  const files = containers.map((c, i) => ({
    name: `${String(i + 1).padStart(width, '0')}-${c.type === 'subflow' ? 'subflow-' : ''}${slug(c.label ?? c.name ?? c.id)}.json`,
    nodes: [c, ...on.get(c.id)!],
  }));
  return global.length > 0 ? [...files, { name: GLOBAL_FILE, nodes: global }] : files;
}

/** The text of a flow file: indented JSON, ending with a newline. */
export function flowFileText(file: FlowFile): string {
  return `${JSON.stringify(file.nodes, null, 2)}\n`;
}

/**
 * The flows array of a folder's files (name → text), in the order of their names (global.json
 * last), or the problems: a file that is no JSON array of nodes with `id` and `type`, an id given
 * twice, a node on a tab or subflow no file holds. Pointers are `/<file>/<index>…`.
 */
export function filesToFlows(files: ReadonlyMap<string, string>): { ok: true; flows: FlowNode[] } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const flows: FlowNode[] = [];
  const where = new Map<string, string>();
  const names = [...files.keys()].filter((n) => n.endsWith('.json')).sort((a, b) => Number(a === GLOBAL_FILE) - Number(b === GLOBAL_FILE) || a.localeCompare(b));
  for (const name of names) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(files.get(name)!);
    } catch (error) {
      problems.push({ pointer: `/${name}`, detail: `not JSON: ${(error as Error).message}`, code: 'MALFORMED_JSON' });
      continue;
    }
    if (!Array.isArray(parsed)) {
      problems.push({ pointer: `/${name}`, detail: 'must be an array of nodes', code: 'TYPE' });
      continue;
    }
    parsed.forEach((node: unknown, i) => {
      const pointer = `/${name}/${i}`;
      if (typeof node !== 'object' || node === null || Array.isArray(node)) return void problems.push({ pointer, detail: 'must be a node object', code: 'TYPE' });
      const { id, type, z } = node as Record<string, unknown>;
      if (typeof id !== 'string' || !id) return void problems.push({ pointer: `${pointer}/id`, detail: 'must be a non-empty text', code: 'REQUIRED' });
      if (typeof type !== 'string' || !type) return void problems.push({ pointer: `${pointer}/type`, detail: 'must be a non-empty text', code: 'REQUIRED' });
      if (z !== undefined && z !== '' && typeof z !== 'string') return void problems.push({ pointer: `${pointer}/z`, detail: 'must be a tab or subflow id', code: 'TYPE' });
      const seen = where.get(id);
      if (seen) return void problems.push({ pointer: `${pointer}/id`, detail: `the id ${id} is also at ${seen}`, code: 'DUPLICATE' });
      where.set(id, pointer);
      flows.push(node as FlowNode);
    });
  }
  const containers = new Set(flows.filter((n) => n.type === 'tab' || n.type === 'subflow').map((n) => n.id));
  for (const node of flows) {
    if (node.z && !containers.has(node.z)) problems.push({ pointer: `${where.get(node.id)}/z`, detail: `no tab or subflow ${node.z} in these files`, code: 'REFERENCE_NOT_FOUND' });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, flows };
}
