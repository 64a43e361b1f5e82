// The FEEL context handed to the parser holds only the names an expression can mention (the parse
// cost grows with every key; a trigger on a wide record with `previous` paid it per update), and
// what an expression evaluates to is the same as with the whole context.
import { describe, expect, it } from '@jest/globals';
import { evaluateFeel, feelContextFor, keptFeelResults } from '../../metadata/feel.ts';

const record: Record<string, unknown> = { status: 'resolved', deadline: null, sms_status: 'sent', subject: 'x', 'due date': '2026-01-01', product: 'p' };
const context = { ...record, previous: { ...record, sms_status: 'queued' }, action: 'update' };

describe('feelContextFor', () => {
  it('keeps the names the text mentions, and only the read fields of a nested record', () => {
    const cut = feelContextFor('status != previous.status or deadline != previous.deadline', context);
    expect(Object.keys(cut).sort()).toEqual(['deadline', 'previous', 'status']);
    expect(Object.keys(cut.previous as object).sort()).toEqual(['deadline', 'status']);
  });

  it('keeps a nested record whole where the text reads it as a value, and names with spaces by their first word', () => {
    const cut = feelContextFor('count(get entries(previous)) > 0 and due date != null', context);
    expect(Object.keys(cut.previous as object)).toHaveLength(Object.keys(context.previous).length);
    expect(cut['due date']).toBe('2026-01-01');
  });

  it('evaluates as with the whole context', () => {
    expect(evaluateFeel('sms_status != previous.sms_status', context)).toBe(true);
    expect(evaluateFeel('count(get entries(previous))', context)).toBe(Object.keys(context.previous).length);
    expect(evaluateFeel('due date', context)).toBe('2026-01-01');
    expect(evaluateFeel('product', context)).toBe('p');
    expect(evaluateFeel('missing = null', context)).toBe(true);
  });
});

describe('kept results', () => {
  it('keeps the result of a text for the values it reads, and never one that reads the clock or non-plain values', () => {
    const condition = 'status = "open" and deadline != previous.deadline';
    const before = keptFeelResults();
    expect(evaluateFeel(condition, { ...context, subject: 'a' })).toBe(false);
    expect(keptFeelResults()).toBe(before + 1);
    // Other values of fields the text does not read: the same entry.
    expect(evaluateFeel(condition, { ...context, subject: 'b', sms_status: 'delivered' })).toBe(false);
    expect(keptFeelResults()).toBe(before + 1);
    // Other values of what it reads: another result, not the kept one.
    expect(evaluateFeel(condition, { ...context, status: 'open', deadline: '2026-12-01' })).toBe(true);
    expect(keptFeelResults()).toBe(before + 2);
    expect(evaluateFeel('today() != null', context)).toBe(true);
    expect(evaluateFeel('x != null', { x: new Date() })).toBe(true);
    expect(evaluateFeel('string length(x) > 0', { x: 'a'.repeat(5000) })).toBe(true);
    expect(keptFeelResults()).toBe(before + 2);
  });
});
