import { describe, expect, it } from 'vitest';
import { call, set } from './helpers.js';

const values: Array<[unknown, string]> = [
  [null, 'null'],
  [false, 'boolean'],
  [1.5, 'number'],
  ['', 'string'],
  [[], 'array'],
  [{}, 'object'],
  [set(), 'set'],
];

describe('type checks', () => {
  it.each(values)('type_name(%j) = %s', (v, t) => {
    expect(call('type_name', v)).toBe(t);
  });
  it.each(values)('is_* of %j is true only for %s', (v, t) => {
    for (const [, other] of values) expect(call(`is_${other}`, v)).toBe(other === t);
  });
});
