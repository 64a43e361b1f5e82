import { ProcessGraphCache, ProcessLoadError, parseIsoDuration, parseTimer } from '../../../engine/workflows/index.ts';
import { fixtureXml, loadGraph, loadGraphs } from './driver.ts';

describe('compiled graph', () => {
  test('nodes, flows, boundary attachments and scopes of a process', async () => {
    const graph = await loadGraph('end-error');
    expect(graph.processId).toBe('endError');
    expect([...graph.scopes.keys()]).toEqual(['check', 'endError']);
    expect(graph.scopes.get('check')).toEqual(expect.objectContaining({ kind: 'subProcess', noneStartEventId: 'checkStart', nodeIds: ['checkStart', 'rejected'] }));
    const check = graph.nodes.get('check');
    expect(check).toEqual(expect.objectContaining({ kind: 'activity', scopeId: 'endError', boundaryEventIds: ['onCredit'], incoming: ['f1'], outgoing: ['f2'] }));
    expect(graph.nodes.get('onCredit')).toEqual(expect.objectContaining({ kind: 'boundaryEvent', attachedToId: 'check', interrupting: true, trigger: { kind: 'error', errorCode: 'CREDIT' } }));
    expect(graph.nodes.get('rejected')).toEqual(expect.objectContaining({ kind: 'endEvent', scopeId: 'check', result: { kind: 'error', errorCode: 'CREDIT', errorMessage: 'Credit refused' } }));
    expect(graph.flows.get('f3')).toEqual({ id: 'f3', sourceId: 'onCredit', targetId: 'handle', condition: null });
    expect(Object.isFrozen(graph)).toBe(true);
  });

  test('Zeebe bindings compile to typed values: FEEL vs literal, headers, mappings', async () => {
    const graph = await loadGraph('service-task');
    const score = graph.nodes.get('score');
    expect(score).toEqual(
      expect.objectContaining({
        behaviour: { kind: 'job', job: { type: { kind: 'literal', text: 'score-lead' }, retries: { kind: 'literal', text: '2' }, headers: { model: 'v2' } } },
        inputs: [
          { source: { kind: 'feel', text: 'lead.amount * 2' }, target: 'doubled' },
          { source: { kind: 'literal', text: 'static' }, target: 'mode' },
        ],
        outputs: [{ source: { kind: 'feel', text: 'score + 1' }, target: 'leadScore' }],
      }),
    );
    const gateway = (await loadGraph('exclusive-gateway')).nodes.get('amountCheck');
    expect(gateway).toEqual(expect.objectContaining({ kind: 'gateway', gateway: 'exclusive', defaultFlowId: 'toSmall' }));
  });

  test('a definitions file with several processes gives one graph each (call activity targets)', async () => {
    expect((await loadGraphs('call-activity')).map((g) => g.processId)).toEqual(['parent', 'child']);
  });

  test('inclusive joins know which nodes can still reach them', async () => {
    const graph = await loadGraph('inclusive-gateway');
    expect([...(graph.inclusiveUpstream.get('sent') ?? [])].sort()).toEqual(['channels', 'email', 'letter', 'sms', 'start']);
  });
});

describe('graph cache', () => {
  test('one parse per (process, version), shared by concurrent requests', async () => {
    const cache = new ProcessGraphCache(2);
    let loads = 0;
    const load = async (): Promise<string> => {
      loads++;
      return fixtureXml('call-activity');
    };
    const [a, b] = await Promise.all([cache.get('parent', 1, load), cache.get('parent', 1, load)]);
    expect(a).toBe(b);
    expect(loads).toBe(1);
    expect((await cache.get('child', 1, load)).processId).toBe('child');
    await cache.get('parent', 2, load);
    expect(cache.size).toBe(2);
  });

  test('a stored definition that no longer loads rejects with the problems and is not cached', async () => {
    const cache = new ProcessGraphCache();
    const bad = async (): Promise<string> => fixtureXml('refuse-script-task');
    await expect(cache.get('refused', 1, bad)).rejects.toBeInstanceOf(ProcessLoadError);
    await expect(cache.get('refused', 1, bad)).rejects.toMatchObject({ code: 'BPMN_LOAD_FAILED', problems: [expect.objectContaining({ elementId: 'compute' })] });
    expect(cache.size).toBe(0);
  });
});

describe('ISO 8601 timers', () => {
  test.each([
    ['PT10M', { minutes: 10 }],
    ['P1DT2H', { days: 1, hours: 2 }],
    ['P2W', { weeks: 2 }],
    ['PT1.5S', { seconds: 1.5 }],
    ['P1Y2M', { years: 1, months: 2 }],
  ])('duration %s', (text, expected) => {
    expect(parseIsoDuration(text)).toEqual(expect.objectContaining(expected));
  });

  test.each(['P', 'PT', '10M', 'P1H', 'PT-1M'])('invalid duration %s', (text) => {
    expect(parseIsoDuration(text)).toBeNull();
  });

  test('dates: with an offset, or read as UTC without one', () => {
    expect(parseTimer('date', '2026-03-01T10:00:00+02:00')).toEqual({ kind: 'date', at: new Date('2026-03-01T08:00:00Z') });
    expect(parseTimer('date', '2026-03-01T10:00')).toEqual({ kind: 'date', at: new Date('2026-03-01T10:00:00Z') });
    expect(parseTimer('date', 'tomorrow')).toBeNull();
  });

  test('cycles: bounded, unbounded and with a start date', () => {
    expect(parseTimer('cycle', 'R3/PT10M')).toEqual({ kind: 'cycle', repetitions: 3, start: null, interval: expect.objectContaining({ minutes: 10 }) });
    expect(parseTimer('cycle', 'R/P1D')).toEqual({ kind: 'cycle', repetitions: null, start: null, interval: expect.objectContaining({ days: 1 }) });
    expect(parseTimer('cycle', 'R2/2026-01-01T00:00:00Z/PT1H')).toEqual(expect.objectContaining({ repetitions: 2, start: new Date('2026-01-01T00:00:00Z') }));
    expect(parseTimer('cycle', 'R0/PT1H')).toBeNull();
    expect(parseTimer('cycle', '0 0 * * *')).toBeNull();
  });
});
