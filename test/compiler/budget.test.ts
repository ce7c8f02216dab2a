import { describe, expect, it } from 'vitest';
import { evalError, evalJSON, policy } from './helpers.js';

// The evaluation budget turns a runaway policy into a clean error.

describe('budget', () => {
  const runaway = 'package t\nxs := numbers.range(1, 1000)\nn := count([1 | some a in xs; some b in xs; some c in xs; a + b + c == -1])';

  it('stops a huge cross-product with eval_budget_exceeded', () => {
    const p = policy(runaway);
    const e = evalError(p, 't.n', { budget: { maxSteps: 20_000 } });
    expect(e.code).toBe('eval_budget_exceeded');
    expect(e.message).toContain('20000 steps');
    expect(e.loc?.line).toBe(3);
  });

  it('stops at the wall-clock limit too', () => {
    const p = policy(runaway);
    const e = evalError(p, 't.n', { budget: { maxSteps: Number.MAX_SAFE_INTEGER, timeoutMs: 1 } });
    expect(e.code).toBe('eval_budget_exceeded');
    expect(e.message).toContain('time budget');
  });

  it('lets a normal evaluation through with room to spare', () => {
    const p = policy('package t\nn := count([x | some x in numbers.range(1, 100); x % 2 == 0])');
    expect(evalJSON(p, 't.n', { budget: { maxSteps: 10_000 } })).toBe(50);
  });
});
