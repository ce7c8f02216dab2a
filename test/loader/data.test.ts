import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeData, parseDataText, readDataFile } from '../../src/loader/data.js';
import { loadWorkspace } from '../../src/loader/index.js';

describe('parseDataText', () => {
  it('parses JSON and YAML by extension', () => {
    expect(parseDataText('{"a": {"b": [1]}}', 'x.json')).toEqual({ ok: true, value: { a: { b: [1] } } });
    expect(parseDataText('a:\n  b: [1, two]\n', 'x.yaml')).toEqual({ ok: true, value: { a: { b: [1, 'two'] } } });
    expect(parseDataText('', 'empty.yml')).toEqual({ ok: true, value: null });
  });

  it('gives JSON syntax errors a file:line:col', () => {
    const r = parseDataText('{\n  "a": 1,\n  "b" 2\n}', 'input.json');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostic.code).toBe('parse_error');
    expect(r.diagnostic.loc).toMatchObject({ file: 'input.json', line: 3, col: 7 });
    expect(r.diagnostic.message).toContain("expected ':'");
  });

  it('gives YAML syntax errors a location', () => {
    const r = parseDataText('a: 1\na: 2\n', 'dup.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostic.message).toMatch(/invalid YAML: .*unique/i);
    expect(r.diagnostic.loc).toMatchObject({ file: 'dup.yaml', line: 2, col: 1 });
  });

  it('caps YAML alias expansion (billion laughs)', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    const r = parseDataText(lines.join('\n'), 'bomb.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostic.message).toMatch(/alias/i);
  });
});

describe('mergeData', () => {
  it('merges objects key by key without mutating the documents', () => {
    const one = { app: { roles: { alice: ['admin'] } } };
    const two = { app: { groups: { ml: ['bob'] } }, other: 1 };
    const r = mergeData([
      { file: 'one.json', value: one },
      { file: 'two.json', value: two },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(JSON.parse(JSON.stringify(r.value))).toEqual({ app: { roles: { alice: ['admin'] }, groups: { ml: ['bob'] } }, other: 1 });
    expect(one).toEqual({ app: { roles: { alice: ['admin'] } } });
  });

  it('refuses the same leaf from two files, naming the path', () => {
    const r = mergeData([
      { file: 'one.json', value: { app: { limit: 1 } } },
      { file: 'two.json', value: { app: { limit: 2 } } },
    ]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostic.message).toBe('two.json: data.app.limit is already defined by another data file');
  });

  it('requires an object at the top level', () => {
    const r = mergeData([{ file: 'list.json', value: [1, 2] }]);
    expect(r.ok).toBe(false);
  });

  it('keeps a "__proto__" key as data, not as a prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}}') as unknown;
    const r = mergeData([{ file: 'p.json', value }]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.keys(r.value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('loadWorkspace', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'railgate-ws-'));
    writeFileSync(join(dir, 'p.gate'), 'package p\n');
    writeFileSync(join(dir, 'roles.json'), '{"roles": {"a": 1}}');
    writeFileSync(join(dir, 'limits.yaml'), 'limits:\n  daily: 10\n');
    writeFileSync(join(dir, 'bad.json'), '{"x": [1,]}');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads policies and merges data files from paths and --data', async () => {
    const ws = await loadWorkspace({ paths: [dir, join(dir, 'roles.json')], dataFiles: [join(dir, 'limits.yaml')], allowData: true });
    expect(ws.diagnostics).toEqual([]);
    expect([...ws.sources.keys()]).toEqual([join(dir, 'p.gate')]);
    expect(ws.sources.get(join(dir, 'p.gate'))).toBe('package p\n');
    expect(JSON.parse(JSON.stringify(ws.data))).toEqual({ roles: { a: 1 }, limits: { daily: 10 } });
  });

  it('reports unreadable and malformed data files', async () => {
    const ws = await loadWorkspace({ paths: [dir], dataFiles: [join(dir, 'bad.json'), join(dir, 'missing.json')] });
    expect(ws.diagnostics.map((d) => d.code)).toEqual(['parse_error', 'io_error']);
    expect(ws.diagnostics[0]!.loc).toMatchObject({ line: 1, col: 10 });
    expect(ws.dataSources.get(join(dir, 'bad.json'))).toBe('{"x": [1,]}');
    const r = await readDataFile(join(dir, 'missing.json'));
    expect(r.ok).toBe(false);
  });
});
