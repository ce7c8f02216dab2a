import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverFiles } from '../../src/loader/files.js';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'railgate-files-'));
  const put = (rel: string, text = 'package x\n') => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  put('a.gate');
  put('sub/b.gate');
  put('sub/deeper/c.gate');
  put('.hidden/h.gate');
  put('node_modules/pkg/n.gate');
  put('notes.txt');
  put('data.json', '{}');
  symlinkSync(root, join(root, 'sub', 'loop'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('discoverFiles', () => {
  it('walks directories for .gate files, skipping hidden dirs, node_modules and other files', async () => {
    const r = await discoverFiles([root]);
    expect(r.diagnostics).toEqual([]);
    expect(r.files.map((f) => f.path)).toEqual([join(root, 'a.gate'), join(root, 'sub/b.gate'), join(root, 'sub/deeper/c.gate')]);
    expect(r.files.every((f) => f.kind === 'policy')).toBe(true);
  });

  it('reports a missing path as an io_error naming it', async () => {
    const missing = join(root, 'nope');
    const r = await discoverFiles([missing, root]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.code).toBe('io_error');
    expect(r.diagnostics[0]!.message).toBe(`${missing}: no such file or directory`);
    expect(r.files).toHaveLength(3);
  });

  it('takes explicitly named files even when hidden, once each', async () => {
    const hidden = join(root, '.hidden/h.gate');
    const r = await discoverFiles([hidden, root, join(root, 'a.gate')]);
    expect(r.files.map((f) => f.path)).toEqual([hidden, join(root, 'a.gate'), join(root, 'sub/b.gate'), join(root, 'sub/deeper/c.gate')]);
  });

  it('accepts data files only when asked to', async () => {
    const data = join(root, 'data.json');
    const accepted = await discoverFiles([data], { allowData: true });
    expect(accepted.files).toEqual([{ path: data, kind: 'data' }]);
    const refused = await discoverFiles([data]);
    expect(refused.files).toEqual([]);
    expect(refused.diagnostics[0]!.message).toContain('is a data file');
  });

  it('refuses a named file of another kind', async () => {
    const r = await discoverFiles([join(root, 'notes.txt')]);
    expect(r.diagnostics[0]!.message).toContain('not a .gate policy file');
  });

  it('stops with an error past maxFiles', async () => {
    const r = await discoverFiles([root], { maxFiles: 2 });
    expect(r.files).toHaveLength(2);
    expect(r.diagnostics[0]!.message).toContain('more than 2 files');
  });
});
