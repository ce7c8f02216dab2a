import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProxyError } from '../../src/proxy/errors.js';
import { describeJsonError, isJsonMediaType, jsonDepth, jsonFault, MAX_JSON_DEPTH, readJsonBody } from '../../src/proxy/json-body.js';

// Request bodies: media types, and JSON errors that say where without quoting.

function refusal(f: () => unknown): ProxyError {
  try {
    f();
  } catch (e) {
    if (e instanceof ProxyError) return e;
    throw e;
  }
  throw new Error('expected a ProxyError');
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('media types', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['application/json', true],
    ['Application/JSON; charset=UTF-8', true],
    ['application/vnd.api+json', true],
    ['application/json; charset=latin1', false],
    ['text/plain', false],
    ['application/x-www-form-urlencoded', false],
    ['multipart/form-data; boundary=x', false],
  ])('%s → %s', (type, ok) => {
    expect(isJsonMediaType(type)).toBe(ok);
  });
});

describe('readJsonBody', () => {
  const buf = (s: string): Buffer => Buffer.from(s, 'utf8');

  it('parses JSON; a bodiless GET is undefined', () => {
    expect(readJsonBody('POST', 'application/json', buf('{"a": [1, "x"]}'))).toEqual({ a: [1, 'x'] });
    expect(readJsonBody('GET', undefined, undefined)).toBeUndefined();
    expect(readJsonBody('GET', undefined, buf(''))).toBeUndefined();
  });

  it('refuses: 415 for another media type, 400 for empty, non-UTF-8, malformed, too deep', () => {
    expect(refusal(() => readJsonBody('POST', 'text/plain', buf('{}')))).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    expect(refusal(() => readJsonBody('POST', 'application/json', buf('')))).toMatchObject({ status: 400, code: 'invalid_json' });
    expect(refusal(() => readJsonBody('POST', 'application/json', Buffer.from([0x7b, 0xff, 0x7d])))).toMatchObject({ status: 400, message: expect.stringContaining('UTF-8') });
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    expect(refusal(() => readJsonBody('POST', undefined, buf(deep)))).toMatchObject({ status: 400, message: expect.stringContaining('256 levels') });
    expect(readJsonBody('POST', undefined, buf('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)))).toBeDefined();
  });

  it('names line and column and never quotes the body', () => {
    const e = refusal(() => readJsonBody('POST', undefined, buf('{\n  "key": sk-secret-value\n}')));
    expect(e.message).toBe('the request body is not valid JSON: unexpected character at line 2, column 10 (character 11)');
  });
});

describe('describeJsonError', () => {
  it.each([
    ['{"a": 1,}', "expected a property name in double quotes at line 1, column 9 (character 8)"],
    ['{"a" 1}', "expected ':' after a property name at line 1, column 6 (character 5)"],
    ['[1 2]', "expected ',' or ']' after an array element at line 1, column 4 (character 3)"],
    ['{"a": "x\\q"}', 'bad escape in a string at line 1, column 9 (character 8)'],
    ['"abc', 'unexpected end of input at the end of the body'],
    ['{} x', 'unexpected character after the JSON value at line 1, column 4 (character 3)'],
    ['-', 'bad number at line 1, column 1 (character 0)'],
    ['["\\u12"]', 'bad \\u escape in a string at line 1, column 3 (character 2)'],
    ['01', 'unexpected character after the JSON value at line 1, column 2 (character 1)'],
  ])('%s', (text, message) => {
    expect(parses(text)).toBe(false);
    expect(describeJsonError(text)).toBe(message);
  });
});

describe('the scanner agrees with JSON.parse', () => {
  it('on every JSON text', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 6 }), (text) => {
        expect(jsonFault(text)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('on JSON texts with a character inserted, deleted or cut off', () => {
    const edited = fc
      .tuple(fc.json({ maxDepth: 4 }), fc.nat(), fc.constantFrom('insert', 'delete', 'cut'), fc.constantFrom(',', '"', '}', ']', ':', 'x', ' ', '\\', '\n', '-', '.', 'e', '0'))
      .map(([text, n, op, c]) => {
        const at = text.length === 0 ? 0 : n % text.length;
        if (op === 'insert') return text.slice(0, at) + c + text.slice(at);
        if (op === 'delete') return text.slice(0, at) + text.slice(at + 1);
        return text.slice(0, at);
      });
    fc.assert(
      fc.property(edited, (text) => {
        const fault = jsonFault(text);
        expect(fault === undefined).toBe(parses(text));
        if (fault) expect(fault.offset).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('on arbitrary short strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12, unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '1', '-', 'e', '.', ' ', 't', 'r', 'u', 'n', 'l', '\\') }), (text) => {
        expect(jsonFault(text) === undefined).toBe(parses(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('jsonDepth counts brackets outside strings only', () => {
    expect(jsonDepth('{"a": "[[[[", "b": [[1]]}')).toBe(3);
    expect(jsonDepth('"\\"[["')).toBe(0);
  });
});
