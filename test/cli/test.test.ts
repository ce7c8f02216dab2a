import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD, DATA_TEST, RBAC, RBAC_TEST } from './fixtures.js';
import { cli, fixture, lastLine } from './run.js';

let dir: string;
let cleanup: () => void;
let p: string;

beforeAll(() => {
  ({ dir, cleanup } = fixture({
    'p/rbac.gate': RBAC,
    'p/rbac_test.gate': RBAC_TEST,
    'd/rbac.gate': RBAC,
    'd/data_test.gate': DATA_TEST,
    'roles.json': '{"roles": {"carol": ["admin"]}}',
    'roles-bad.json': '{"roles": {"carol": ["admin",]}}',
    'bad/bad.gate': BAD,
    'slow/slow.gate': `package slow

doubled contains x if {
	some a in numbers.range(1, 100000)
	x := a * 2
}

test_spins if count(doubled) > 0
`,
  }));
  p = join(dir, 'p');
});
afterAll(() => cleanup());

describe('railgate test', () => {
  it('prints failures and errors grouped by file and ends with the summary line; exit 1', async () => {
    const r = await cli(['test', p]);
    expect(r.code).toBe(1);
    const testFile = join(p, 'rbac_test.gate');
    expect(r.stdout).toContain(`${testFile}:\n`);
    expect(r.stdout).toMatch(/\n {2}FAIL {3}data\.app\.rbac_test\.test_fails \(\d+(\.\d)?(µs|ms)\)\n/);
    expect(r.stdout).toMatch(/\n {2}ERROR {2}data\.app\.rbac_test\.test_conflict \(/);
    // the error shows its code and where it happened, with the source line
    expect(r.stdout).toContain(`${join(p, 'rbac.gate')}:15:1: eval_conflict_error: `);
    expect(r.stdout).toContain('x := 2 if input.a');
    expect(r.stdout).not.toContain('PASS');
    expect(r.stdout).not.toContain('SKIP');
    expect(r.stdout.endsWith('\n2 passed, 2 failed, 1 skipped\n')).toBe(true);
  });

  it('-v shows every test', async () => {
    const r = await cli(['test', p, '-v']);
    const statuses = [...r.stdout.matchAll(/^ {2}(PASS|FAIL|ERROR|SKIP) +(\S+)/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(statuses).toEqual([
      'PASS data.app.rbac_test.test_admin_allowed',
      'PASS data.app.rbac_test.test_guest_denied',
      'FAIL data.app.rbac_test.test_fails',
      'SKIP data.app.rbac_test.todo_test_later',
      'ERROR data.app.rbac_test.test_conflict',
    ]);
    expect(lastLine(r.stdout)).toBe('2 passed, 2 failed, 1 skipped');
  });

  it('--run filters by full test name', async () => {
    const r = await cli(['test', p, '--run', 'rbac_test\\.test_(admin|guest)']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('2 passed, 0 failed\n');
  });

  it('--run with an invalid regex is a usage error', async () => {
    const r = await cli(['test', p, '--run', '(']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^railgate: --run: invalid regular expression/);
  });

  it('--format json reports every test with file, line, status, duration and error', async () => {
    const r = await cli(['test', p, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      tests: Array<{ name: string; file: string; line: number; status: string; duration_ns: number; error: unknown }>;
      summary: Record<string, number>;
    };
    expect(report.tests.map((t) => [t.name.split('.').pop(), t.line, t.status])).toEqual([
      ['test_admin_allowed', 5, 'pass'],
      ['test_guest_denied', 9, 'pass'],
      ['test_fails', 13, 'fail'],
      ['todo_test_later', 17, 'skip'],
      ['test_conflict', 21, 'error'],
    ]);
    expect(report.tests.every((t) => t.file === join(p, 'rbac_test.gate') && Number.isInteger(t.duration_ns))).toBe(true);
    expect(report.tests[4]!.error).toMatchObject({
      code: 'eval_conflict_error',
      location: { file: join(p, 'rbac.gate'), line: 15, col: 1 },
    });
    expect(report.tests[0]!.error).toBeNull();
    expect(report.summary).toEqual({ passed: 2, failed: 1, errored: 1, skipped: 1, total: 5 });
  });

  it('--coverage reports covered lines per file before the summary line', async () => {
    const r = await cli(['test', p, '--coverage']);
    const rbac = join(p, 'rbac.gate');
    // not evaluated by any test: groups (12) and unused (17, 18)
    expect(r.stdout).toContain(`\n${rbac}: 70% (7/10 lines), not covered: 12, 17-18\n`);
    expect(r.stdout).toMatch(/\ncoverage: [\d.]+% \(\d+\/\d+ lines\)\n/);
    expect(lastLine(r.stdout)).toBe('2 passed, 2 failed, 1 skipped');
  });

  it('--coverage --format json lists covered and not covered lines', async () => {
    const r = await cli(['test', p, '--coverage', '--format', 'json']);
    const report = JSON.parse(r.stdout) as { coverage: { files: Array<{ file: string; covered_lines: number[]; not_covered_lines: number[] }> } };
    const rbac = report.coverage.files.find((f) => f.file === join(p, 'rbac.gate'));
    expect(rbac).toMatchObject({ covered_lines: [3, 5, 6, 7, 10, 14, 15], not_covered_lines: [12, 17, 18] });
  });

  it('loads data files given with -d and as paths', async () => {
    const withFlag = await cli(['test', join(dir, 'd'), '-d', join(dir, 'roles.json')]);
    expect(withFlag.stdout).toBe('1 passed, 0 failed\n');
    expect(withFlag.code).toBe(0);
    const asPath = await cli(['test', join(dir, 'd'), join(dir, 'roles.json')]);
    expect(asPath.stdout).toBe('1 passed, 0 failed\n');
    const policiesWithFlag = await cli(['test', join(dir, 'roles.json'), '-d', join(dir, 'd')]);
    expect(policiesWithFlag.stdout).toBe('1 passed, 0 failed\n');
    const without = await cli(['test', join(dir, 'd')]);
    expect(without.code).toBe(1);
    expect(lastLine(without.stdout)).toBe('0 passed, 1 failed');
  });

  it('a malformed data file stops the run with its location; exit 2', async () => {
    const r = await cli(['test', join(dir, 'd'), '-d', join(dir, 'roles-bad.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'roles-bad.json')}:1:30: parse_error: invalid JSON:`);
    expect(r.stderr).toContain('\n  {"roles": {"carol": ["admin",]}}\n                               ^\n');
    expect(r.stdout).toBe('');
  });

  it('compile errors are printed and no tests run; exit 1', async () => {
    const r = await cli(['test', join(dir, 'bad')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'bad/bad.gate')}:5:2: unsafe_var`);
    expect(r.stdout).toBe('');
  });

  it('--timeout turns a runaway test into an error', async () => {
    // 100k iterations stay under the step budget but take far longer than 1 ms
    const r = await cli(['test', join(dir, 'slow'), '--timeout', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('eval_budget_exceeded: evaluation exceeded its time budget of 1 ms');
    expect(lastLine(r.stdout)).toBe('0 passed, 1 failed');
  });
});
