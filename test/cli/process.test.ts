import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD, RBAC, RBAC_TEST } from './fixtures.js';
import { REPO, fixture, lastLine, railgate } from './run.js';

// The real entry point in a child process: exit codes reach the shell, results go
// to stdout and problems to stderr, paths print as the user wrote them. Each run
// costs a process start, so these run concurrently and the details live in the
// in-process tests.

let dir: string;
let cleanup: () => void;

beforeAll(() => {
  ({ dir, cleanup } = fixture({
    'p/rbac.gate': RBAC,
    'p/rbac_test.gate': RBAC_TEST,
    'bad/bad.gate': BAD,
    'carol.json': '{"user": "carol"}',
  }));
});
afterAll(() => cleanup());

describe.concurrent('railgate as a process', { timeout: 120_000 }, () => {
  it('check: diagnostics with the relative path on stdout, exit 1', async () => {
    const r = await railgate(['check', 'bad'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${join('bad', 'bad.gate')}:5:2: unsafe_var`);
    expect(r.stderr).toBe('');
  });

  it('test: the summary is the last line of stdout, exit 1 on failures', async () => {
    const r = await railgate(['test', 'p'], dir);
    expect(r.code).toBe(1);
    expect(lastLine(r.stdout)).toBe('2 passed, 2 failed, 1 skipped');
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stderr).toBe('');
  });

  it('eval: JSON on stdout, exit 0; undefined, exit 1', async () => {
    const [defined, undef] = await Promise.all([
      railgate(['eval', '-d', 'p', '-i', 'carol.json', 'data.app.rbac.groups'], dir),
      railgate(['eval', '-d', 'p', 'data.app.rbac.nothing'], dir),
    ]);
    expect(defined).toEqual({ code: 0, stdout: '[\n  "a",\n  "b"\n]\n', stderr: '' });
    expect(undef).toEqual({ code: 1, stdout: 'undefined\n', stderr: '' });
  });

  it('eval -i -: the input document from standard input; its errors name <stdin>', async () => {
    const [root, bad] = await Promise.all([
      railgate(['eval', '-d', 'p', '-i', '-', 'data.app.rbac.allow'], dir, {}, '{"user": "root"}'),
      railgate(['eval', '-d', 'p', '-i', '-', 'data.app.rbac.allow'], dir, {}, '{"user": }'),
    ]);
    expect(root).toEqual({ code: 0, stdout: 'true\n', stderr: '' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^<stdin>:1:10: /);
  });

  it('a missing path: one line on stderr, no stack trace, exit 2', async () => {
    const r = await railgate(['check', 'nope'], dir);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'railgate: nope: no such file or directory\n' });
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    const r = await railgate(['--version'], dir);
    expect(r).toEqual({ code: 0, stdout: `railgate ${version}\n`, stderr: '' });
  });
});
