import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD, RBAC, RBAC_TEST } from './fixtures.js';
import { cli, fixture, lastLine } from './run.js';

let dir: string;
let cleanup: () => void;

beforeAll(() => {
  ({ dir, cleanup } = fixture({
    'good/rbac.gate': RBAC,
    'good/rbac_test.gate': RBAC_TEST,
    'good/node_modules/ignored.gate': 'this is not a policy',
    'good/.git/ignored.gate': 'neither is this',
    'bad/bad.gate': BAD,
    'bad2/bad2.gate': 'package app.bad2\n\nflag if z == 1\n',
    'empty/readme.txt': 'no policies here',
    'syntax/broken.gate': 'package app.broken\n\nallow if {\n\tinput.user ==\n}\n\ndeny if {\n\t[1, 2\n}\n',
  }));
});
afterAll(() => cleanup());

describe('railgate check', () => {
  it('reports ok with the number of files and rules', async () => {
    const r = await cli(['check', join(dir, 'good')]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ok: 2 files, 12 rules\n');
    expect(r.code).toBe(0);
  });

  it('prints each error with file:line:col, code, the source line and a caret; exit 1', async () => {
    const file = join(dir, 'bad/bad.gate');
    const r = await cli(['check', join(dir, 'bad')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${file}:5:2: unsafe_var: `);
    expect(r.stdout).toContain('\n  \ty > 1\n  \t^\n');
    expect(lastLine(r.stdout)).toMatch(/^\d+ errors? in 1 file$/);
  });

  it('reports several parse errors at once', async () => {
    const r = await cli(['check', join(dir, 'syntax')]);
    expect(r.code).toBe(1);
    const errors = r.stdout.match(/broken\.gate:\d+:\d+: parse_error/g) ?? [];
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(r.stdout).toMatch(/expected /);
  });

  it('counts errors across files', async () => {
    const r = await cli(['check', join(dir, 'bad'), join(dir, 'bad2')]);
    expect(r.stdout).toContain(`${join(dir, 'bad2/bad2.gate')}:3:9: unsafe_var`);
    expect(lastLine(r.stdout)).toBe('2 errors in 2 files');
  });

  it('stops at parse errors: the checker does not run on a partial policy set', async () => {
    const r = await cli(['check', join(dir, 'bad'), join(dir, 'syntax')]);
    expect(r.stdout).not.toContain('unsafe_var');
    expect(lastLine(r.stdout)).toMatch(/^\d+ errors in 1 file$/);
  });

  it('--format json lists diagnostics as data', async () => {
    const r = await cli(['check', '--format', 'json', join(dir, 'bad'), join(dir, 'good')]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { ok: boolean; files: number; diagnostics: Array<Record<string, unknown>> };
    expect(report.ok).toBe(false);
    expect(report.files).toBe(3);
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'unsafe_var', severity: 'error', file: join(dir, 'bad/bad.gate'), line: 5, col: 2 }),
    );
  });

  it('a missing path is a usage error: exit 2, no diagnostics run', async () => {
    const r = await cli(['check', join(dir, 'nope'), join(dir, 'good')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`railgate: ${join(dir, 'nope')}: no such file or directory\n`);
    expect(r.stdout).toBe('');
  });

  it('a directory without policies is a usage error', async () => {
    const r = await cli(['check', join(dir, 'empty')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no .gate files found');
  });
});
