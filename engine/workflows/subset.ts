// Deploy-time check of the BPMN subset Tessera executes. Everything outside it is refused with one
// problem per element, so a diagram that deploys never meets an element the step function cannot run.
import {
  booleanProp,
  elementId,
  elementProp,
  executableProcesses,
  expressionBody,
  extensionElements,
  flowElementsOf,
  referencedId,
  stringProp,
  zeebeExtension,
  type ModdleElement,
  type XmlNote,
} from './moddle.ts';
import { nonEmpty, readEventDefinition, readExpressionAttributes, readMappings, readMultiInstance, readReceiveMessage, readTaskType, type RawEventDefinition } from './definition.ts';
import { compileExpression, expressionSyntaxProblem } from './expression.ts';
import { parseTimer, type TimerKind } from './timer.ts';

export type BpmnProblemCode =
  | 'BPMN_PARSE_ERROR'
  | 'BPMN_ENCODING'
  | 'BPMN_INVALID_CHARACTER'
  | 'BPMN_NO_EXECUTABLE_PROCESS'
  | 'BPMN_UNSUPPORTED_ELEMENT'
  | 'BPMN_UNSUPPORTED_EVENT_DEFINITION'
  | 'BPMN_UNSUPPORTED_LOOP'
  | 'BPMN_UNSUPPORTED_EXTENSION'
  | 'BPMN_FEEL_SYNTAX'
  | 'BPMN_CONDITION_NOT_FEEL'
  | 'BPMN_CONDITION_NOT_ALLOWED'
  | 'BPMN_MISSING_CONDITION'
  | 'BPMN_INVALID_DEFAULT_FLOW'
  | 'BPMN_INVALID_FLOW'
  | 'BPMN_MISSING_OUTGOING_FLOW'
  | 'BPMN_MISSING_TASK_TYPE'
  | 'BPMN_MISSING_MESSAGE'
  | 'BPMN_MISSING_CORRELATION_KEY'
  | 'BPMN_MISSING_SIGNAL'
  | 'BPMN_MISSING_ERROR_CODE'
  | 'BPMN_MISSING_CALLED_ELEMENT'
  | 'BPMN_INVALID_TIMER'
  | 'BPMN_INVALID_MAPPING'
  | 'BPMN_INVALID_MULTI_INSTANCE'
  | 'BPMN_INVALID_START_EVENT'
  | 'BPMN_INVALID_BOUNDARY_EVENT'
  | 'BPMN_INVALID_EVENT_GATEWAY'
  | 'BPMN_INVALID_EVENT_SUBPROCESS';

export interface BpmnProblem {
  readonly code: BpmnProblemCode;
  readonly elementId: string | null;
  readonly elementType: string | null;
  readonly message: string;
  /** Where in the file a problem of no element is (1-based): a syntax error, a character, the encoding. */
  readonly line?: number;
  readonly column?: number;
}

type ScopeLevel = 'process' | 'subProcess' | 'eventSubProcess';
type TriggerKind = RawEventDefinition['kind'];

const ACTIVITY_TYPES = new Set(['bpmn:Task', 'bpmn:ManualTask', 'bpmn:UserTask', 'bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:ReceiveTask', 'bpmn:SubProcess', 'bpmn:CallActivity']);
const EVENT_TYPES = new Set(['bpmn:StartEvent', 'bpmn:EndEvent', 'bpmn:IntermediateCatchEvent', 'bpmn:IntermediateThrowEvent', 'bpmn:BoundaryEvent']);
const GATEWAY_TYPES = new Set(['bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway', 'bpmn:ParallelGateway', 'bpmn:EventBasedGateway']);
/** Carry data only; the runtime has nothing to do with them. */
const IGNORED_TYPES = new Set(['bpmn:SequenceFlow', 'bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference']);
/** Bound to Zeebe features this runtime does not implement; silently ignoring them would change behaviour. */
const UNSUPPORTED_EXTENSIONS = new Set(['zeebe:ExecutionListeners', 'zeebe:TaskListeners', 'zeebe:Script', 'zeebe:CalledDecision', 'zeebe:AdHoc']);
/** Nodes that pass the token on and so need somewhere to pass it. */
const NEED_OUTGOING = new Set(['bpmn:StartEvent', 'bpmn:IntermediateCatchEvent', 'bpmn:IntermediateThrowEvent', 'bpmn:BoundaryEvent', ...GATEWAY_TYPES]);

const ALLOWED_TRIGGERS: Readonly<Record<string, readonly TriggerKind[]>> = {
  'process bpmn:StartEvent': ['none', 'message', 'timer'],
  'subProcess bpmn:StartEvent': ['none'],
  'eventSubProcess bpmn:StartEvent': ['message', 'timer', 'error'],
  'bpmn:EndEvent': ['none', 'message', 'error', 'terminate'],
  'bpmn:IntermediateCatchEvent': ['timer', 'message', 'signal'],
  'bpmn:IntermediateThrowEvent': ['none', 'message', 'signal'],
  'bpmn:BoundaryEvent': ['timer', 'message', 'error'],
};

const ALLOWED_TIMERS: Readonly<Record<string, readonly TimerKind[]>> = {
  'process bpmn:StartEvent': ['date', 'cycle'],
  'bpmn:IntermediateCatchEvent': ['duration', 'date'],
};

export function parseProblem(note: XmlNote): BpmnProblem {
  return {
    code: note.code ?? 'BPMN_PARSE_ERROR',
    elementId: note.elementId ?? null,
    elementType: note.elementType ?? null,
    message: note.message,
    ...(note.line !== undefined && note.column !== undefined ? { line: note.line, column: note.column } : {}),
  };
}

/** All subset problems of a parsed definitions element; parse warnings count as problems. */
export function checkSubset(definitions: ModdleElement, parseWarnings: readonly XmlNote[] = []): BpmnProblem[] {
  const problems: BpmnProblem[] = parseWarnings.map(parseProblem);
  const processes = executableProcesses(definitions);
  if (processes.length === 0) problems.push({ code: 'BPMN_NO_EXECUTABLE_PROCESS', elementId: null, elementType: null, message: 'the definitions contain no executable process' });
  for (const process of processes) checkScope(process, 'process', problems);
  return problems;
}

function checkScope(container: ModdleElement, level: ScopeLevel, problems: BpmnProblem[]): void {
  const elements = flowElementsOf(container);
  const report = (code: BpmnProblemCode, element: ModdleElement, message: string): void => {
    problems.push({ code, elementId: elementId(element) || null, elementType: element.$type, message });
  };
  const starts = elements.filter((e) => e.$type === 'bpmn:StartEvent');
  const noneStarts = starts.filter((e) => readEventDefinition(e).kind === 'none');
  if (level === 'process' && starts.length === 0) report('BPMN_INVALID_START_EVENT', container, 'a process needs a start event');
  if (level !== 'eventSubProcess' && noneStarts.length > 1) report('BPMN_INVALID_START_EVENT', container, 'a scope may have only one none start event');
  if (level === 'subProcess' && noneStarts.length !== 1) report('BPMN_INVALID_START_EVENT', container, 'an embedded sub-process needs exactly one none start event');
  if (level === 'eventSubProcess' && starts.length !== 1) report('BPMN_INVALID_EVENT_SUBPROCESS', container, 'an event sub-process needs exactly one start event');

  const byId = new Map(elements.map((e) => [elementId(e), e]));
  const incoming = new Map<string, ModdleElement[]>();
  const outgoing = new Map<string, ModdleElement[]>();
  for (const flow of elements.filter((e) => e.$type === 'bpmn:SequenceFlow')) {
    const source = referencedId(flow, 'sourceRef');
    const target = referencedId(flow, 'targetRef');
    if (!source || !target || !byId.has(source) || !byId.has(target)) {
      report('BPMN_INVALID_FLOW', flow, 'a sequence flow must connect two elements of the same (sub-)process');
      continue;
    }
    outgoing.set(source, [...(outgoing.get(source) ?? []), flow]);
    incoming.set(target, [...(incoming.get(target) ?? []), flow]);
  }

  for (const element of elements) {
    if (IGNORED_TYPES.has(element.$type)) continue;
    const supported = ACTIVITY_TYPES.has(element.$type) || EVENT_TYPES.has(element.$type) || GATEWAY_TYPES.has(element.$type);
    if (!supported) {
      report('BPMN_UNSUPPORTED_ELEMENT', element, `${element.$type} is not supported`);
      continue;
    }
    if (booleanProp(element, 'isForCompensation', false)) report('BPMN_UNSUPPORTED_ELEMENT', element, 'compensation handlers are not supported');
    checkExtensions(element, report);
    checkIncomingOutgoing(element, incoming.get(elementId(element)) ?? [], outgoing.get(elementId(element)) ?? [], report);
    if (EVENT_TYPES.has(element.$type)) checkEvent(element, level, byId, report);
    if (ACTIVITY_TYPES.has(element.$type)) checkActivity(element, problems, report);
    if (GATEWAY_TYPES.has(element.$type)) checkGateway(element, outgoing.get(elementId(element)) ?? [], byId, report);
  }
  for (const flow of elements.filter((e) => e.$type === 'bpmn:SequenceFlow')) checkCondition(flow, report);
}

type Report = (code: BpmnProblemCode, element: ModdleElement, message: string) => void;

function checkExtensions(element: ModdleElement, report: Report): void {
  for (const extension of extensionElements(element)) {
    if (UNSUPPORTED_EXTENSIONS.has(extension.$type)) report('BPMN_UNSUPPORTED_EXTENSION', element, `${extension.$type} is not supported`);
  }
  for (const attribute of readExpressionAttributes(element)) checkFeelAttribute(attribute.value, attribute.label, element, report);
  for (const mapping of readMappings(element)) {
    if (mapping.target === null) report('BPMN_INVALID_MAPPING', element, `an ${mapping.direction} mapping has no target`);
  }
  const loop = readMultiInstance(element);
  if (!loop.present) return;
  if (loop.standardLoop) report('BPMN_UNSUPPORTED_LOOP', element, 'standard loops are not supported; use multi-instance over a collection');
  else if (!ACTIVITY_TYPES.has(element.$type)) report('BPMN_INVALID_MULTI_INSTANCE', element, 'only activities can be multi-instance');
  else if (loop.inputCollection === null) report('BPMN_INVALID_MULTI_INSTANCE', element, 'multi-instance needs zeebe:loopCharacteristics inputCollection');
}

function checkFeelAttribute(value: string, label: string, element: ModdleElement, report: Report): void {
  const problem = expressionSyntaxProblem(compileExpression(value));
  if (problem !== null) report('BPMN_FEEL_SYNTAX', element, `${label}: ${problem}`);
}

function checkIncomingOutgoing(element: ModdleElement, incoming: readonly ModdleElement[], outgoing: readonly ModdleElement[], report: Report): void {
  const type = element.$type;
  const eventSubProcess = type === 'bpmn:SubProcess' && booleanProp(element, 'triggeredByEvent', false);
  if (eventSubProcess && (incoming.length > 0 || outgoing.length > 0)) report('BPMN_INVALID_EVENT_SUBPROCESS', element, 'an event sub-process has no sequence flows');
  if ((type === 'bpmn:StartEvent' || type === 'bpmn:BoundaryEvent') && incoming.length > 0) report('BPMN_INVALID_FLOW', element, `${type} cannot have incoming sequence flows`);
  if (type === 'bpmn:EndEvent' && outgoing.length > 0) report('BPMN_INVALID_FLOW', element, 'an end event cannot have outgoing sequence flows');
  // An unsupported event (compensation, link) is reported as such; its missing flow is no extra news.
  const unsupportedEvent = EVENT_TYPES.has(type) && readEventDefinition(element).kind === 'unsupported';
  if (NEED_OUTGOING.has(type) && outgoing.length === 0 && !unsupportedEvent) report('BPMN_MISSING_OUTGOING_FLOW', element, `${type} needs an outgoing sequence flow`);
}

function checkEvent(element: ModdleElement, level: ScopeLevel, siblings: ReadonlyMap<string, ModdleElement>, report: Report): void {
  const type = element.$type;
  const key = type === 'bpmn:StartEvent' ? `${level} ${type}` : type;
  const definition = readEventDefinition(element);
  const allowed = ALLOWED_TRIGGERS[key] ?? [];
  if (definition.kind === 'unsupported' || !allowed.includes(definition.kind)) {
    const what = definition.kind === 'unsupported' ? definition.type : definition.kind === 'none' ? 'no event definition' : `a ${definition.kind} event definition`;
    report('BPMN_UNSUPPORTED_EVENT_DEFINITION', element, `${type} with ${what} is not supported here`);
    return;
  }
  const throwsJob = definition.kind === 'message' && (type === 'bpmn:EndEvent' || type === 'bpmn:IntermediateThrowEvent');
  if (throwsJob && readTaskType(element) === null) report('BPMN_MISSING_TASK_TYPE', element, 'a message throw event needs zeebe:taskDefinition type (a job publishes the message)');
  if (definition.kind === 'message' && !throwsJob) {
    if (definition.name === null) report('BPMN_MISSING_MESSAGE', element, 'the event needs a message with a name');
    if (definition.correlationKey === null && key !== 'process bpmn:StartEvent') report('BPMN_MISSING_CORRELATION_KEY', element, 'the message needs zeebe:subscription correlationKey');
  }
  if (definition.kind === 'signal' && definition.name === null) report('BPMN_MISSING_SIGNAL', element, 'the event needs a signal with a name');
  if (definition.kind === 'error' && (type === 'bpmn:EndEvent' || definition.hasErrorRef) && definition.errorCode === null) {
    report('BPMN_MISSING_ERROR_CODE', element, 'the error needs an errorCode');
  }
  if (definition.kind === 'error' && !booleanProp(element, type === 'bpmn:BoundaryEvent' ? 'cancelActivity' : 'isInterrupting', true)) {
    report(type === 'bpmn:BoundaryEvent' ? 'BPMN_INVALID_BOUNDARY_EVENT' : 'BPMN_INVALID_EVENT_SUBPROCESS', element, 'error events always interrupt');
  }
  if (definition.kind === 'timer') checkTimer(definition, ALLOWED_TIMERS[key] ?? ['duration', 'date', 'cycle'], element, report);
  if (type === 'bpmn:BoundaryEvent') {
    const host = referencedId(element, 'attachedToRef');
    const hostElement = host === null ? undefined : siblings.get(host);
    if (!hostElement || !ACTIVITY_TYPES.has(hostElement.$type)) report('BPMN_INVALID_BOUNDARY_EVENT', element, 'a boundary event must be attached to an activity of the same scope');
  }
}

function checkTimer(definition: Extract<RawEventDefinition, { kind: 'timer' }>, allowed: readonly TimerKind[], element: ModdleElement, report: Report): void {
  if (definition.timerKind === null || definition.value === null) {
    report('BPMN_INVALID_TIMER', element, 'the timer needs a duration, date or cycle');
    return;
  }
  if (!allowed.includes(definition.timerKind)) report('BPMN_INVALID_TIMER', element, `a timer ${definition.timerKind} is not allowed here (allowed: ${allowed.join(', ')})`);
  const expression = compileExpression(definition.value);
  if (expression.kind === 'literal' && parseTimer(definition.timerKind, expression.text) === null) {
    report('BPMN_INVALID_TIMER', element, `'${definition.value}' is not an ISO 8601 ${definition.timerKind}`);
  }
}

function checkActivity(element: ModdleElement, problems: BpmnProblem[], report: Report): void {
  switch (element.$type) {
    case 'bpmn:ServiceTask':
    case 'bpmn:SendTask':
      if (readTaskType(element) === null) report('BPMN_MISSING_TASK_TYPE', element, `${element.$type} needs zeebe:taskDefinition type`);
      return;
    case 'bpmn:ReceiveTask': {
      const message = readReceiveMessage(element);
      if (message.name === null) report('BPMN_MISSING_MESSAGE', element, 'a receive task needs a message with a name');
      if (message.correlationKey === null) report('BPMN_MISSING_CORRELATION_KEY', element, 'the message needs zeebe:subscription correlationKey');
      return;
    }
    case 'bpmn:CallActivity': {
      const called = zeebeExtension(element, 'zeebe:CalledElement');
      if (!called || nonEmpty(stringProp(called, 'processId')) === null) report('BPMN_MISSING_CALLED_ELEMENT', element, 'a call activity needs zeebe:calledElement processId');
      else if (stringProp(called, 'bindingType') === 'versionTag' && nonEmpty(stringProp(called, 'versionTag')) === null) {
        report('BPMN_MISSING_CALLED_ELEMENT', element, 'bindingType versionTag needs a versionTag');
      }
      return;
    }
    case 'bpmn:SubProcess':
      checkScope(element, booleanProp(element, 'triggeredByEvent', false) ? 'eventSubProcess' : 'subProcess', problems);
      return;
  }
}

function checkGateway(gateway: ModdleElement, outgoing: readonly ModdleElement[], siblings: ReadonlyMap<string, ModdleElement>, report: Report): void {
  const defaultFlow = elementProp(gateway, 'default');
  if (gateway.$type === 'bpmn:ExclusiveGateway' || gateway.$type === 'bpmn:InclusiveGateway') {
    if (defaultFlow && !outgoing.includes(defaultFlow)) report('BPMN_INVALID_DEFAULT_FLOW', gateway, 'the default flow must leave the gateway');
    if (defaultFlow && expressionBody(defaultFlow, 'conditionExpression') !== null) report('BPMN_INVALID_DEFAULT_FLOW', gateway, 'the default flow cannot have a condition');
    if (outgoing.length > 1) {
      for (const flow of outgoing) {
        if (flow !== defaultFlow && expressionBody(flow, 'conditionExpression') === null) {
          report('BPMN_MISSING_CONDITION', flow, `flow leaving a forking ${gateway.$type} needs a condition or must be the default`);
        }
      }
    }
  } else if (defaultFlow) {
    report('BPMN_INVALID_DEFAULT_FLOW', gateway, `${gateway.$type} cannot have a default flow`);
  }
  if (gateway.$type !== 'bpmn:EventBasedGateway') return;
  if (outgoing.length < 2) report('BPMN_INVALID_EVENT_GATEWAY', gateway, 'an event-based gateway needs at least two outgoing flows');
  for (const flow of outgoing) {
    const target = siblings.get(referencedId(flow, 'targetRef') ?? '');
    const catches = target?.$type === 'bpmn:ReceiveTask' || (target?.$type === 'bpmn:IntermediateCatchEvent' && ['timer', 'message', 'signal'].includes(readEventDefinition(target).kind));
    if (!catches) report('BPMN_INVALID_EVENT_GATEWAY', gateway, `flow ${elementId(flow)} must lead to an intermediate catch event or a receive task`);
  }
}

function checkCondition(flow: ModdleElement, report: Report): void {
  const condition = expressionBody(flow, 'conditionExpression');
  if (condition === null) return;
  const source = elementProp(flow, 'sourceRef');
  if (!source || (source.$type !== 'bpmn:ExclusiveGateway' && source.$type !== 'bpmn:InclusiveGateway')) {
    report('BPMN_CONDITION_NOT_ALLOWED', flow, 'conditions are supported only on flows leaving exclusive or inclusive gateways');
    return;
  }
  const expression = compileExpression(condition);
  if (expression.kind === 'literal') report('BPMN_CONDITION_NOT_FEEL', flow, `condition '${condition}' must be a FEEL expression starting with '='`);
  else checkFeelAttribute(condition, 'condition', flow, report);
}
