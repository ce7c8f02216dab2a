import { describe, expect, it } from 'vitest';
import { MAX_RANGE } from '../../../src/runtime/builtins/numbers.js';
import { call, expectBuiltinError, expectTypeError, set, toJSON } from './helpers.js';

describe('arithmetic', () => {
  const cases: Array<[string, number, number, number]> = [
    ['plus', 2, 3, 5],
    ['plus', 1.5, 2.5, 4],
    ['plus', 2147483647, 1, 2147483648],
    ['minus', 1, 2.5, -1.5],
    ['mul', 2147483647, 2147483647, 4611686014132420609],
    ['mul', 2.5, 2, 5],
    ['div', 6, 3, 2],
    ['div', -6, 3, -2],
    ['div', 1, 4, 0.25],
    ['div', 0, 5, 0],
    ['rem', -17, 5, -2],
    ['rem', 17, -5, 2],
    ['rem', 4.0, 3, 1],
  ];
  it.each(cases)('%s(%d, %d) = %d', (name, a, b, want) => {
    expect(call(name, a, b)).toBe(want);
  });

  it('never returns negative zero', () => {
    expect(Object.is(call('mul', -1, 0), 0)).toBe(true);
  });

  it('reports division and modulo errors as OPA does', () => {
    expectBuiltinError('div: divide by zero', 'div', 1, 0);
    expectBuiltinError('divide by zero', 'div', 1, 0.0);
    expectBuiltinError('rem: modulo by zero', 'rem', 4, 0);
    expectBuiltinError('modulo on floating-point number', 'rem', 1.1, 1);
    expectBuiltinError('modulo on floating-point number', 'rem', 1.5, 0);
  });

  it('rejects results that overflow float64', () => {
    expectBuiltinError('out of range', 'mul', 1e308, 10);
  });

  it('reports operand types', () => {
    expectTypeError('plus: operand 1 must be number but got string', 'plus', 'a', 1);
    expectTypeError('mul: operand 2 must be number but got array', 'mul', 1, []);
    expectTypeError('div: operand 2 must be number but got null', 'div', 1, null);
  });
});

describe('minus', () => {
  it('subtracts sets', () => {
    expect(toJSON(call('minus', set(1, 2, 'c'), set('c', 1))!)).toEqual([2]);
    expect(toJSON(call('minus', set(1), set(1))!)).toEqual([]);
  });
  it('reports mixed operands with OPA wording', () => {
    expectTypeError('operand 2 must be set but got number', 'minus', set(1), 1);
    expectTypeError('operand 2 must be number but got set', 'minus', 1, set(1));
    expectTypeError('minus: operand 1 must be one of {number, set} but got string', 'minus', 'a', 1);
  });
});

describe('rounding', () => {
  const cases: Array<[string, number, number]> = [
    ['abs', -5, 5],
    ['abs', -2.5, 2.5],
    ['round', 2.5, 3],
    ['round', -2.5, -3],
    ['round', 2.4, 2],
    ['round', -5, -5],
    ['round', 0.49999999999999994, 0],
    ['ceil', 1.01, 2],
    ['ceil', -0.5, 0],
    ['floor', 1.5, 1],
    ['floor', 99.99999, 99],
    ['floor', -1.001, -2],
  ];
  it.each(cases)('%s(%d) = %d', (name, x, want) => {
    expect(call(name, x)).toBe(want);
    expect(Object.is(call(name, x), -0)).toBe(false);
  });
  it('requires numbers', () => {
    expectTypeError('round: operand 1 must be number but got string', 'round', '1');
  });
});

describe('numbers.range', () => {
  it('counts up, down and single', () => {
    expect(call('numbers.range', 1, 4)).toEqual([1, 2, 3, 4]);
    expect(call('numbers.range', 2, -1)).toEqual([2, 1, 0, -1]);
    expect(call('numbers.range', 1, 1)).toEqual([1]);
  });
  it('steps', () => {
    expect(call('numbers.range_step', 0, 10, 3)).toEqual([0, 3, 6, 9]);
    expect(call('numbers.range_step', 10, 0, 5)).toEqual([10, 5, 0]);
    expectBuiltinError('numbers.range_step: step must be a positive integer', 'numbers.range_step', 0, 10, 0);
  });
  it('rejects fractions and non-numbers', () => {
    expectTypeError('numbers.range: operand 1 must be integer number but got floating-point number', 'numbers.range', 1.5, 2);
    expectTypeError('numbers.range: operand 2 must be integer but got string', 'numbers.range', 1, 'x');
  });
  it('refuses ranges that would exhaust memory', () => {
    expectBuiltinError('range too large', 'numbers.range', 0, MAX_RANGE * 10);
  });
});

describe('to_number', () => {
  const cases: Array<[unknown, number]> = [
    [null, 0],
    [true, 1],
    [false, 0],
    [-3.5, -3.5],
    ['10', 10],
    ['-1.5e3', -1500],
    ['.5', 0.5],
    ['+7', 7],
  ];
  it.each(cases)('to_number(%j) = %d', (x, want) => {
    expect(call('to_number', x)).toBe(want);
  });
  it('rejects what Go cannot parse and non-finite words', () => {
    expectBuiltinError('strconv.ParseFloat: parsing "abc": invalid syntax', 'to_number', 'abc');
    expectBuiltinError('invalid syntax', 'to_number', ' 1');
    expectBuiltinError('value out of range', 'to_number', '1e400');
    expectTypeError('to_number: operand 1 must be valid number string but got string', 'to_number', 'Inf');
    expectTypeError('operand 1 must be one of {null, boolean, number, string} but got array', 'to_number', []);
  });
});
