// FEEL conditions as an editor checks them while they are typed: a syntax error with where it is,
// names that are no field of the record (function names are not), and the names with their places.
import { feelConditionProblems, feelNameRefs } from '../../../metadata/index.ts';

const FIELDS = ['contractor_type', 'employees', 'tags'];

describe('feelConditionProblems', () => {
  test('a valid condition over known fields has no problems', () => {
    expect(feelConditionProblems('contractor_type = "company" and employees > 10', FIELDS)).toEqual({ syntax: null, unknown: [] });
  });

  test('a syntax error says where it is', () => {
    const { syntax, unknown } = feelConditionProblems('contractor_type = "company" and', FIELDS);
    expect(syntax?.position.from).toBeGreaterThanOrEqual(27);
    expect(syntax?.message).toBeTruthy();
    expect(unknown).toEqual([]);
  });

  test('names that are not fields are flagged with their place; called functions and filter items are not', () => {
    const expression = 'list contains(tags, "vip") and contractr_type = "company" and count(tags[item != null]) > 0';
    const { syntax, unknown } = feelConditionProblems(expression, FIELDS);
    expect(syntax).toBeNull();
    expect(unknown.map((r) => [r.name, r.position])).toEqual([['contractr_type', { from: 31, to: 45 }]]);
    expect(expression.slice(31, 45)).toBe('contractr_type');
  });
});

describe('feelNameRefs', () => {
  test('every name read, in order, calls marked; an unfinished expression gives the names read so far', () => {
    expect(feelNameRefs('today() > start and x = 1').map((r) => [r.name, r.call])).toEqual([['today', true], ['start', false], ['x', false]]);
    expect(feelNameRefs('x >').map((r) => r.name)).toEqual(['x']);
  });
});
