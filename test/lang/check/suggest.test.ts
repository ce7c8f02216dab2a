import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../../src/lang/check/suggest.js';

describe('did-you-mean', () => {
  it.each([
    ['card', 'card', 0],
    ['crad', 'card', 1],
    ['lowr', 'lower', 1],
    ['is_researcher', 'is_research', 2],
    ['abc', 'xyz', 3],
  ])('editDistance(%s, %s) = %i', (a, b, d) => {
    expect(editDistance(a, b, 10)).toBe(d);
  });

  it('gives up past the limit', () => {
    expect(editDistance('aaaaaaaa', 'bbbbbbbb', 2)).toBe(3);
  });

  it('picks the closest plausible name, or none', () => {
    expect(closest('uper', ['upper', 'lower', 'count'])).toBe('upper');
    expect(closest('is_researcher', ['is_admin', 'is_research'])).toBe('is_research');
    expect(closest('totally_else', ['count', 'upper'])).toBeUndefined();
    expect(closest('count', ['count'])).toBeUndefined();
  });
});
