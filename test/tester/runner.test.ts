import { describe, expect, it } from 'vitest';
import { EvalError } from '../../src/compiler/errors.js';
import { RSet, type Value } from '../../src/runtime/value.js';
import { fullTestName, runTests, summaryLine, toTestError } from '../../src/tester/runner.js';
import type { TestCase } from '../../src/tester/types.js';
import { at, mod, rule } from './ast-helpers.js';

const FILE = 'policies/chat_test.gate';
const module = mod(FILE, ['railgate', 'chat'], []);

function tc(name: string, line: number): TestCase {
  return { name, path: ['railgate', 'chat', name], rule: rule(FILE, line, name), module, skipped: name.startsWith('todo_') };
}

/** A stand-in policy: each test's value, or an error to throw. */
function policy(values: Record<string, Value | undefined | Error>): (t: TestCase) => Value | undefined {
  return (t) => {
    const v = values[t.name];
    if (v instanceof Error) throw v;
    return v;
  };
}

function ticking(): () => bigint {
  let now = 0n;
  return () => (now += 1000n);
}

describe('runTests', () => {
  const cases = [tc('test_ok', 3), tc('test_false', 7), tc('test_undefined', 11), tc('test_boom', 15), tc('todo_test_later', 19), tc('test_set', 23)];
  const evaluate = policy({
    test_ok: true,
    test_false: false,
    test_undefined: undefined,
    test_boom: new EvalError('eval_conflict_error', 'complete rule p has more than one value', at('policies/chat.gate', 9, 3)),
    test_set: RSet.from([1]),
    todo_test_later: new Error('must not be evaluated'),
  });

  it('passes defined non-false values, fails false and undefined, errors on throws, skips todo_', () => {
    const report = runTests(cases, { evaluate, clock: ticking() });
    expect(report.results.map((r) => [r.name, r.status])).toEqual([
      ['data.railgate.chat.test_ok', 'pass'],
      ['data.railgate.chat.test_false', 'fail'],
      ['data.railgate.chat.test_undefined', 'fail'],
      ['data.railgate.chat.test_boom', 'error'],
      ['data.railgate.chat.todo_test_later', 'skip'],
      ['data.railgate.chat.test_set', 'pass'],
    ]);
    expect(report.summary).toEqual({ passed: 2, failed: 2, errored: 1, skipped: 1, total: 6 });
    expect(report.results[1]).toMatchObject({ file: FILE, line: 7, value: false });
    expect(report.results[2]!.value).toBeUndefined();
    expect(report.results[3]!.error).toEqual({
      code: 'eval_conflict_error',
      message: 'complete rule p has more than one value',
      loc: at('policies/chat.gate', 9, 3),
    });
    expect(report.results[0]!.durationNs).toBe(1000n);
    expect(report.results[4]!.durationNs).toBe(0n);
  });

  it('filters by full name with --run', () => {
    const report = runTests(cases, { evaluate, filter: /chat\.test_(ok|false)$/g });
    expect(report.results.map((r) => r.name)).toEqual(['data.railgate.chat.test_ok', 'data.railgate.chat.test_false']);
  });

  it('reports progress after each test', () => {
    const seen: string[] = [];
    runTests(cases.slice(0, 2), { evaluate, onResult: (r, done, total) => seen.push(`${r.status} ${done}/${total}`) });
    expect(seen).toEqual(['pass 1/2', 'fail 2/2']);
  });

  it('turns unexpected exceptions into internal errors instead of stopping the run', () => {
    const report = runTests([tc('test_bug', 1), tc('test_ok', 2)], {
      evaluate: policy({ test_bug: new TypeError('x is not a function'), test_ok: true }),
    });
    expect(report.results.map((r) => r.status)).toEqual(['error', 'pass']);
    expect(report.results[0]!.error).toEqual({ code: 'internal_error', message: 'x is not a function' });
  });
});

describe('summaryLine', () => {
  it('counts errors as failed and adds skipped only when any', () => {
    expect(summaryLine({ passed: 3, failed: 1, errored: 1, skipped: 0, total: 5 })).toBe('3 passed, 2 failed');
    expect(summaryLine({ passed: 3, failed: 0, errored: 0, skipped: 2, total: 5 })).toBe('3 passed, 0 failed, 2 skipped');
  });
});

describe('fullTestName', () => {
  it('prefixes data once', () => {
    expect(fullTestName({ name: 'test_a', path: ['x', 'test_a'] })).toBe('data.x.test_a');
    expect(fullTestName({ name: 'test_a', path: ['data', 'x', 'test_a'] })).toBe('data.x.test_a');
  });
});

describe('toTestError', () => {
  it('keeps code, message and location of evaluation errors', () => {
    expect(toTestError(new EvalError('eval_budget_exceeded', 'too slow'))).toEqual({ code: 'eval_budget_exceeded', message: 'too slow' });
    expect(toTestError('weird')).toEqual({ code: 'internal_error', message: 'weird' });
  });
});
