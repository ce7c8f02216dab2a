import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD, RBAC } from './fixtures.js';
import { cli, fixture } from './run.js';

let dir: string;
let cleanup: () => void;
let f: (rel: string) => string;

beforeAll(() => {
  ({ dir, cleanup } = fixture({
    'p/rbac.gate': RBAC,
    'bad/bad.gate': BAD,
    'roles.json': '{"roles": {"carol": ["admin"]}, "limits": {"daily": [10, 20]}}',
    'carol.json': '{"user": "carol"}',
    'conflict.yaml': 'a: true\n',
    'broken.json': '{\n  "user": "carol",\n  "groups": [1, 2\n}\n',
    'strict.gate': 'package s\n\nr := regex.match("(", "x")\n',
  }));
  f = (rel) => join(dir, rel);
});
afterAll(() => cleanup());

describe('railgate eval', () => {
  it('prints the JSON value of a rule; exit 0', async () => {
    const r = await cli(['eval', '-d', f('p'), '-d', f('roles.json'), '-i', f('carol.json'), 'data.app.rbac.allow']);
    expect(r).toEqual({ code: 0, stdout: 'true\n', stderr: '' });
  });

  it('prints a whole package as an object, sets as sorted arrays', async () => {
    const r = await cli(['eval', '-d', f('p'), '-i', f('carol.json'), 'data.app.rbac']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ allow: false, groups: ['a', 'b'] });
    expect(r.stdout).toBe(`${JSON.stringify({ allow: false, groups: ['a', 'b'] }, null, 2)}\n`);
  });

  it('walks into base documents, including array indexes', async () => {
    const r = await cli(['eval', '-d', f('roles.json'), 'data.limits.daily[1]']);
    expect(r).toEqual({ code: 0, stdout: '20\n', stderr: '' });
  });

  it('prints undefined and exits 1 when there is no value', async () => {
    const r = await cli(['eval', '-d', f('p'), 'data.app.rbac.nothing']);
    expect(r).toEqual({ code: 1, stdout: 'undefined\n', stderr: '' });
  });

  it('runs a query body and prints its bindings', async () => {
    const r = await cli(['eval', '-d', f('roles.json'), 'some i; x := data.limits.daily[i]; x > 15']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ i: 1, x: 20 }]);
  });

  it('an evaluation error: code, message, location; exit 2', async () => {
    const r = await cli(['eval', '-d', f('p'), '-i', f('conflict.yaml'), 'data.app.rbac.x']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${f('p/rbac.gate')}:15:1: eval_conflict_error: `);
  });

  it('malformed input: file and position; exit 2', async () => {
    const r = await cli(['eval', '-d', f('p'), '-i', f('broken.json'), 'data.app.rbac.allow']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f('broken.json')}:4:1: parse_error: invalid JSON: unexpected '}'; expected ',' or ']'`);
    expect(r.stderr).toContain('\n  }\n  ^\n');
  });

  it('a missing input file: one line, exit 2', async () => {
    const r = await cli(['eval', '-d', f('p'), '-i', f('nope.json'), 'data.app.rbac.allow']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `railgate: ${f('nope.json')}: no such file or directory\n` });
  });

  it('compile errors are printed; exit 2', async () => {
    const r = await cli(['eval', '-d', f('bad'), 'data.app.bad.allow']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${f('bad/bad.gate')}:5:2: unsafe_var`);
  });

  it('--explain lists the rules that fired with their location', async () => {
    const r = await cli(['eval', '-d', f('p'), '-d', f('roles.json'), '-i', f('carol.json'), '--explain', 'data.app.rbac.allow']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`true\n\nrules that fired:\n  data.app.rbac.allow  ${f('p/rbac.gate')}:5\n`);
  });

  it('--strict makes a builtin error an error instead of undefined', async () => {
    const lax = await cli(['eval', '-d', f('strict.gate'), 'data.s.r']);
    expect(lax.code).toBe(1);
    const strict = await cli(['eval', '--strict', '-d', f('strict.gate'), 'data.s.r']);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('eval_builtin_error');
  });

  it('rejects a reference that is neither under data nor a query; exit 2', async () => {
    const r = await cli(['eval', '-d', f('p'), 'data.app[']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^railgate: "data\.app\[": expected a "string" or an integer inside \[ \] at position 10; nor is it a query:\n/);
    expect(r.stderr).toContain('<query>:1:');
  });

  it('needs at least one -d', async () => {
    const r = await cli(['eval', 'data.x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('railgate: nothing to evaluate: give policies or data with -d <path>');
  });
});
