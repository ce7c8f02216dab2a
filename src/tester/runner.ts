import type { Location } from '../lang/ast.js';
import { isTruthy, type Value } from '../runtime/value.js';
import type { TestCase, TestError, TestReport, TestResult, TestSummary } from './types.js';

// Runs test rules the way `opa test` does: a test passes when its rule is defined
// and not false. Pure apart from the clock, which callers may inject.

export interface RunTestsOptions {
  /** evaluates one test rule; a thrown error makes the test an `error` */
  evaluate: (test: TestCase) => Value | undefined;
  /** only tests whose full name matches (skipped ones too) */
  filter?: RegExp;
  /** nanoseconds, monotonic */
  clock?: () => bigint;
  /** called after each test, e.g. for progress */
  onResult?: (result: TestResult, done: number, total: number) => void;
}

/** `data.` + the path, however the path was given. */
export function fullTestName(test: Pick<TestCase, 'path' | 'name'>): string {
  const path = test.path.length > 0 ? test.path : [test.name];
  return path[0] === 'data' ? path.join('.') : `data.${path.join('.')}`;
}

export function selectTests(tests: readonly TestCase[], filter?: RegExp): TestCase[] {
  if (!filter) return [...tests];
  return tests.filter((t) => {
    filter.lastIndex = 0; // a /g or /y regex keeps state between test() calls
    return filter.test(fullTestName(t));
  });
}

export function runTests(tests: readonly TestCase[], opts: RunTestsOptions): TestReport {
  const clock = opts.clock ?? (() => process.hrtime.bigint());
  const selected = selectTests(tests, opts.filter);
  const results: TestResult[] = [];
  for (const test of selected) {
    const base = { name: fullTestName(test), file: test.rule.loc.file || test.module.file, line: test.rule.loc.line };
    let result: TestResult;
    if (test.skipped) {
      result = { ...base, status: 'skip', durationNs: 0n };
    } else {
      const start = clock();
      try {
        const value = opts.evaluate(test);
        const durationNs = clock() - start;
        result = isTruthy(value)
          ? { ...base, status: 'pass', durationNs }
          : { ...base, status: 'fail', durationNs, ...(value === undefined ? {} : { value }) };
      } catch (e) {
        result = { ...base, status: 'error', durationNs: clock() - start, error: toTestError(e) };
      }
    }
    results.push(result);
    opts.onResult?.(result, results.length, selected.length);
  }
  return { results, summary: summarize(results) };
}

export function summarize(results: readonly TestResult[]): TestSummary {
  const s: TestSummary = { passed: 0, failed: 0, errored: 0, skipped: 0, total: results.length };
  for (const r of results) {
    if (r.status === 'pass') s.passed++;
    else if (r.status === 'fail') s.failed++;
    else if (r.status === 'error') s.errored++;
    else s.skipped++;
  }
  return s;
}

/** The closing line: `3 passed, 1 failed` (errors count as failed), `, 2 skipped` when any. */
export function summaryLine(s: TestSummary): string {
  const line = `${s.passed} passed, ${s.failed + s.errored} failed`;
  return s.skipped > 0 ? `${line}, ${s.skipped} skipped` : line;
}

export function reportFailed(report: TestReport): boolean {
  return report.summary.failed + report.summary.errored > 0;
}

function isLocation(x: unknown): x is Location {
  if (typeof x !== 'object' || x === null) return false;
  const l = x as Record<string, unknown>;
  return typeof l['file'] === 'string' && typeof l['line'] === 'number' && typeof l['col'] === 'number';
}

/** An evaluation error (code, message, location) as data; anything else is an internal error. */
export function toTestError(e: unknown): TestError {
  if (typeof e === 'object' && e !== null) {
    const o = e as Record<string, unknown>;
    const message = typeof o['message'] === 'string' ? o['message'] : String(e);
    const code = typeof o['code'] === 'string' ? o['code'] : 'internal_error';
    const loc = isLocation(o['loc']) ? o['loc'] : undefined;
    return loc ? { code, message, loc } : { code, message };
  }
  return { code: 'internal_error', message: String(e) };
}
