// Which record changes start a process or correlate a message (pure: one RecordChange in, the
// starts and messages out), and the user task form check.
import type { Trigger } from '../../../metadata/index.ts';
import type { RecordChange } from '../../../engine/records/index.ts';
import { evaluateTriggers, triggerMatches } from '../../../engine/workflows/runtime/triggers.ts';
import { checkFormData, formOf } from '../../../engine/workflows/runtime/task-forms.ts';

const base = { kind: 'trigger', label: { en: 'T' } } as const;
const t = (name: string, rest: Omit<Trigger, 'kind' | 'label' | 'id' | 'name'>): Trigger => ({ ...base, id: `t.${name}`, name, ...rest });

function change(action: RecordChange['action'], record: Record<string, unknown>, previous: Record<string, unknown> | null = null, transitions: RecordChange['transitions'] = []): RecordChange {
  const changes: Record<string, [unknown, unknown]> = {};
  if (previous) for (const key of Object.keys(record)) if (record[key] !== previous[key]) changes[key] = [previous[key], record[key]];
  return { entity: 'deal', action, record: { id: 'd1', ...record }, previous: previous ? { id: 'd1', ...previous } : null, changes, transitions, actor: { userId: 'u1', via: 'ui' } };
}

describe('matching', () => {
  test('created, updated (only with a change), deleted; restore matches none', () => {
    expect(triggerMatches(t('a', { entity: 'deal', on: 'created' }), change('create', { stage: 'new' }))).toBe(true);
    expect(triggerMatches(t('a', { entity: 'deal', on: 'created' }), change('update', { stage: 'new' }, { stage: 'new' }))).toBe(false);
    expect(triggerMatches(t('b', { entity: 'deal', on: 'updated' }), change('update', { stage: 'new' }, { stage: 'new' }))).toBe(false);
    expect(triggerMatches(t('b', { entity: 'deal', on: 'updated' }), change('update', { stage: 'offer' }, { stage: 'new' }))).toBe(true);
    expect(triggerMatches(t('c', { entity: 'deal', on: 'deleted' }), change('delete', {}))).toBe(true);
    expect(triggerMatches(t('c', { entity: 'deal', on: 'deleted' }), change('restore', {}))).toBe(false);
    expect(triggerMatches(t('d', { entity: 'lead', on: 'created' }), change('create', {}))).toBe(false);
  });

  test('fieldChanged: an update changing the field, or a create setting it', () => {
    const trigger = t('f', { entity: 'deal', on: 'fieldChanged', field: 'owner' });
    expect(triggerMatches(trigger, change('update', { owner: 'b', title: 'x' }, { owner: 'a', title: 'x' }))).toBe(true);
    expect(triggerMatches(trigger, change('update', { owner: 'a', title: 'y' }, { owner: 'a', title: 'x' }))).toBe(false);
    expect(triggerMatches(trigger, change('create', { owner: 'a' }))).toBe(true);
    expect(triggerMatches(trigger, change('create', { owner: null }))).toBe(false);
  });

  test('stateEntered: a transition into the state (any state without one), or a create in it', () => {
    const offering = t('s', { entity: 'deal', on: 'stateEntered', field: 'stage', state: 'offering' });
    const any = t('s', { entity: 'deal', on: 'stateEntered', field: 'stage' });
    const moved = change('update', { stage: 'offering' }, { stage: 'new' }, [{ field: 'stage', from: 'new', to: 'offering' }]);
    expect(triggerMatches(offering, moved)).toBe(true);
    expect(triggerMatches(offering, change('update', { stage: 'lost' }, { stage: 'new' }, [{ field: 'stage', from: 'new', to: 'lost' }]))).toBe(false);
    expect(triggerMatches(any, moved)).toBe(true);
    expect(triggerMatches(any, change('create', { stage: 'new' }))).toBe(true);
    expect(triggerMatches(offering, change('create', { stage: 'new' }))).toBe(false);
  });
});

describe('evaluation', () => {
  test('conditions and variables are FEEL over the record, with previous and action', () => {
    const triggers = [
      t('start', { entity: 'deal', on: 'updated', condition: 'amount > 1000 and previous.amount <= 1000', start: { process: 'big-deal', variables: { amount: 'amount', grew: 'amount - previous.amount' } } }),
      t('msg', { entity: 'deal', on: 'updated', message: { name: 'deal-changed', correlationKey: 'id', variables: { action: 'action' } } }),
      t('never', { entity: 'deal', on: 'updated', condition: 'amount < 0', start: { process: 'nope' } }),
    ];
    const outcome = evaluateTriggers(triggers, change('update', { amount: 5000, title: 'Fleet' }, { amount: 900, title: 'Fleet' }));
    expect(outcome.problems).toEqual([]);
    expect(outcome.messages).toEqual([{ trigger: 'msg', name: 'deal-changed', correlationKey: 'd1', variables: { action: 'update' } }]);
    expect(outcome.starts).toEqual([
      { trigger: 'start', processId: 'big-deal', variables: { entity: 'deal', recordId: 'd1', record: { id: 'd1', amount: 5000, title: 'Fleet' }, amount: 5000, grew: 4100 } },
    ]);
  });

  test('a correlation key that is not text or a number is a reported problem, never an exception', () => {
    const outcome = evaluateTriggers([t('m', { entity: 'deal', on: 'created', message: { name: 'x', correlationKey: 'missing' } })], change('create', {}));
    expect(outcome.messages).toEqual([]);
    expect(outcome.problems).toEqual([expect.stringContaining('correlation key gave null')]);
  });
});

describe('user task forms', () => {
  const forms = {
    approval: {
      components: [
        { type: 'radio', key: 'decision', validate: { required: true }, values: [{ value: 'yes' }, { value: 'no' }] },
        { type: 'group', components: [{ type: 'number', key: 'discount', validate: { min: 0, max: 30 } }, { type: 'textfield', key: 'code', validate: { pattern: '[A-Z]{3}' } }] },
        { type: 'checkbox', key: 'urgent' },
        { type: 'text', text: 'no key: ignored' },
      ],
    },
  };

  test('embedded forms are found by camunda-forms:bpmn:<id>; other keys have no schema', () => {
    expect(formOf('camunda-forms:bpmn:approval', forms)).toBe(forms.approval);
    expect(formOf('approval', forms)).toBe(forms.approval);
    expect(formOf('discount-form', forms)).toBeNull();
    expect(formOf(null, forms)).toBeNull();
  });

  test('required, allowed values, bounds, patterns and types, with pointers', () => {
    const form = formOf('camunda-forms:bpmn:approval', forms)!;
    expect(checkFormData(form, { decision: 'yes', discount: 10, code: 'ABC', urgent: true })).toEqual([]);
    expect(checkFormData(form, { decision: 'maybe', discount: 31, code: 'abc', urgent: 'yes' }).map((p) => p.pointer)).toEqual(['/decision', '/discount', '/code', '/urgent']);
    expect(checkFormData(form, {})).toEqual([{ pointer: '/decision', detail: 'is required', code: 'REQUIRED' }]);
  });
});
