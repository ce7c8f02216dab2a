import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJSON, canonicalJSONBytes, compareCodePoints, encodeString } from '../../src/bundle/canonical.js';
import { BundleError } from '../../src/bundle/errors.js';
import { hashFile } from '../../src/bundle/hash.js';

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
/** bytes of `"`, the given raw bytes, `"` */
const quoted = (...raw: number[]): Uint8Array => new Uint8Array([0x22, ...raw, 0x22]);

// Each expected string was derived by hand from Go's rules (encoding/json decoding
// with UseNumber, hash.go's walk, an Encoder with SetEscapeHTML(false)), not by
// running the code under test.
const VECTORS: [name: string, input: string, canonical: string][] = [
  ['keys sorted, whitespace dropped', '{ "b": 1, "a": 2 }', '{"a":2,"b":1}'],
  ['nested objects sorted at every level', '{"a":{"d":[],"c":{}},"b":null}', '{"a":{"c":{},"d":[]},"b":null}'],
  ['numbers exactly as written', ' [ 1 , 2.50 , -0 , 1E+2 , 0.1e-7 , 1.0 ] ', '[1,2.50,-0,1E+2,0.1e-7,1.0]'],
  ['big numbers untouched', '{"n": 12345678901234567890123456789.000000000000000000001}', '{"n":12345678901234567890123456789.000000000000000000001}'],
  ['duplicate key: last wins', '{"a":1,"a":2}', '{"a":2}'],
  ['duplicate key: last value, sorted position', '{"b":0,"a":1,"b":2}', '{"a":1,"b":2}'],
  ['no HTML escaping', '"<tag> & \\u003c \\u0026"', '"<tag> & < &"'],
  ['escaped slash decoded', '"a\\/b"', '"a/b"'],
  ['short escapes, \\b and \\f included (Go >= 1.22)', '"\\u0008\\u000C\\n\\r\\t"', '"\\b\\f\\n\\r\\t"'],
  ['other controls as \\u00xx lowercase, DEL raw', '"\\u0000\\u001F\\u007f"', '"\\u0000\\u001f\u007f"'],
  ['U+2028 and U+2029 stay escaped', '"\u2028\\u2029"', '"\\u2028\\u2029"'],
  ['quote and backslash', '"\\"\\\\"', '"\\"\\\\"'],
  ['non-ASCII written raw', '"\\u00e9\\u00C9"', '"éÉ"'],
  ['escaped surrogate pair joined', '"\\uD83D\\uDE00"', '"😀"'],
  ['lone high surrogate becomes U+FFFD', '"\\ud83d"', '"\ufffd"'],
  ['high surrogate then a letter', '"\\ud83dx"', '"\ufffdx"'],
  ['low before high: two replacements', '"\\ude00\\ud83d"', '"\ufffd\ufffd"'],
  ['high, then a valid pair', '"\\ud83d\\ud83d\\ude00"', '"\ufffd😀"'],
  ['keys in code point order (astral after U+FFFF)', '{"😀":1,"\\uffff":2,"\\ue000":3,"é":4,"z":5,"Z":6,"":7}', '{"":7,"Z":6,"z":5,"é":4,"\ue000":3,"\uffff":2,"😀":1}'],
  ['escaped and raw keys are the same key', '{"\\u0061":1,"a":2}', '{"a":2}'],
  ['top-level string', '"x"', '"x"'],
  ['top-level literal', ' true ', 'true'],
  ['null', 'null', 'null'],
  ['all four whitespace characters', '\t{\r\n "a" :\n[ ] }\n', '{"a":[]}'],
  ['byte order mark stripped', '\ufeff{"a":1}', '{"a":1}'],
  ['empty containers', '[[],{},[{}]]', '[[],{},[{}]]'],
];

describe('canonicalJSON: test vectors', () => {
  it.each(VECTORS)('%s', (_name, input, canonical) => {
    expect(canonicalJSON(input)).toBe(canonical);
    // the digest OPA records is SHA-256 over the canonical text's UTF-8 bytes
    expect(hashFile('data.json', utf8(input))).toBe(sha256(canonical));
  });

  it('pins a few digests as literal hex', () => {
    expect(hashFile('data.json', utf8(' { } '))).toBe('44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    expect(hashFile('data.json', utf8('null'))).toBe('74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b');
  });

  it('does not use JS default (UTF-16) key order', () => {
    const keys = ['😀', '\uffff'];
    expect([...keys].sort()).toEqual(['😀', '\uffff']); // what JS would do
    expect(canonicalJSON('{"😀":1,"\\uffff":2}')).toBe('{"\uffff":2,"😀":1}');
  });
});

describe('canonicalJSONBytes: invalid UTF-8 decoded the way Go does (one U+FFFD per bad byte)', () => {
  const cases: [string, Uint8Array, string][] = [
    ['truncated 3-byte sequence', quoted(0xe2, 0x82), '"\ufffd\ufffd"'],
    ['overlong encoding', quoted(0xc0, 0xaf), '"\ufffd\ufffd"'],
    ['UTF-8 encoded surrogate', quoted(0xed, 0xa0, 0x80), '"\ufffd\ufffd\ufffd"'],
    ['above U+10FFFF', quoted(0xf4, 0x90, 0x80, 0x80), '"\ufffd\ufffd\ufffd\ufffd"'],
    ['stray byte', quoted(0x61, 0xff, 0x62), '"a\ufffdb"'],
    ['valid 4-byte sequence kept', quoted(0xf0, 0x9f, 0x98, 0x80), '"😀"'],
    ['key colliding with U+FFFD after replacement', new Uint8Array([...utf8('{"\\ufffd":1,"'), 0xff, ...utf8('":2}')]), '{"\ufffd":2}'],
  ];
  it.each(cases)('%s', (_name, bytes, canonical) => {
    expect(canonicalJSONBytes(bytes)).toBe(canonical);
    expect(hashFile('data.json', bytes)).toBe(sha256(canonical));
  });

  it('differs from what a WHATWG TextDecoder would give', () => {
    const bytes = quoted(0xe2, 0x82);
    expect(new TextDecoder().decode(bytes)).toBe('"\ufffd"');
    expect(canonicalJSONBytes(bytes)).toBe('"\ufffd\ufffd"');
  });
});

describe('canonicalJSON: malformed JSON', () => {
  const cases: [string, string, string, RegExp][] = [
    ['empty', '', '1:1', /expected a JSON value/],
    ['trailing comma in object', '{"a":1,}', '1:8', /expected a string for an object key/],
    ['missing colon', '{"a" 1}', '1:6', /expected ':'/],
    ['missing comma', '[1 2]', '1:4', /expected ',' or '\]'/],
    ['leading zero', '[01]', '1:3', /expected ',' or '\]'/],
    ['content after the value', '{"a":1}\n x', '2:2', /end of input/],
    ['bad escape', '"\\x"', '1:3', /valid escape/],
    ['raw control character', '"a\tb"', '1:3', /control character/],
    ['unterminated string', '"abc', '1:5', /end the string/],
    ['bare minus', '-', '1:2', /digit/],
    ['fraction without digits', '1.', '1:3', /digit/],
    ['exponent without digits', '1e+', '1:4', /digit/],
    ['truncated literal', 'tru', '1:1', /expected a JSON value/],
    ['NaN', 'NaN', '1:1', /expected a JSON value/],
    ['single quotes', "{'a':1}", '1:2', /object key/],
    ['short \\u escape', '"\\u12"', '1:4', /four hex digits/],
    ['unclosed containers, line 3', '{"a":\n  [1,\n   }', '3:4', /expected a JSON value/],
    ['columns count characters, not bytes', '["é", x]', '1:7', /expected a JSON value/],
  ];
  it.each(cases)('%s', (_name, input, at, reason) => {
    let err: unknown;
    try {
      canonicalJSON(input, 'app/data.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BundleError);
    const be = err as BundleError;
    expect(be.code).toBe('bundle_data_error');
    expect(be.file).toBe('app/data.json');
    expect(be.message).toContain(`app/data.json: invalid JSON at ${at}:`);
    expect(be.message).toMatch(reason);
  });

  it('accepts nesting as deep as Go does (10000) and no deeper', () => {
    const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    expect(canonicalJSON(deep(10_000))).toBe(deep(10_000));
    expect(() => canonicalJSON(deep(10_001))).toThrow(/nesting deeper than 10000/);
    const obj = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    expect(canonicalJSON(obj)).toBe(obj);
  });
});

describe('canonicalJSON: data.yaml', () => {
  const cases: [string, string, string][] = [
    ['mapping', 'foo: 1', '{"foo":1}'],
    ['sorted, floats as Go prints them', 'b: 2\na: [1, 2.0, "x", 1.5e3, 1.0e-7]', '{"a":[1,2,"x",1500,1e-7],"b":2}'],
    ['valid JSON is read as JSON, literals kept', '{"b": 1.0, "a": 1E2}', '{"a":1E2,"b":1.0}'],
    ['YAML 1.1 booleans (go-yaml v2)', 'a: yes\nb: off\nc: True\nd: "yes"', '{"a":true,"b":false,"c":true,"d":"yes"}'],
    ['timestamps and base-60 stay strings', 'time: 12:30\ndate: 2001-12-14', '{"date":"2001-12-14","time":"12:30"}'],
    ['hex and octal integers', 'h: 0x1F\no: 0755', '{"h":31,"o":493}'],
    ['integers beyond 2^53 exact', 'i: 9007199254740993\nu: 18446744073709551615', '{"i":9007199254740993,"u":18446744073709551615}'],
    ['integers beyond uint64 become float64', 'f: 123456789012345678901234', '{"f":1.2345678901234569e+23}'],
    ['keys y and n are YAML 1.1 booleans, stringified', 'y: 1\nn: 2', '{"false":2,"true":1}'],
    ['duplicate keys: last wins (go-yaml v2 Unmarshal)', 'a: 1\nb: 0\na: 2', '{"a":2,"b":0}'],
    ['negative zero float keeps its sign', 'z: -0.0\ni: -0', '{"i":0,"z":-0}'],
    ['null forms', 'a: ~\nb: null\nc:', '{"a":null,"b":null,"c":null}'],
    ['empty document', '', 'null'],
    ['strings escaped like JSON', 'a: "<\\t>\\u2028"', '{"a":"<\\t>\\u2028"}'],
    ['astral keys last', '"😀": 1\n"\\uFFFF": 2', '{"\uffff":2,"😀":1}'],
  ];
  it.each(cases)('%s', (_name, input, canonical) => {
    expect(canonicalJSON(input, 'x/data.yaml')).toBe(canonical);
    expect(hashFile('x/data.yaml', utf8(input))).toBe(sha256(canonical));
  });

  const bad: [string, string, RegExp][] = [
    ['unclosed flow sequence', 'a: [1, 2\nb: 3', /x\/data\.yaml: invalid YAML at \d+:\d+/],
    ['a second document', 'a: 1\n---\nb: 2', /x\/data\.yaml: invalid YAML/],
    ['NaN', 'a: .nan', /cannot be represented in JSON/],
    ['infinity', 'a: -.inf', /cannot be represented in JSON/],
  ];
  it.each(bad)('rejects %s', (_name, input, message) => {
    try {
      canonicalJSON(input, 'x/data.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BundleError);
      expect((e as BundleError).code).toBe('bundle_data_error');
      expect((e as BundleError).file).toBe('x/data.yaml');
      expect((e as BundleError).message).toMatch(message);
    }
  });

  it('reads .json files as JSON only', () => {
    expect(() => canonicalJSON('foo: 1', 'data.json')).toThrow(/invalid JSON at 1:1/);
  });
});

describe('encodeString and compareCodePoints', () => {
  it('orders like Go: byte order of UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const want = Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
        expect(Math.sign(compareCodePoints(a, b))).toBe(want);
      }),
    );
  });

  it('round-trips through JSON.parse for well-formed strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const encoded = encodeString(s);
        // what a lone surrogate becomes in UTF-8: U+FFFD
        const wellFormed = Buffer.from(s, 'utf8').toString('utf8');
        expect(JSON.parse(encoded)).toBe(wellFormed);
        expect(encoded).not.toMatch(/[\u0000-\u001f\u2028\u2029]/);
      }),
    );
  });
});

/** JSON text for a value with shuffled keys and random whitespace. */
function scramble(value: unknown, rnd: () => number): string {
  const ws = (): string => [' ', '\n', '\t', '\r\n', ''][Math.floor(rnd() * 5)]!;
  if (Array.isArray(value)) return `[${ws()}${value.map((v) => scramble(v, rnd)).join(`${ws()},${ws()}`)}${ws()}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    return `{${ws()}${entries.map(([k, v]) => `${JSON.stringify(k)}${ws()}:${ws()}${scramble(v, rnd)}`).join(`,${ws()}`)}${ws()}}`;
  }
  return JSON.stringify(value);
}

describe('canonicalJSON: properties', () => {
  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const once = canonicalJSON(text);
        expect(canonicalJSON(once)).toBe(once);
      }),
    );
  });

  it('does not depend on whitespace or key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (value, seed) => {
        let s = seed;
        const rnd = (): number => {
          s = (Math.imul(s, 1103515245) + 12345) | 0;
          return ((s >>> 8) & 0xffff) / 0x10000;
        };
        const plain = JSON.stringify(value);
        expect(hashFile('data.json', utf8(scramble(value, rnd)))).toBe(hashFile('data.json', utf8(plain)));
      }),
    );
  });

  it('keeps the value (for documents without big numbers)', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(JSON.parse(canonicalJSON(text))).toEqual(JSON.parse(text));
      }),
    );
  });

  it('keeps every number literal exactly', () => {
    const literal = fc
      .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.option(fc.nat()), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.nat(400))))
      .map(([neg, int, frac, exp]) => `${neg ? '-' : ''}${int}${frac === null ? '' : `.${frac}`}${exp === null ? '' : `${exp[0]}${exp[1]}${exp[2]}`}`);
    fc.assert(
      fc.property(fc.array(literal, { maxLength: 8 }), (nums) => {
        expect(canonicalJSON(`[ ${nums.join(' , ')} ]`)).toBe(`[${nums.join(',')}]`);
      }),
    );
  });
});
