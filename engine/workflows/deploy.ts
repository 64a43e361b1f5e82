// Deploying a definitions file: parse, check the subset, compile one graph per executable process.
// Graphs are immutable, so a cache keyed by (processId, version) can share them across instances.
import { executableProcesses, parseBpmnXml } from './moddle.ts';
import { compileProcess, type ProcessGraph } from './definition.ts';
import { checkSubset, parseProblem, type BpmnProblem } from './subset.ts';

/** `xml`: the file's text as decoded (declaring UTF-8), what a deployment stores. */
export type LoadResult = { readonly ok: true; readonly processes: readonly ProcessGraph[]; readonly xml: string } | { readonly ok: false; readonly problems: readonly BpmnProblem[] };

/** The deploy step: every problem at once, or a graph per executable process of the file (bytes in the encoding it declares, or text). */
export async function loadDefinitions(source: string | Uint8Array): Promise<LoadResult> {
  const parsed = await parseBpmnXml(source);
  if (!parsed.ok) return { ok: false, problems: [parseProblem(parsed)] };
  // A problem of the file as a whole points at its root element.
  const problems = checkSubset(parsed.definitions, parsed.warnings).map((p) => (p.code === 'BPMN_NO_EXECUTABLE_PROCESS' ? { ...p, ...parsed.root } : p));
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, processes: executableProcesses(parsed.definitions).map(compileProcess), xml: parsed.xml };
}

/** Thrown only when stored XML no longer deploys, e.g. after a runtime upgrade narrowed the subset. */
export class ProcessLoadError extends Error {
  readonly code = 'BPMN_LOAD_FAILED';
  readonly problems: readonly BpmnProblem[];
  constructor(processId: string, version: number, problems: readonly BpmnProblem[]) {
    super(`process ${processId} version ${version} does not load: ${problems.map((p) => `${p.code} ${p.elementId ?? ''}`).join(', ')}`);
    this.problems = problems;
  }
}

/** Least-recently-used cache of compiled graphs; concurrent requests for one key share one parse. */
export class ProcessGraphCache {
  readonly #entries = new Map<string, Promise<ProcessGraph>>();
  readonly #capacity: number;
  readonly #loadDefinitions: (xml: string) => Promise<LoadResult>;

  /** `load` parses stored XML (the runtime passes its BPMN thread's, to keep parsing off the event loop). */
  constructor(capacity = 500, load: (xml: string) => Promise<LoadResult> = loadDefinitions) {
    this.#capacity = capacity;
    this.#loadDefinitions = load;
  }

  get(processId: string, version: number, loadXml: () => Promise<string>): Promise<ProcessGraph> {
    const key = `${processId}\u0000${version}`;
    const cached = this.#entries.get(key);
    if (cached) {
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      return cached;
    }
    const loading = this.#load(processId, version, loadXml);
    loading.catch(() => this.#entries.delete(key));
    this.#entries.set(key, loading);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#capacity) break;
      this.#entries.delete(oldest);
    }
    return loading;
  }

  get size(): number {
    return this.#entries.size;
  }

  async #load(processId: string, version: number, loadXml: () => Promise<string>): Promise<ProcessGraph> {
    const result = await this.#loadDefinitions(await loadXml());
    if (!result.ok) throw new ProcessLoadError(processId, version, result.problems);
    const graph = result.processes.find((p) => p.processId === processId);
    if (!graph) throw new ProcessLoadError(processId, version, [{ code: 'BPMN_NO_EXECUTABLE_PROCESS', elementId: processId, elementType: 'bpmn:Process', message: `no executable process ${processId} in the stored definitions` }]);
    return graph;
  }
}
