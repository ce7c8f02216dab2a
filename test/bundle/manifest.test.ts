import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BundleError } from '../../src/bundle/errors.js';
import {
  checkDataRoots,
  checkPackageRoots,
  checkRoots,
  checkWasmEntries,
  parseManifest,
  rootsContain,
  rootsOverlap,
  serializeManifest,
} from '../../src/bundle/manifest.js';
import type { Manifest } from '../../src/bundle/types.js';
import { str, text } from './tar-fixtures.js';
import { thrown } from './support/errors.js';

const parse = (json: string): Manifest => parseManifest(text(json));

describe('parseManifest', () => {
  it('reads every field OPA writes', () => {
    const m = parse(
      JSON.stringify({
        revision: 'v1',
        roots: ['app/rbac', 'railgate'],
        metadata: { owner: 'platform', n: 1 },
        wasm: [{ entrypoint: 'app/rbac/allow', module: '/policy.wasm', annotations: [] }],
        rego_version: 1,
      }),
    );
    expect(m).toEqual({
      revision: 'v1',
      roots: ['app/rbac', 'railgate'],
      metadata: { owner: 'platform', n: 1 },
      wasm: [{ entrypoint: 'app/rbac/allow', module: '/policy.wasm' }],
      rego_version: 1,
    });
  });

  it('defaults as OPA: no roots means [""] (all of data), no revision means ""', () => {
    expect(parse('{}')).toEqual({ revision: '', roots: [''] });
    expect(parse('{"revision": null, "roots": null, "metadata": null, "wasm": null}')).toEqual({ revision: '', roots: [''] });
  });

  it('keeps an empty roots list (the bundle owns nothing)', () => {
    expect(parse('{"roots": []}').roots).toEqual([]);
  });

  it("trims roots of '/' as OPA does", () => {
    expect(parse('{"roots": ["/app/rbac/", "/x"]}').roots).toEqual(['app/rbac', 'x']);
  });

  it('ignores keys it does not know (file_rego_versions, future fields)', () => {
    expect(parse('{"revision": "r", "file_rego_versions": {"a.rego": 0}, "x-extra": true}')).toEqual({ revision: 'r', roots: [''] });
  });

  it.each([
    ['{"revision": 3}', '"revision" must be a string, got number 3'],
    ['{"roots": "app"}', '"roots" must be an array of strings'],
    ['{"roots": ["a", 1]}', '"roots" must be an array of strings'],
    ['{"metadata": [1]}', '"metadata" must be an object, got an array'],
    ['{"wasm": {}}', '"wasm" must be an array'],
    ['{"wasm": [{"module": "/policy.wasm"}]}', 'wasm[0].entrypoint must be a non-empty string'],
    ['{"wasm": [{"entrypoint": "a/b"}]}', 'wasm[0].module must be a non-empty string'],
    ['{"rego_version": "1"}', '"rego_version" must be an integer'],
    ['[]', 'must hold a JSON object'],
  ])('refuses %s', (json, message) => {
    const e = thrown(() => parse(json));
    expect(e.code).toBe('bundle_manifest_error');
    expect(e.file).toBe('.manifest');
    expect(e.message).toContain(message);
  });

  it('names the line and column of a JSON syntax error', () => {
    const e = thrown(() => parse('{\n  "revision": "r1",\n  "roots": ["a",]\n}'));
    expect(e.message).toMatch(/^\.manifest:3:17: invalid JSON: /);
  });

  it('refuses bytes that are not UTF-8', () => {
    expect(thrown(() => parseManifest(new Uint8Array([0x7b, 0xff, 0x7d]))).message).toContain('not valid UTF-8');
  });
});

describe('serializeManifest', () => {
  it("writes OPA's field order and omits the default roots", () => {
    expect(str(serializeManifest({ revision: 'r', roots: [''] }))).toBe('{\n  "revision": "r"\n}\n');
    const full = JSON.parse(str(serializeManifest({ revision: 'r', roots: ['a'], metadata: { k: 1 }, wasm: [{ entrypoint: 'a/b', module: '/policy.wasm' }] })));
    expect(Object.keys(full)).toEqual(['revision', 'roots', 'wasm', 'metadata']);
  });

  it('reads back what it writes (property)', () => {
    const seg = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/);
    const manifest = fc.record({
      revision: fc.string(),
      roots: fc.oneof(fc.constant<string[]>(['']), fc.uniqueArray(fc.array(seg, { minLength: 1, maxLength: 3 }).map((s) => s.join('/')), { minLength: 1, maxLength: 4 })),
      metadata: fc.option(fc.dictionary(fc.string(), fc.jsonValue()), { nil: undefined }),
      rego_version: fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(manifest, (m) => {
        const clean: Manifest = { revision: m.revision, roots: m.roots };
        if (m.metadata !== undefined) clean.metadata = JSON.parse(JSON.stringify(m.metadata)) as Record<string, unknown>;
        if (m.rego_version !== undefined) clean.rego_version = m.rego_version;
        expect(parseManifest(serializeManifest(clean))).toEqual(clean);
      }),
      { numRuns: 100 },
    );
  });
});

describe('roots', () => {
  it.each([
    ['a', 'a/b', true],
    ['a/b', 'a', true],
    ['a', 'a', true],
    ['', 'a', true],
    ['a', 'ab', false],
    ['a/b', 'a/c', false],
    ['railgate/chat', 'railgate/chatx', false],
  ])('rootsOverlap(%j, %j) = %s', (a, b, want) => {
    expect(rootsOverlap(a, b)).toBe(want);
  });

  it('refuses a manifest with overlapping roots, naming both', () => {
    const e = thrown(() => checkRoots(['x', 'app', 'app/rbac']));
    expect(e.code).toBe('bundle_manifest_error');
    expect(e.message).toContain('overlapping roots "app" and "app/rbac"');
    expect(() => checkRoots(['app/a', 'app/b', 'lib'])).not.toThrow();
  });

  it('contains paths segment by segment', () => {
    expect(rootsContain(['app/rbac'], ['app', 'rbac', 'allow'])).toBe(true);
    expect(rootsContain(['app/rbac'], ['app', 'rbacx'])).toBe(false);
    expect(rootsContain(['app/rbac'], ['app'])).toBe(false);
    expect(rootsContain([''], [])).toBe(true);
    expect(rootsContain([], ['a'])).toBe(false);
  });
});

describe('checkDataRoots', () => {
  it('accepts data under a root, descending through objects above it', () => {
    expect(() => checkDataRoots(['app/rbac', 'lib'], [], { app: { rbac: { roles: {} } }, lib: 1 }, 'data.json')).not.toThrow();
    expect(() => checkDataRoots(['app/rbac'], ['app', 'rbac'], [1, 2], 'app/rbac/data.json')).not.toThrow();
  });

  it('names the file and the data path outside the roots', () => {
    const e = thrown(() => checkDataRoots(['app/rbac'], [], { app: { rbac: {}, other: { x: 1 } } }, 'data.json'));
    expect(e.code).toBe('bundle_manifest_error');
    expect(e.file).toBe('data.json');
    expect(e.message).toBe(`data.json: data.app.other is outside the bundle's roots ["app/rbac"]`);
  });

  it('refuses a value (not an object) above a root', () => {
    expect(thrown(() => checkDataRoots(['app/rbac'], ['app'], 3, 'app/data.json')).message).toContain('data.app is outside');
  });

  it('refuses a data file whose directory is outside the roots', () => {
    expect(thrown(() => checkDataRoots(['app'], ['other'], {}, 'other/data.json')).message).toContain('other/data.json: data.other is outside');
  });
});

describe('checkPackageRoots', () => {
  it('names the file whose package lies outside the roots', () => {
    const modules = [
      { file: 'rbac.gate', package: ['app', 'rbac'] },
      { file: 'lib/x.gate', package: ['lib', 'x'] },
    ];
    expect(() => checkPackageRoots(['app', 'lib'], modules)).not.toThrow();
    const e = thrown(() => checkPackageRoots(['app'], modules));
    expect(e.file).toBe('lib/x.gate');
    expect(e.message).toBe(`lib/x.gate: package lib.x is outside the bundle's roots ["app"]`);
  });
});

describe('checkWasmEntries', () => {
  const wasm = [{ path: 'policy.wasm', bytes: new Uint8Array([0, 0x61, 0x73, 0x6d]) }];
  const manifest = (entries: Array<[string, string]>, roots = ['']): Manifest => ({
    revision: 'r',
    roots,
    wasm: entries.map(([entrypoint, module]) => ({ entrypoint, module })),
  });

  it("accepts entrypoints whose module is present, with or without OPA's leading '/'", () => {
    expect(() => checkWasmEntries(manifest([['app/allow', '/policy.wasm'], ['app/deny', 'policy.wasm']]), wasm)).not.toThrow();
  });

  it('refuses a module the bundle does not hold', () => {
    const e = thrown(() => checkWasmEntries(manifest([['app/allow', '/other.wasm']]), wasm));
    expect(e.message).toContain('names WASM module "/other.wasm" but the bundle has no file other.wasm');
  });

  it('refuses an entrypoint outside the roots', () => {
    expect(thrown(() => checkWasmEntries(manifest([['lib/allow', '/policy.wasm']], ['app']), wasm)).message).toContain(
      'WASM entrypoint "lib/allow" is outside the bundle\'s roots ["app"]',
    );
  });

  it('refuses an entrypoint listed twice', () => {
    expect(thrown(() => checkWasmEntries(manifest([['app/allow', '/policy.wasm'], ['/app/allow', '/policy.wasm']]), wasm)).message).toContain(
      'listed twice',
    );
  });
});
