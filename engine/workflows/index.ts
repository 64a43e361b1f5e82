// Tessera's BPMN runtime core: deploy-time loading and checking, and the pure step function.
export { loadDefinitions, ProcessGraphCache, ProcessLoadError, type LoadResult } from './deploy.ts';
export { checkSubset, type BpmnProblem, type BpmnProblemCode } from './subset.ts';
export type {
  ActivityBehaviour,
  ActivityNode,
  CallBinding,
  CalledVersionBinding,
  EventTrigger,
  FlowNode,
  IoMapping,
  JobBinding,
  MessageBinding,
  MultiInstanceBinding,
  ProcessGraph,
  Scope,
  SequenceFlow,
  TimerBinding,
  UserTaskBinding,
} from './definition.ts';
export { step, startTriggers, nextCycleDue, type StartTriggers } from './step.ts';
export { MULTI_INSTANCE_BODY_TYPE, PROCESS_TYPE } from './execution.ts';
export type { Effect, EffectType, HistoryEntry, InstanceEvent, StepContext, StepRejection, StepRejectionCode, StepResult, ThrownError, UserTaskSpec } from './events.ts';
export { visibleVariables, type ElementInstance, type Incident, type IncidentCode, type IncidentResume, type InstanceState, type InstanceStatus, type ParentLink, type Token, type Wait, type WaitKind } from './state.ts';
export type { Expression, JsonObject, JsonValue } from './expression.ts';
export { addDuration, parseTimer, parseIsoDuration, type IsoDuration, type TimerKind, type TimerSpec } from './timer.ts';
