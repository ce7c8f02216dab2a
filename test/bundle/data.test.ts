import { describe, expect, it } from 'vitest';
import { bundleData, dataFileKey, isBundleDataFile, MAX_DATA_DEPTH, mergePlacedData } from '../../src/bundle/data.js';
import { BundleError } from '../../src/bundle/errors.js';
import type { BundleFile } from '../../src/bundle/types.js';
import { text } from './tar-fixtures.js';
import { thrown } from './support/errors.js';

const files = (entries: Record<string, string>): BundleFile[] => Object.entries(entries).map(([path, s]) => ({ path, bytes: text(s) }));

/** The data as plain JSON (the reader builds null-prototype objects). */
const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

describe('data file names and placement', () => {
  it('knows data.json, data.yaml and data.yml at any depth, and nothing else', () => {
    expect(['data.json', 'a/b/data.yaml', 'x/data.yml'].every(isBundleDataFile)).toBe(true);
    expect(['roles.json', 'data.json.bak', 'mydata.json', 'a/data.JSON', 'policy.wasm'].some(isBundleDataFile)).toBe(false);
  });

  it("places a file under its directory's path", () => {
    expect(dataFileKey('data.json')).toEqual([]);
    expect(dataFileKey('app/rbac/data.yaml')).toEqual(['app', 'rbac']);
  });
});

describe('bundleData', () => {
  it('places each data file under its directory and merges them', () => {
    const data = bundleData(
      files({
        'data.json': '{"top": 1, "app": {"name": "x"}}',
        'app/rbac/data.json': '{"roles": {"alice": ["admin"]}}',
        'app/limits/data.yaml': 'max: 10\nmodels: [a, b]\n',
        'lib/data.yml': '[1, 2]',
        'app/rbac/policy.gate': 'package app.rbac\n',
        'notes.json': '{"ignored": true}',
      }),
      [''],
    );
    expect(plain(data)).toEqual({
      top: 1,
      app: { name: 'x', rbac: { roles: { alice: ['admin'] } }, limits: { max: 10, models: ['a', 'b'] } },
      lib: [1, 2],
    });
  });

  it('gives {} for a bundle without data files', () => {
    expect(plain(bundleData(files({ 'a.gate': 'package a\n' }), ['']))).toEqual({});
  });

  it('refuses the same key from two files, naming both', () => {
    const e = thrown(() => bundleData(files({ 'app/data.json': '{"x": {"y": 1}}', 'data.json': '{"app": {"x": {"y": 2}}}' }), ['']));
    expect(e.code).toBe('bundle_data_error');
    expect(e.message).toBe('data.app.x.y is defined by both app/data.json and data.json');
    expect(e.file).toBe('data.json');
  });

  it('refuses a data file placed where another file put a value', () => {
    const e = thrown(() => bundleData(files({ 'data.json': '{"app": 3}', 'app/rbac/data.json': '{}' }), ['']));
    expect(e.message).toBe('data.app is defined by both data.json and app/rbac/data.json');
  });

  it('refuses a root data.json that is not an object', () => {
    const e = thrown(() => bundleData(files({ 'data.json': '[1]' }), ['']));
    expect(e.message).toContain('data.json must hold an object at the top level');
  });

  it('names the file, line and column of a JSON syntax error', () => {
    const e = thrown(() => bundleData(files({ 'app/data.json': '{\n  "a": 1,\n  "b" 2\n}' }), ['']));
    expect(e.code).toBe('bundle_data_error');
    expect(e.file).toBe('app/data.json');
    expect(e.message).toMatch(/^app\/data\.json:3:7: invalid JSON: /);
  });

  it('names the file of a YAML error', () => {
    const e = thrown(() => bundleData(files({ 'x/data.yaml': 'a: 1\na: 2\n' }), ['']));
    expect(e.message).toMatch(/^x\/data\.yaml:2:1: invalid YAML/);
  });

  it('refuses data that is not UTF-8', () => {
    const e = thrown(() => bundleData([{ path: 'data.json', bytes: new Uint8Array([0x7b, 0xc3, 0x7d]) }], ['']));
    expect(e.message).toBe('data.json is not valid UTF-8');
  });

  it('accepts a byte-order mark', () => {
    expect(plain(bundleData(files({ 'data.json': '\ufeff{"a": 1}' }), ['']))).toEqual({ a: 1 });
  });

  it('checks data against the roots, naming the file', () => {
    expect(() => bundleData(files({ 'app/data.json': '{"x": 1}', 'data.json': '{"app": {"y": 2}}' }), ['app'])).not.toThrow();
    const e = thrown(() => bundleData(files({ 'other/data.json': '{"x": 1}' }), ['app']));
    expect(e.code).toBe('bundle_manifest_error');
    expect(e.message).toBe(`other/data.json: data.other is outside the bundle's roots ["app"]`);
  });

  it('keeps "__proto__" as a data key, never as a prototype', () => {
    const data = bundleData(files({ 'data.json': '{"__proto__": {"polluted": true}, "a": {"__proto__": {"x": 1}}}' }), ['']);
    expect(Object.keys(data)).toEqual(['__proto__', 'a']);
    expect((data as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(data['a'] as object)).toEqual(['__proto__']);
  });

  it('refuses objects nested deeper than the limit instead of overflowing the stack', () => {
    const deep = `${'{"a":'.repeat(MAX_DATA_DEPTH + 5)}1${'}'.repeat(MAX_DATA_DEPTH + 5)}`;
    const e = thrown(() => bundleData(files({ 'data.json': deep }), ['']));
    expect(e.message).toContain(`more than ${MAX_DATA_DEPTH} levels deep`);
  });
});

describe('mergePlacedData', () => {
  it('does not mutate the documents it merges', () => {
    const a = { x: { y: 1 } };
    const b = { x: { z: 2 } };
    const merged = mergePlacedData([
      { file: 'a', at: [], value: a },
      { file: 'b', at: [], value: b },
    ]);
    expect(plain(merged)).toEqual({ x: { y: 1, z: 2 } });
    expect(a).toEqual({ x: { y: 1 } });
    expect(b).toEqual({ x: { z: 2 } });
  });
});
