import { readdirSync } from 'node:fs';
import { loadDefinitions, type BpmnProblem, type BpmnProblemCode } from '../../../engine/workflows/index.ts';
import { fixtureXml } from './driver.ts';

async function problemsOf(fixture: string): Promise<readonly BpmnProblem[]> {
  const result = await loadDefinitions(fixtureXml(fixture));
  if (result.ok) throw new Error(`${fixture} deployed but should be refused`);
  return result.problems;
}

const fixtureNames = readdirSync(new URL('../../fixtures/bpmn/', import.meta.url)).map((f) => f.replace(/\.bpmn$/, ''));

describe('supported fixtures deploy', () => {
  test.each(fixtureNames.filter((n) => !n.startsWith('refuse-') && !n.startsWith('oracle-')))('%s deploys', async (fixture) => {
    const result = await loadDefinitions(fixtureXml(fixture));
    expect(result.ok ? [] : result.problems).toEqual([]);
  });
});

// One refused construct per fixture: [fixture, code, element id, element type].
const refusals: readonly [string, BpmnProblemCode, string | null, string | null][] = [
  ['refuse-script-task', 'BPMN_UNSUPPORTED_ELEMENT', 'compute', 'bpmn:ScriptTask'],
  ['refuse-business-rule-task', 'BPMN_UNSUPPORTED_ELEMENT', 'decide', 'bpmn:BusinessRuleTask'],
  ['refuse-complex-gateway', 'BPMN_UNSUPPORTED_ELEMENT', 'complex', 'bpmn:ComplexGateway'],
  ['refuse-transaction', 'BPMN_UNSUPPORTED_ELEMENT', 'payment', 'bpmn:Transaction'],
  ['refuse-ad-hoc-subprocess', 'BPMN_UNSUPPORTED_ELEMENT', 'adhoc', 'bpmn:AdHocSubProcess'],
  ['refuse-compensation', 'BPMN_UNSUPPORTED_EVENT_DEFINITION', 'undo', 'bpmn:BoundaryEvent'],
  ['refuse-compensation', 'BPMN_UNSUPPORTED_ELEMENT', 'cancelBooking', 'bpmn:ServiceTask'],
  ['refuse-escalation', 'BPMN_UNSUPPORTED_EVENT_DEFINITION', 'escalate', 'bpmn:IntermediateThrowEvent'],
  ['refuse-conditional-event', 'BPMN_UNSUPPORTED_EVENT_DEFINITION', 'whenReady', 'bpmn:IntermediateCatchEvent'],
  ['refuse-link-event', 'BPMN_UNSUPPORTED_EVENT_DEFINITION', 'jump', 'bpmn:IntermediateThrowEvent'],
  ['refuse-link-event', 'BPMN_UNSUPPORTED_EVENT_DEFINITION', 'land', 'bpmn:IntermediateCatchEvent'],
  ['refuse-signal-start', 'BPMN_UNSUPPORTED_EVENT_DEFINITION', 'start', 'bpmn:StartEvent'],
  ['refuse-cancel-end', 'BPMN_UNSUPPORTED_EVENT_DEFINITION', 'end', 'bpmn:EndEvent'],
  ['refuse-standard-loop', 'BPMN_UNSUPPORTED_LOOP', 'retry', 'bpmn:UserTask'],
  ['refuse-execution-listener', 'BPMN_UNSUPPORTED_EXTENSION', 'review', 'bpmn:UserTask'],
  ['refuse-missing-task-type', 'BPMN_MISSING_TASK_TYPE', 'work', 'bpmn:ServiceTask'],
  ['refuse-missing-task-type', 'BPMN_MISSING_TASK_TYPE', 'mail', 'bpmn:SendTask'],
  ['refuse-feel-syntax', 'BPMN_FEEL_SYNTAX', 'toYes', 'bpmn:SequenceFlow'],
  ['refuse-condition-not-feel', 'BPMN_CONDITION_NOT_FEEL', 'toYes', 'bpmn:SequenceFlow'],
  ['refuse-missing-condition', 'BPMN_MISSING_CONDITION', 'toB', 'bpmn:SequenceFlow'],
  ['refuse-default-with-condition', 'BPMN_INVALID_DEFAULT_FLOW', 'check', 'bpmn:ExclusiveGateway'],
  ['refuse-gateway-without-outgoing', 'BPMN_MISSING_OUTGOING_FLOW', 'fork', 'bpmn:ParallelGateway'],
  ['refuse-missing-correlation-key', 'BPMN_MISSING_CORRELATION_KEY', 'wait', 'bpmn:IntermediateCatchEvent'],
  ['refuse-invalid-timer', 'BPMN_INVALID_TIMER', 'wait', 'bpmn:IntermediateCatchEvent'],
  ['refuse-missing-called-element', 'BPMN_MISSING_CALLED_ELEMENT', 'call', 'bpmn:CallActivity'],
  ['refuse-event-gateway-target', 'BPMN_INVALID_EVENT_GATEWAY', 'race', 'bpmn:EventBasedGateway'],
  ['refuse-multi-instance-without-collection', 'BPMN_INVALID_MULTI_INSTANCE', 'each', 'bpmn:UserTask'],
  ['refuse-no-executable-process', 'BPMN_NO_EXECUTABLE_PROCESS', null, null],
  ['refuse-malformed-xml', 'BPMN_PARSE_ERROR', null, null],
];

describe('refusals', () => {
  test.each(refusals)('%s is refused with %s at %s', async (fixture, code, elementId, elementType) => {
    const problems = await problemsOf(fixture);
    expect(problems).toContainEqual(expect.objectContaining({ code, elementId, elementType }));
    for (const problem of problems) expect(problem.message).toEqual(expect.any(String));
  });

  test('every refusal fixture is covered by the table', () => {
    const covered = new Set(refusals.map(([fixture]) => fixture));
    expect(fixtureNames.filter((n) => n.startsWith('refuse-') && !covered.has(n))).toEqual([]);
  });

  test('all problems of a file are reported at once', async () => {
    const problems = await problemsOf('refuse-missing-task-type');
    expect(problems.map((p) => p.elementId).sort()).toEqual(['mail', 'work']);
  });

  test('an unknown BPMN element and a dangling reference are parse problems', async () => {
    const xml = fixtureXml('start-none').replace('<bpmn:endEvent id="end" />', '<bpmn:weirdThing id="w" /><bpmn:endEvent id="end" /><bpmn:sequenceFlow id="dangling" sourceRef="end" targetRef="nowhere" />');
    const result = await loadDefinitions(xml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.filter((p) => p.code === 'BPMN_PARSE_ERROR').map((p) => p.message)).toEqual([expect.stringContaining('bpmn:weirdThing'), expect.stringContaining('nowhere')]);
  });

  test('a sub-process start event with a trigger is refused', async () => {
    const xml = fixtureXml('subprocess').replace('<bpmn:startEvent id="onboardingStart" />', `<bpmn:startEvent id="onboardingStart"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:startEvent>`);
    const result = await loadDefinitions(xml);
    expect(result.ok ? [] : result.problems.map((p) => [p.code, p.elementId])).toEqual(
      expect.arrayContaining([
        ['BPMN_UNSUPPORTED_EVENT_DEFINITION', 'onboardingStart'],
        ['BPMN_INVALID_START_EVENT', 'onboarding'],
      ]),
    );
  });

  test('a cycle on an intermediate timer and a non-interrupting error boundary are refused', async () => {
    const timer = fixtureXml('catch-timer').replace('<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">=waitFor</bpmn:timeDuration>', '<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R/PT1M</bpmn:timeCycle>');
    const error = fixtureXml('boundary-error').replace('<bpmn:boundaryEvent id="anyError" attachedToRef="charge">', '<bpmn:boundaryEvent id="anyError" attachedToRef="charge" cancelActivity="false">');
    const [timerResult, errorResult] = await Promise.all([loadDefinitions(timer), loadDefinitions(error)]);
    expect(timerResult.ok ? [] : timerResult.problems.map((p) => [p.code, p.elementId])).toEqual([['BPMN_INVALID_TIMER', 'wait']]);
    expect(errorResult.ok ? [] : errorResult.problems.map((p) => [p.code, p.elementId])).toEqual([['BPMN_INVALID_BOUNDARY_EVENT', 'anyError']]);
  });

  test('FEEL syntax is checked in mappings, assignments and correlation keys too', async () => {
    const xml = fixtureXml('user-task').replace('assignee="=owner"', 'assignee="=owner +"').replace('source="=decision = &quot;yes&quot;"', 'source="=decision = "');
    const result = await loadDefinitions(xml);
    expect(result.ok ? [] : result.problems.map((p) => [p.code, p.elementId, p.message.split(': ')[0]])).toEqual([
      ['BPMN_FEEL_SYNTAX', 'approve', 'zeebe:AssignmentDefinition assignee'],
      ['BPMN_FEEL_SYNTAX', 'approve', "output mapping to 'approved'"],
    ]);
  });
});
