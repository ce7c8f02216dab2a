import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePath, formatPath, JsonPathError, matchPath, MAX_PATH_LENGTH, parsePath, type Segment } from '../../../src/proxy/protocols/jsonpath.js';

const doc = {
  query: 'find jane',
  documents: [
    { id: 1, text: 'first', tags: ['a', 'b'] },
    { id: 2, text: 'second', meta: { 'odd key': 'x' } },
  ],
  'with space': { "it's": 'quoted' },
};

function error(path: string): JsonPathError {
  try {
    parsePath(path);
  } catch (e) {
    if (e instanceof JsonPathError) return e;
    throw e;
  }
  throw new Error(`expected ${path} to fail`);
}

describe('JSON path syntax', () => {
  it.each<[string, Segment[]]>([
    ['$', []],
    ['$.query', [{ name: 'query' }]],
    ['$.documents[0].text', [{ name: 'documents' }, { index: 0 }, { name: 'text' }]],
    ['$.documents[*].text', [{ name: 'documents' }, { wildcard: true }, { name: 'text' }]],
    ['$.documents.*', [{ name: 'documents' }, { wildcard: true }]],
    ["$['with space']", [{ name: 'with space' }]],
    ['$["double"]', [{ name: 'double' }]],
    ["$['it\\'s']", [{ name: "it's" }]],
    ["$['a\\\\b']", [{ name: 'a\\b' }]],
    ["$['\\u00e9\\n']", [{ name: 'é\n' }]],
    ['$.snake_case.$dollar.kebab-case', [{ name: 'snake_case' }, { name: '$dollar' }, { name: 'kebab-case' }]],
    ['$[12]', [{ index: 12 }]],
    ["$['']", [{ name: '' }]],
  ])('%s', (path, segments) => {
    expect(parsePath(path)).toEqual(segments);
  });

  it.each<[string, number, RegExp]>([
    ['', 0, /expected "\$"/],
    ['query', 0, /expected "\$"/],
    ['$.', 2, /expected a name or "\*"/],
    ['$..text', 2, /recursive descent/],
    ['$.a[', 4, /expected an index/],
    ['$.a[0', 5, /expected "]"/],
    ['$.a[-1]', 4, /negative indices/],
    ['$.a[01]', 4, /leading zeros/],
    ['$.a[1234567890]', 4, /too large/],
    ["$['open", 7, /unterminated string/],
    ["$['a\\q']", 4, /unknown escape/],
    ["$['\\u12']", 3, /four hex digits/],
    ['$.a b', 3, /unexpected " "/],
    ['$.a[?(@.x)]', 4, /expected an index/],
    ['$.1abc', 2, /expected a name/],
  ])('%s fails at %i', (path, position, reason) => {
    const e = error(path);
    expect(e.position).toBe(position);
    expect(e.message).toMatch(reason);
    expect(e.message).toContain(`at position ${position}`);
    expect(e.code).toBe('invalid_json_path');
  });

  it('bounds the length and the number of segments', () => {
    expect(error(`$${'.a'.repeat(MAX_PATH_LENGTH)}`).message).toMatch(/longer than/);
    expect(error(`$${'.a'.repeat(65)}`).message).toMatch(/more than 64 segments/);
  });
});

describe('JSON path evaluation', () => {
  const get = (p: string, d: unknown = doc) => compilePath(p).get(d);

  it('finds values with their concrete paths, in document order', () => {
    expect(get('$.query')).toEqual([{ path: '$.query', value: 'find jane' }]);
    expect(get('$.documents[*].text')).toEqual([
      { path: '$.documents[0].text', value: 'first' },
      { path: '$.documents[1].text', value: 'second' },
    ]);
    expect(get('$.documents[0].tags[*]').map((m) => m.path)).toEqual(['$.documents[0].tags[0]', '$.documents[0].tags[1]']);
    expect(get('$.documents[1].meta.*')).toEqual([{ path: "$.documents[1].meta['odd key']", value: 'x' }]);
    expect(get("$['with space']['it\\'s']")).toEqual([{ path: "$['with space']['it\\'s']", value: 'quoted' }]);
    expect(get('$')).toEqual([{ path: '$', value: doc }]);
  });

  it('finds nothing where the document has nothing', () => {
    expect(get('$.missing')).toEqual([]);
    expect(get('$.documents[5].text')).toEqual([]);
    expect(get('$.query[0]')).toEqual([]);
    expect(get('$.documents.text')).toEqual([]); // a name on an array
    expect(get('$[0]', { '0': 'x' })).toEqual([]); // an index on an object
    expect(get('$.x', null)).toEqual([]);
  });

  it('never reads inherited members', () => {
    expect(get('$.constructor', {})).toEqual([]);
    expect(get('$.toString', {})).toEqual([]);
    expect(get('$.length', ['a'])).toEqual([]);
    const own = JSON.parse('{"__proto__": {"text": "own"}}');
    expect(get("$['__proto__'].text", own)).toEqual([{ path: '$.__proto__.text', value: 'own' }]);
  });

  it('rewrites named values into a copy, sharing what did not change', () => {
    const before = structuredClone(doc);
    const out = compilePath('$.documents[*].text').rewrite(doc, (v, p) => `${String(v)}@${p}`) as typeof doc;
    expect(doc).toEqual(before);
    expect(out.documents.map((d) => d.text)).toEqual(['first@$.documents[0].text', 'second@$.documents[1].text']);
    expect(out['with space']).toBe(doc['with space']);
    expect(out.documents[0]!.tags).toBe(doc.documents[0]!.tags);
    expect(compilePath('$.documents[*].text').rewrite(doc, (v) => v)).toBe(doc);
    expect(compilePath('$.missing').rewrite(doc, () => 'x')).toBe(doc);
  });

  it('a rewritten __proto__ key stays data', () => {
    const own = JSON.parse('{"__proto__": {"text": "own"}}');
    const out = compilePath("$['__proto__'].text").rewrite(own, () => 'new') as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"text":"new"}}');
  });
});

describe('matchPath', () => {
  it.each([
    ['$.documents[*].text', '$.documents[3].text', true],
    ['$.documents[3].text', '$.documents[3].text', true],
    ['$.documents[2].text', '$.documents[3].text', false],
    ['$.documents[*].text', '$.documents[3].title', false],
    ['$.documents[*]', '$.documents[3].text', false],
    ['$.*', '$.query', true],
    ["$['odd key']", "$['odd key']", true],
    ['$.a', '$.a[0]', false],
    ['$.a', 'not a path', false],
  ])('%s ~ %s = %s', (pattern, concrete, expected) => {
    expect(matchPath(pattern, concrete)).toBe(expected);
    expect(matchPath(compilePath(pattern), concrete)).toBe(expected);
  });
});

describe('JSON path properties', () => {
  const key = fc.oneof(fc.constantFrom('a', 'text', 'odd key', "it's", 'back\\slash', '', '__proto__', 'constructor', 'é'), fc.string({ maxLength: 6 }));
  const segment: fc.Arbitrary<Segment> = fc.oneof(key.map((name) => ({ name })), fc.nat({ max: 30 }).map((index) => ({ index })));

  it('a formatted path parses back to its segments', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 10 }), (segs) => {
        expect(parsePath(formatPath(segs))).toEqual(segs);
      }),
    );
  });

  it('every leaf of a document is found at the concrete path the walk reports', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (d) => {
        const leaves: Array<{ path: string; value: unknown }> = [];
        const walk = (v: unknown, segs: Segment[]): void => {
          if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...segs, { index: i }]));
          else if (typeof v === 'object' && v !== null) for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k], [...segs, { name: k }]);
          else leaves.push({ path: formatPath(segs), value: v });
        };
        walk(d, []);
        for (const leaf of leaves) expect(compilePath(leaf.path).get(d)).toEqual([leaf]);
      }),
    );
  });
});
