import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonError, parseJson } from '../../src/loader/json.js';

describe('parseJson', () => {
  it('parses valid JSON (and a leading BOM)', () => {
    expect(parseJson('{"a": [1, 2.5e3, "x\\n", true, null]}')).toEqual({ ok: true, value: { a: [1, 2500, 'x\n', true, null] } });
    expect(parseJson('\uFEFF[1]')).toEqual({ ok: true, value: [1] });
  });

  it.each([
    ['{"a": 1,}', 8, 'trailing comma'],
    ['{"a" 1}', 5, "expected ':'"],
    ['{"a": }', 6, 'expected a value'],
    ["{'a': 1}", 1, 'single quote'],
    ['[1 2]', 3, "expected ',' or ']'"],
    ['{"a": "b', 6, 'unterminated string'],
    ['[1]\n]', 4, 'after the JSON value'],
    ['{"a": 01}', 7, "expected ',' or '}'"],
    ['["\\x"]', 2, 'invalid escape'],
    ['[', 1, 'unexpected end of input'],
    ['', 0, 'unexpected end of input'],
    ['{"a": tru}', 6, 'expected a value'],
  ])('locates the error in %j', (text, offset, message) => {
    const r = parseJson(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.offset).toBe(offset);
    expect(r.error.message).toContain(message);
  });

  it('survives hostile nesting without overflowing the stack', () => {
    const deep = '['.repeat(200_000);
    expect(findJsonError(deep)).toEqual({ offset: 200_000, message: 'unexpected end of input' });
  });

  it('agrees with JSON.parse on what is valid', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string({ maxLength: 30 })), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(findJsonError(text) === undefined).toBe(valid);
      }),
      { numRuns: 300 },
    );
  });
});
