// Deployments and versioned definitions. A file is checked as a whole (every problem at once); each
// executable process in it gets a new version only when its own XML changed, judged on the process
// element plus the messages, signals and errors it may reference, so moving shapes in the diagram
// (BPMN DI) never makes a new version. Running with platform rights (a deploy option) belongs to a
// version too: turning it on or off makes a new one, and running instances keep theirs.
import { createHash } from 'node:crypto';
import { TesseraError, type Problem } from '../../errors.ts';
import { loadDefinitions } from '../deploy.ts';
import type { CalledVersionBinding, ProcessGraph } from '../definition.ts';
import { elementId, executableProcesses, extensionElements, listProp, parseBpmnXml, serializeElement, stringProp, type ModdleElement } from '../moddle.ts';
import { parseProblem, type BpmnProblem } from '../subset.ts';
import type { Sql } from './sql.ts';

export interface PreparedProcess {
  readonly graph: ProcessGraph;
  readonly checksum: string;
  /** Embedded Camunda forms (`zeebe:userTaskForm`) by id. */
  readonly forms: Readonly<Record<string, unknown>>;
  /** Acts with platform rights even when a user starts it. */
  readonly platformRights: boolean;
}

export interface PreparedDeployment {
  readonly xml: string;
  readonly checksum: string;
  readonly processes: readonly PreparedProcess[];
}

export interface DeployedProcess {
  readonly processId: string;
  readonly version: number;
  readonly name: string | null;
  readonly versionTag: string | null;
  /** False when the process was already deployed with identical XML (no new version). */
  readonly changed: boolean;
  readonly platformRights: boolean;
}

/** Element problems as problem+json entries: one pointer `/elements/<id>` per element. */
export function workflowInvalid(problems: readonly BpmnProblem[] | readonly InvalidProblem[]): TesseraError {
  const list = problems as readonly InvalidProblem[];
  const errors: Problem[] = list.map((p) => ({ pointer: problemPointer(p), detail: p.elementId ? `${p.elementType ?? 'element'} ${p.elementId}: ${p.message}` : p.line !== undefined ? `line ${p.line}, column ${p.column}: ${p.message}` : p.message, code: p.code }));
  const summary = list.length === 1 ? list[0]!.message : `${list.length} problems`;
  return new TesseraError('WORKFLOW_INVALID', `the BPMN file cannot be deployed: ${summary}`, {
    problems: errors,
    extensions: { elements: list.map((p) => ({ elementId: p.elementId, elementType: p.elementType, code: p.code, message: p.message, ...(p.line !== undefined ? { line: p.line, column: p.column } : {}) })) },
  });
}

/** An element's problem points at `/elements/<id>`; a problem of the file as a whole at its place in the file, `/line/<n>/column/<m>`. */
function problemPointer(p: InvalidProblem): string {
  if (p.elementId) return `/elements/${p.elementId}`;
  return p.line !== undefined ? `/line/${p.line}/column/${p.column ?? 1}` : '';
}

interface InvalidProblem {
  readonly code: string;
  readonly elementId: string | null;
  readonly elementType: string | null;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

/**
 * Flow elements (flow nodes and sequence flows, sub-processes' included) a file may hold. Far above
 * any drawn model; it bounds what a deploy hands back from the BPMN thread and what a step walks.
 */
export const MAX_FLOW_ELEMENTS = 10_000;

/** Parses and checks a file (bytes in the encoding it declares, or text); throws WORKFLOW_INVALID listing every problem. No database involved. */
export async function prepareDeployment(source: string | Uint8Array, options: { readonly platformRights?: boolean } = {}): Promise<PreparedDeployment> {
  const platformRights = options.platformRights ?? false;
  const loaded = await loadDefinitions(source);
  if (!loaded.ok) throw workflowInvalid(loaded.problems);
  const flowElements = loaded.processes.reduce((sum, graph) => sum + graph.nodes.size + graph.flows.size, 0);
  if (flowElements > MAX_FLOW_ELEMENTS) {
    throw workflowInvalid([{ code: 'BPMN_TOO_LARGE', elementId: null, elementType: null, message: `the file has ${flowElements} flow elements; at most ${MAX_FLOW_ELEMENTS} are deployed (split the model into called processes)` }]);
  }
  const { xml } = loaded;
  const parsed = await parseBpmnXml(xml);
  if (!parsed.ok) throw workflowInvalid([parseProblem(parsed)]);
  const shared = listProp(parsed.definitions, 'rootElements').filter((e) => ['bpmn:Message', 'bpmn:Signal', 'bpmn:Error'].includes(e.$type));
  const sharedXml = (await Promise.all(shared.map(serializeElement))).join('\n');
  const elements = new Map(executableProcesses(parsed.definitions).map((p) => [elementId(p), p]));
  const problems: InvalidProblem[] = [];
  const processes: PreparedProcess[] = [];
  for (const graph of loaded.processes) {
    const element = elements.get(graph.processId);
    if (!element) continue;
    // The flag is part of what a version is (a version without it keeps the checksum it always had).
    const checksum = sha256(`${await serializeElement(element)}\n${sharedXml}${platformRights ? '\nplatform-rights' : ''}`);
    const forms = readForms(element, problems);
    processes.push({ graph, checksum, forms, platformRights });
  }
  if (problems.length > 0) throw workflowInvalid(problems);
  return { xml, checksum: sha256(xml), processes };
}

function readForms(process: ModdleElement, problems: InvalidProblem[]): Record<string, unknown> {
  const forms: Record<string, unknown> = {};
  for (const form of extensionElements(process).filter((e) => e.$type === 'zeebe:UserTaskForm')) {
    const id = stringProp(form, 'id') ?? '';
    try {
      forms[id] = JSON.parse(stringProp(form, 'body') ?? '');
    } catch (error) {
      problems.push({ code: 'BPMN_INVALID_FORM', elementId: elementId(process), elementType: 'bpmn:Process', message: `embedded form ${id} is not JSON: ${(error as Error).message}` });
    }
  }
  return forms;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Records a deployment inside the caller's transaction (which holds the deploy lock). Returns every
 * process with its current version; `changed` ones got a new version in this deployment.
 */
export async function recordDeployment(
  sql: Sql,
  prepared: PreparedDeployment,
  options: { readonly deploymentId: string; readonly source: string; readonly resourceName: string | null; readonly deployedBy: string | null },
): Promise<{ deploymentId: string | null; processes: DeployedProcess[] }> {
  // One deployment at a time: version numbers are read, then written.
  await sql(`SELECT pg_advisory_xact_lock(hashtext('tessera.process_deployments'))`);
  const result: DeployedProcess[] = [];
  const fresh: { process: PreparedProcess; version: number }[] = [];
  for (const process of prepared.processes) {
    const [latest] = await sql<{ version: number; checksum: string }>(`SELECT version, checksum FROM tessera.process_definitions WHERE process_id = $1 ORDER BY version DESC LIMIT 1`, [process.graph.processId]);
    const changed = latest?.checksum !== process.checksum;
    const version = changed ? (latest?.version ?? 0) + 1 : latest!.version;
    result.push({ processId: process.graph.processId, version, name: process.graph.name, versionTag: process.graph.versionTag, changed, platformRights: process.platformRights });
    if (changed) fresh.push({ process, version });
  }
  if (fresh.length === 0) return { deploymentId: null, processes: result };
  await sql(`INSERT INTO tessera.process_deployments (id, resource_name, xml, checksum, source, deployed_by) VALUES ($1, $2, $3, $4, $5, $6)`, [
    options.deploymentId,
    options.resourceName,
    prepared.xml,
    prepared.checksum,
    options.source,
    options.deployedBy,
  ]);
  for (const { process, version } of fresh) {
    await sql(`INSERT INTO tessera.process_definitions (process_id, version, deployment_id, name, version_tag, checksum, forms, platform_rights) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      process.graph.processId,
      version,
      options.deploymentId,
      process.graph.name,
      process.graph.versionTag,
      process.checksum,
      JSON.stringify(process.forms),
      process.platformRights,
    ]);
  }
  return { deploymentId: options.deploymentId, processes: result };
}

export async function definitionXml(sql: Sql, processId: string, version: number): Promise<string | null> {
  const [row] = await sql<{ xml: string }>(
    `SELECT d.xml FROM tessera.process_definitions p JOIN tessera.process_deployments d ON d.id = p.deployment_id WHERE p.process_id = $1 AND p.version = $2`,
    [processId, version],
  );
  return row?.xml ?? null;
}

export async function latestVersion(sql: Sql, processId: string): Promise<number | null> {
  const [row] = await sql<{ version: number }>(`SELECT max(version) AS version FROM tessera.process_definitions WHERE process_id = $1`, [processId]);
  return row?.version ?? null;
}

/**
 * The version a call activity starts: `latest`; `deployment` = the version deployed together with
 * the caller (falling back to the latest); `versionTag` = the newest version carrying that tag.
 */
export async function resolveCalledVersion(
  sql: Sql,
  caller: { readonly processId: string; readonly version: number },
  processId: string,
  binding: CalledVersionBinding,
  versionTag: string | null,
): Promise<number | null> {
  if (binding === 'versionTag') {
    const [row] = await sql<{ version: number }>(`SELECT max(version) AS version FROM tessera.process_definitions WHERE process_id = $1 AND version_tag = $2`, [processId, versionTag]);
    return row?.version ?? null;
  }
  if (binding === 'deployment') {
    const [row] = await sql<{ version: number }>(
      `SELECT p.version FROM tessera.process_definitions p
        JOIN tessera.process_definitions c ON c.deployment_id = p.deployment_id
       WHERE c.process_id = $1 AND c.version = $2 AND p.process_id = $3`,
      [caller.processId, caller.version, processId],
    );
    if (row) return row.version;
  }
  return latestVersion(sql, processId);
}

export async function definitionPlatformRights(sql: Sql, processId: string, version: number): Promise<boolean> {
  const [row] = await sql<{ platform_rights: boolean }>(`SELECT platform_rights FROM tessera.process_definitions WHERE process_id = $1 AND version = $2`, [processId, version]);
  return row?.platform_rights ?? false;
}

export async function definitionForms(sql: Sql, processId: string, version: number): Promise<Readonly<Record<string, unknown>>> {
  const [row] = await sql<{ forms: Record<string, unknown> }>(`SELECT forms FROM tessera.process_definitions WHERE process_id = $1 AND version = $2`, [processId, version]);
  return row?.forms ?? {};
}

/** Warnings for task types no handler is registered for: such tasks raise an incident until one is. */
export function taskTypeWarnings(graphs: readonly ProcessGraph[], registered: (type: string) => boolean): string[] {
  const warnings: string[] = [];
  for (const graph of graphs) {
    for (const node of graph.nodes.values()) {
      const job =
        node.kind === 'activity' && node.behaviour.kind === 'job' ? node.behaviour.job : (node.kind === 'endEvent' || node.kind === 'throwEvent') && node.result.kind === 'message' ? node.result.job : null;
      if (job?.type.kind === 'literal' && !registered(job.type.text)) {
        warnings.push(`${graph.processId}/${node.id}: no handler is registered for task type '${job.type.text}'; the task raises an incident until one is`);
      }
    }
  }
  return warnings;
}
