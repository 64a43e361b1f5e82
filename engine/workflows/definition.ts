// The compiled, immutable graph of one executable BPMN process: nodes, sequence flows, boundary
// attachments, (event) sub-process scopes and the Zeebe bindings already turned into typed values.
// Compilation assumes the subset check passed (see subset.ts); it never throws on a parsed document.
import {
  booleanProp,
  elementId,
  elementProp,
  eventDefinitionsOf,
  expressionBody,
  flowElementsOf,
  listProp,
  referencedId,
  stringProp,
  zeebeExtension,
  type ModdleElement,
} from './moddle.ts';
import { compileExpression, type Expression } from './expression.ts';
import type { TimerKind } from './timer.ts';

export interface IoMapping {
  readonly source: Expression;
  readonly target: string;
}

export interface JobBinding {
  readonly type: Expression;
  readonly retries: Expression;
  readonly headers: Readonly<Record<string, string>>;
}

export interface UserTaskBinding {
  readonly assignee: Expression | null;
  readonly candidateGroups: Expression | null;
  readonly candidateUsers: Expression | null;
  readonly dueDate: Expression | null;
  readonly followUpDate: Expression | null;
  readonly priority: Expression | null;
  readonly formKey: string | null;
  /**
   * The task's words per language, from `zeebe:properties` named `name:<lang>` and
   * `description:<lang>` (e.g. `name:pl`): the subject and the description of its activity.
   */
  readonly texts: Readonly<Record<string, string>>;
}

export interface MessageBinding {
  readonly name: Expression;
  /** Absent only on process-level message start events, which are not correlated by key. */
  readonly correlationKey: Expression | null;
}

export interface TimerBinding {
  readonly kind: TimerKind;
  readonly value: Expression;
}

/** Zeebe binding types: `latest` version, the one `deployment`ed with the caller, or a pinned `versionTag`. */
export type CalledVersionBinding = 'latest' | 'deployment' | 'versionTag';

export interface CallBinding {
  readonly processId: Expression;
  readonly binding: CalledVersionBinding;
  readonly versionTag: string | null;
  readonly propagateAllChildVariables: boolean;
  readonly propagateAllParentVariables: boolean;
}

export interface MultiInstanceBinding {
  readonly sequential: boolean;
  readonly inputCollection: Expression;
  readonly inputElement: string | null;
  readonly outputCollection: string | null;
  readonly outputElement: Expression | null;
  readonly completionCondition: Expression | null;
}

export type EventTrigger =
  | { readonly kind: 'none' }
  | { readonly kind: 'message'; readonly message: MessageBinding }
  | { readonly kind: 'timer'; readonly timer: TimerBinding }
  | { readonly kind: 'signal'; readonly signalName: Expression }
  /** errorCode null catches every error. */
  | { readonly kind: 'error'; readonly errorCode: string | null };

export type ActivityBehaviour =
  | { readonly kind: 'job'; readonly job: JobBinding }
  | { readonly kind: 'userTask'; readonly userTask: UserTaskBinding }
  | { readonly kind: 'receive'; readonly message: MessageBinding }
  | { readonly kind: 'passThrough' }
  | { readonly kind: 'subProcess'; readonly scopeId: string }
  | { readonly kind: 'eventSubProcess'; readonly scopeId: string; readonly startEventId: string; readonly interrupting: boolean }
  | { readonly kind: 'callActivity'; readonly call: CallBinding };

export type EndResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'terminate' }
  | { readonly kind: 'error'; readonly errorCode: string; readonly errorMessage: string | null }
  | { readonly kind: 'message'; readonly job: JobBinding };

export type ThrowResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'signal'; readonly signalName: Expression }
  | { readonly kind: 'message'; readonly job: JobBinding };

export type GatewayKind = 'exclusive' | 'parallel' | 'inclusive' | 'eventBased';

interface NodeCommon {
  readonly id: string;
  readonly name: string | null;
  /** BPMN type as written, e.g. `bpmn:UserTask`; what history rows show. */
  readonly bpmnType: string;
  /** The process or (event) sub-process id that contains the node. */
  readonly scopeId: string;
  readonly incoming: readonly string[];
  readonly outgoing: readonly string[];
  readonly inputs: readonly IoMapping[];
  readonly outputs: readonly IoMapping[];
}

export interface ActivityNode extends NodeCommon {
  readonly kind: 'activity';
  readonly behaviour: ActivityBehaviour;
  readonly boundaryEventIds: readonly string[];
  readonly multiInstance: MultiInstanceBinding | null;
}
export interface StartEventNode extends NodeCommon {
  readonly kind: 'startEvent';
  readonly trigger: EventTrigger;
  /** Only meaningful for the start event of an event sub-process. */
  readonly interrupting: boolean;
}
export interface EndEventNode extends NodeCommon {
  readonly kind: 'endEvent';
  readonly result: EndResult;
}
export interface GatewayNode extends NodeCommon {
  readonly kind: 'gateway';
  readonly gateway: GatewayKind;
  readonly defaultFlowId: string | null;
}
export interface CatchEventNode extends NodeCommon {
  readonly kind: 'catchEvent';
  readonly trigger: EventTrigger;
}
export interface ThrowEventNode extends NodeCommon {
  readonly kind: 'throwEvent';
  readonly result: ThrowResult;
}
export interface BoundaryEventNode extends NodeCommon {
  readonly kind: 'boundaryEvent';
  readonly attachedToId: string;
  readonly interrupting: boolean;
  readonly trigger: EventTrigger;
}

export type FlowNode = ActivityNode | StartEventNode | EndEventNode | GatewayNode | CatchEventNode | ThrowEventNode | BoundaryEventNode;

export interface SequenceFlow {
  readonly id: string;
  readonly sourceId: string;
  readonly targetId: string;
  readonly condition: Expression | null;
}

export interface Scope {
  readonly id: string;
  readonly kind: 'process' | 'subProcess' | 'eventSubProcess';
  readonly noneStartEventId: string | null;
  readonly startEventIds: readonly string[];
  readonly eventSubProcessIds: readonly string[];
  readonly nodeIds: readonly string[];
}

export interface ProcessGraph {
  readonly processId: string;
  readonly name: string | null;
  readonly versionTag: string | null;
  readonly nodes: ReadonlyMap<string, FlowNode>;
  readonly flows: ReadonlyMap<string, SequenceFlow>;
  readonly scopes: ReadonlyMap<string, Scope>;
  /** For each joining inclusive gateway: the nodes of its scope from which it can still be reached. */
  readonly inclusiveUpstream: ReadonlyMap<string, ReadonlySet<string>>;
}

// ---- Reading bindings from moddle elements (shared with the subset check) ----

/** An event definition as written, before it is judged (subset.ts) or compiled (below). */
export type RawEventDefinition =
  | { readonly kind: 'none' }
  | { readonly kind: 'message'; readonly name: string | null; readonly correlationKey: string | null }
  | { readonly kind: 'timer'; readonly timerKind: TimerKind | null; readonly value: string | null }
  | { readonly kind: 'signal'; readonly name: string | null }
  | { readonly kind: 'error'; readonly hasErrorRef: boolean; readonly errorCode: string | null; readonly errorMessage: string | null }
  | { readonly kind: 'terminate' }
  | { readonly kind: 'unsupported'; readonly type: string };

export function readEventDefinition(event: ModdleElement): RawEventDefinition {
  const definitions = eventDefinitionsOf(event);
  const [definition] = definitions;
  if (!definition) return { kind: 'none' };
  if (definitions.length > 1) return { kind: 'unsupported', type: 'multiple event definitions' };
  switch (definition.$type) {
    case 'bpmn:MessageEventDefinition': {
      const message = elementProp(definition, 'messageRef');
      const subscription = message ? zeebeExtension(message, 'zeebe:Subscription') : null;
      return {
        kind: 'message',
        name: message ? nonEmpty(stringProp(message, 'name')) : null,
        correlationKey: subscription ? nonEmpty(stringProp(subscription, 'correlationKey')) : null,
      };
    }
    case 'bpmn:TimerEventDefinition': {
      for (const [property, timerKind] of [['timeDuration', 'duration'], ['timeDate', 'date'], ['timeCycle', 'cycle']] as const) {
        const value = expressionBody(definition, property);
        if (value !== null) return { kind: 'timer', timerKind, value: nonEmpty(value) };
      }
      return { kind: 'timer', timerKind: null, value: null };
    }
    case 'bpmn:SignalEventDefinition': {
      const signal = elementProp(definition, 'signalRef');
      return { kind: 'signal', name: signal ? nonEmpty(stringProp(signal, 'name')) : null };
    }
    case 'bpmn:ErrorEventDefinition': {
      const error = elementProp(definition, 'errorRef');
      return {
        kind: 'error',
        hasErrorRef: error !== null,
        errorCode: error ? nonEmpty(stringProp(error, 'errorCode')) : null,
        errorMessage: error ? nonEmpty(stringProp(error, 'name')) : null,
      };
    }
    case 'bpmn:TerminateEventDefinition':
      return { kind: 'terminate' };
    default:
      return { kind: 'unsupported', type: definition.$type };
  }
}

export function readTaskType(element: ModdleElement): string | null {
  const definition = zeebeExtension(element, 'zeebe:TaskDefinition');
  return definition ? nonEmpty(stringProp(definition, 'type')) : null;
}

export interface RawMapping {
  readonly direction: 'input' | 'output';
  readonly source: string | null;
  readonly target: string | null;
}

export function readMappings(element: ModdleElement): readonly RawMapping[] {
  const io = zeebeExtension(element, 'zeebe:IoMapping');
  if (!io) return [];
  const read = (direction: RawMapping['direction'], property: string): RawMapping[] =>
    listProp(io, property).map((p) => ({ direction, source: nonEmpty(stringProp(p, 'source')), target: nonEmpty(stringProp(p, 'target')) }));
  return [...read('input', 'inputParameters'), ...read('output', 'outputParameters')];
}

/** Every expression-valued Zeebe attribute of an element with a label for messages (for FEEL checks). */
export function readExpressionAttributes(element: ModdleElement): readonly { readonly label: string; readonly value: string }[] {
  const found: { label: string; value: string }[] = [];
  const add = (extensionType: string, properties: readonly string[]): void => {
    const extension = zeebeExtension(element, extensionType);
    if (!extension) return;
    for (const property of properties) {
      const value = nonEmpty(stringProp(extension, property));
      if (value !== null) found.push({ label: `${extensionType} ${property}`, value });
    }
  };
  add('zeebe:TaskDefinition', ['type', 'retries']);
  add('zeebe:AssignmentDefinition', ['assignee', 'candidateGroups', 'candidateUsers']);
  add('zeebe:TaskSchedule', ['dueDate', 'followUpDate']);
  add('zeebe:PriorityDefinition', ['priority']);
  add('zeebe:CalledElement', ['processId']);
  for (const mapping of readMappings(element)) {
    if (mapping.source !== null) found.push({ label: `${mapping.direction} mapping to '${mapping.target ?? ''}'`, value: mapping.source });
  }
  const loop = elementProp(element, 'loopCharacteristics');
  const zeebeLoop = loop ? zeebeExtension(loop, 'zeebe:LoopCharacteristics') : null;
  if (zeebeLoop) {
    for (const property of ['inputCollection', 'outputElement']) {
      const value = nonEmpty(stringProp(zeebeLoop, property));
      if (value !== null) found.push({ label: `multi-instance ${property}`, value });
    }
  }
  const completion = loop ? expressionBody(loop, 'completionCondition') : null;
  if (completion) found.push({ label: 'multi-instance completionCondition', value: completion });
  const event = readEventDefinitionIfEvent(element);
  if (event?.kind === 'message') {
    if (event.name) found.push({ label: 'message name', value: event.name });
    if (event.correlationKey) found.push({ label: 'correlation key', value: event.correlationKey });
  }
  if (event?.kind === 'signal' && event.name) found.push({ label: 'signal name', value: event.name });
  if (event?.kind === 'timer' && event.value) found.push({ label: `timer ${event.timerKind ?? ''}`, value: event.value });
  if (element.$type === 'bpmn:ReceiveTask') {
    const receive = readReceiveMessage(element);
    if (receive.name) found.push({ label: 'message name', value: receive.name });
    if (receive.correlationKey) found.push({ label: 'correlation key', value: receive.correlationKey });
  }
  return found;
}

function readEventDefinitionIfEvent(element: ModdleElement): RawEventDefinition | null {
  return element.$type.endsWith('Event') ? readEventDefinition(element) : null;
}

export function readReceiveMessage(task: ModdleElement): { readonly name: string | null; readonly correlationKey: string | null } {
  const message = elementProp(task, 'messageRef');
  const subscription = message ? zeebeExtension(message, 'zeebe:Subscription') : null;
  return {
    name: message ? nonEmpty(stringProp(message, 'name')) : null,
    correlationKey: subscription ? nonEmpty(stringProp(subscription, 'correlationKey')) : null,
  };
}

export function readMultiInstance(element: ModdleElement): { readonly present: boolean; readonly standardLoop: boolean; readonly inputCollection: string | null; readonly sequential: boolean } {
  const loop = elementProp(element, 'loopCharacteristics');
  if (!loop) return { present: false, standardLoop: false, inputCollection: null, sequential: false };
  const zeebeLoop = zeebeExtension(loop, 'zeebe:LoopCharacteristics');
  return {
    present: true,
    standardLoop: loop.$type !== 'bpmn:MultiInstanceLoopCharacteristics',
    inputCollection: zeebeLoop ? nonEmpty(stringProp(zeebeLoop, 'inputCollection')) : null,
    sequential: booleanProp(loop, 'isSequential', false),
  };
}

export function nonEmpty(value: string | null): string | null {
  return value === null || value.trim() === '' ? null : value;
}

// ---- Compilation ----

export function compileProcess(process: ModdleElement): ProcessGraph {
  const nodes = new Map<string, FlowNode>();
  const flows = new Map<string, SequenceFlow>();
  const scopes = new Map<string, Scope>();
  const processId = elementId(process);
  compileScope(process, processId, 'process', nodes, flows, scopes);
  const versionTag = zeebeExtension(process, 'zeebe:VersionTag');
  return Object.freeze({
    processId,
    name: stringProp(process, 'name'),
    versionTag: versionTag ? stringProp(versionTag, 'value') : null,
    nodes,
    flows,
    scopes,
    inclusiveUpstream: inclusiveUpstreamSets(nodes, flows),
  });
}

function compileScope(container: ModdleElement, scopeId: string, kind: Scope['kind'], nodes: Map<string, FlowNode>, flows: Map<string, SequenceFlow>, scopes: Map<string, Scope>): void {
  const elements = flowElementsOf(container);
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  const attached = new Map<string, string[]>();
  const push = (map: Map<string, string[]>, key: string, value: string): void => {
    map.set(key, [...(map.get(key) ?? []), value]);
  };
  for (const element of elements) {
    if (element.$type === 'bpmn:SequenceFlow') {
      const flow: SequenceFlow = {
        id: elementId(element),
        sourceId: referencedId(element, 'sourceRef') ?? '',
        targetId: referencedId(element, 'targetRef') ?? '',
        condition: compileOptional(expressionBody(element, 'conditionExpression')),
      };
      flows.set(flow.id, Object.freeze(flow));
      push(outgoing, flow.sourceId, flow.id);
      push(incoming, flow.targetId, flow.id);
    } else if (element.$type === 'bpmn:BoundaryEvent') {
      push(attached, referencedId(element, 'attachedToRef') ?? '', elementId(element));
    }
  }
  const nodeIds: string[] = [];
  const startEventIds: string[] = [];
  const eventSubProcessIds: string[] = [];
  let noneStartEventId: string | null = null;
  for (const element of elements) {
    const id = elementId(element);
    const common: NodeCommon = {
      id,
      name: stringProp(element, 'name'),
      bpmnType: element.$type,
      scopeId,
      incoming: Object.freeze(incoming.get(id) ?? []),
      outgoing: Object.freeze(outgoing.get(id) ?? []),
      ...compileMappings(element),
    };
    const node = compileNode(element, common, attached.get(id) ?? [], nodes, flows, scopes);
    if (!node) continue;
    nodes.set(id, Object.freeze(node));
    nodeIds.push(id);
    if (node.kind === 'startEvent') {
      startEventIds.push(id);
      if (node.trigger.kind === 'none' && noneStartEventId === null) noneStartEventId = id;
    }
    if (node.kind === 'activity' && node.behaviour.kind === 'eventSubProcess') eventSubProcessIds.push(id);
  }
  scopes.set(scopeId, Object.freeze({ id: scopeId, kind, noneStartEventId, startEventIds, eventSubProcessIds, nodeIds }));
}

function compileNode(element: ModdleElement, common: NodeCommon, boundaryEventIds: readonly string[], nodes: Map<string, FlowNode>, flows: Map<string, SequenceFlow>, scopes: Map<string, Scope>): FlowNode | null {
  const activity = (behaviour: ActivityBehaviour): ActivityNode => ({ ...common, kind: 'activity', behaviour, boundaryEventIds, multiInstance: compileMultiInstance(element) });
  switch (element.$type) {
    case 'bpmn:StartEvent':
      return { ...common, kind: 'startEvent', trigger: compileTrigger(readEventDefinition(element)), interrupting: booleanProp(element, 'isInterrupting', true) };
    case 'bpmn:EndEvent':
      return { ...common, kind: 'endEvent', result: compileEndResult(element) };
    case 'bpmn:IntermediateCatchEvent':
      return { ...common, kind: 'catchEvent', trigger: compileTrigger(readEventDefinition(element)) };
    case 'bpmn:IntermediateThrowEvent': {
      const definition = readEventDefinition(element);
      const result: ThrowResult =
        definition.kind === 'signal' ? { kind: 'signal', signalName: compileExpression(definition.name ?? '') } : definition.kind === 'message' ? { kind: 'message', job: compileJob(element) } : { kind: 'none' };
      return { ...common, kind: 'throwEvent', result };
    }
    case 'bpmn:BoundaryEvent':
      return {
        ...common,
        kind: 'boundaryEvent',
        attachedToId: referencedId(element, 'attachedToRef') ?? '',
        interrupting: booleanProp(element, 'cancelActivity', true),
        trigger: compileTrigger(readEventDefinition(element)),
      };
    case 'bpmn:ExclusiveGateway':
    case 'bpmn:InclusiveGateway':
    case 'bpmn:ParallelGateway':
    case 'bpmn:EventBasedGateway': {
      const gateway = ({ 'bpmn:ExclusiveGateway': 'exclusive', 'bpmn:InclusiveGateway': 'inclusive', 'bpmn:ParallelGateway': 'parallel', 'bpmn:EventBasedGateway': 'eventBased' } as const)[element.$type];
      return { ...common, kind: 'gateway', gateway, defaultFlowId: referencedId(element, 'default') };
    }
    case 'bpmn:ServiceTask':
    case 'bpmn:SendTask':
      return activity({ kind: 'job', job: compileJob(element) });
    case 'bpmn:UserTask':
      return activity({ kind: 'userTask', userTask: compileUserTask(element) });
    case 'bpmn:ReceiveTask': {
      const raw = readReceiveMessage(element);
      return activity({ kind: 'receive', message: compileMessage(raw.name, raw.correlationKey) });
    }
    case 'bpmn:ManualTask':
    case 'bpmn:Task':
      return activity({ kind: 'passThrough' });
    case 'bpmn:SubProcess': {
      const id = common.id;
      if (booleanProp(element, 'triggeredByEvent', false)) {
        compileScope(element, id, 'eventSubProcess', nodes, flows, scopes);
        const startEventId = scopes.get(id)?.startEventIds[0] ?? '';
        const start = nodes.get(startEventId);
        return activity({ kind: 'eventSubProcess', scopeId: id, startEventId, interrupting: start?.kind === 'startEvent' ? start.interrupting : true });
      }
      compileScope(element, id, 'subProcess', nodes, flows, scopes);
      return activity({ kind: 'subProcess', scopeId: id });
    }
    case 'bpmn:CallActivity':
      return activity({ kind: 'callActivity', call: compileCall(element) });
    default:
      return null;
  }
}

function compileTrigger(definition: RawEventDefinition): EventTrigger {
  switch (definition.kind) {
    case 'message':
      return { kind: 'message', message: compileMessage(definition.name, definition.correlationKey) };
    case 'timer':
      return { kind: 'timer', timer: { kind: definition.timerKind ?? 'duration', value: compileExpression(definition.value ?? '') } };
    case 'signal':
      return { kind: 'signal', signalName: compileExpression(definition.name ?? '') };
    case 'error':
      return { kind: 'error', errorCode: definition.errorCode };
    default:
      return { kind: 'none' };
  }
}

function compileEndResult(element: ModdleElement): EndResult {
  const definition = readEventDefinition(element);
  if (definition.kind === 'terminate') return { kind: 'terminate' };
  if (definition.kind === 'error') return { kind: 'error', errorCode: definition.errorCode ?? '', errorMessage: definition.errorMessage };
  if (definition.kind === 'message') return { kind: 'message', job: compileJob(element) };
  return { kind: 'none' };
}

function compileMessage(name: string | null, correlationKey: string | null): MessageBinding {
  return { name: compileExpression(name ?? ''), correlationKey: compileOptional(correlationKey) };
}

function compileJob(element: ModdleElement): JobBinding {
  const definition = zeebeExtension(element, 'zeebe:TaskDefinition');
  const headers: Record<string, string> = {};
  const headerList = zeebeExtension(element, 'zeebe:TaskHeaders');
  for (const header of headerList ? listProp(headerList, 'values') : []) {
    const key = stringProp(header, 'key');
    if (key !== null) headers[key] = stringProp(header, 'value') ?? '';
  }
  return {
    type: compileExpression(readTaskType(element) ?? ''),
    retries: compileExpression((definition && nonEmpty(stringProp(definition, 'retries'))) ?? '3'),
    headers: Object.freeze(headers),
  };
}

function compileUserTask(element: ModdleElement): UserTaskBinding {
  const attribute = (extensionType: string, property: string): Expression | null => {
    const extension = zeebeExtension(element, extensionType);
    return compileOptional(extension ? nonEmpty(stringProp(extension, property)) : null);
  };
  const form = zeebeExtension(element, 'zeebe:FormDefinition');
  return {
    assignee: attribute('zeebe:AssignmentDefinition', 'assignee'),
    candidateGroups: attribute('zeebe:AssignmentDefinition', 'candidateGroups'),
    candidateUsers: attribute('zeebe:AssignmentDefinition', 'candidateUsers'),
    dueDate: attribute('zeebe:TaskSchedule', 'dueDate'),
    followUpDate: attribute('zeebe:TaskSchedule', 'followUpDate'),
    priority: attribute('zeebe:PriorityDefinition', 'priority'),
    formKey: form ? (nonEmpty(stringProp(form, 'formKey')) ?? nonEmpty(stringProp(form, 'formId'))) : null,
    texts: readTexts(element),
  };
}

/** `zeebe:property` entries named `name:<lang>` or `description:<lang>` (two-letter language). */
function readTexts(element: ModdleElement): Readonly<Record<string, string>> {
  const texts: Record<string, string> = {};
  const properties = zeebeExtension(element, 'zeebe:Properties');
  for (const property of properties ? listProp(properties, 'properties') : []) {
    const name = stringProp(property, 'name');
    const value = nonEmpty(stringProp(property, 'value'));
    if (name && value && /^(name|description):[a-z]{2}$/.test(name)) texts[name] = value;
  }
  return Object.freeze(texts);
}

function compileCall(element: ModdleElement): CallBinding {
  const called = zeebeExtension(element, 'zeebe:CalledElement');
  const binding = called ? stringProp(called, 'bindingType') : null;
  return {
    processId: compileExpression((called && nonEmpty(stringProp(called, 'processId'))) ?? ''),
    binding: binding === 'deployment' || binding === 'versionTag' ? binding : 'latest',
    versionTag: called ? nonEmpty(stringProp(called, 'versionTag')) : null,
    propagateAllChildVariables: called ? booleanProp(called, 'propagateAllChildVariables', true) : true,
    propagateAllParentVariables: called ? booleanProp(called, 'propagateAllParentVariables', true) : true,
  };
}

function compileMultiInstance(element: ModdleElement): MultiInstanceBinding | null {
  const loop = elementProp(element, 'loopCharacteristics');
  const zeebeLoop = loop ? zeebeExtension(loop, 'zeebe:LoopCharacteristics') : null;
  if (!loop || !zeebeLoop) return null;
  const attribute = (property: string): string | null => nonEmpty(stringProp(zeebeLoop, property));
  return {
    sequential: booleanProp(loop, 'isSequential', false),
    inputCollection: compileExpression(attribute('inputCollection') ?? '=[]'),
    inputElement: attribute('inputElement'),
    outputCollection: attribute('outputCollection'),
    outputElement: compileOptional(attribute('outputElement')),
    completionCondition: compileOptional(expressionBody(loop, 'completionCondition')),
  };
}

function compileMappings(element: ModdleElement): { inputs: readonly IoMapping[]; outputs: readonly IoMapping[] } {
  const mappings = readMappings(element);
  const compile = (direction: RawMapping['direction']): readonly IoMapping[] =>
    Object.freeze(mappings.filter((m) => m.direction === direction && m.target !== null).map((m) => ({ source: compileExpression(m.source ?? '=null'), target: m.target ?? '' })));
  return { inputs: compile('input'), outputs: compile('output') };
}

function compileOptional(value: string | null): Expression | null {
  return value === null ? null : compileExpression(value);
}

/** Backward reachability inside one scope; a boundary event makes its host activity upstream too. */
function inclusiveUpstreamSets(nodes: ReadonlyMap<string, FlowNode>, flows: ReadonlyMap<string, SequenceFlow>): Map<string, ReadonlySet<string>> {
  const result = new Map<string, ReadonlySet<string>>();
  for (const node of nodes.values()) {
    if (node.kind !== 'gateway' || node.gateway !== 'inclusive' || node.incoming.length < 2) continue;
    const seen = new Set<string>();
    const pending = node.incoming.map((flowId) => flows.get(flowId)?.sourceId ?? '');
    while (pending.length > 0) {
      const id = pending.pop() ?? '';
      if (seen.has(id) || id === node.id) continue;
      const upstream = nodes.get(id);
      if (!upstream) continue;
      seen.add(id);
      for (const flowId of upstream.incoming) pending.push(flows.get(flowId)?.sourceId ?? '');
      if (upstream.kind === 'boundaryEvent') pending.push(upstream.attachedToId);
    }
    result.set(node.id, seen);
  }
  return result;
}
