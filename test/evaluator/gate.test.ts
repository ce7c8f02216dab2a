import { describe, expect, it } from 'vitest';
import { compileSources } from '../../src/compiler/sources.js';
import { EvalError } from '../../src/compiler/index.js';
import { GateEvaluator } from '../../src/evaluator/gate.js';

function evaluator(src: string, data: unknown = {}): GateEvaluator {
  const r = compileSources(new Map([['p.gate', src]]));
  if (!r.policy) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return new GateEvaluator(r.policy, data);
}

const RBAC = `package app.rbac

default allow := false

allow if "admin" in data.roles[input.user]

roles contains r if some r in data.roles[input.user]
`;

describe('GateEvaluator', () => {
  it('evaluates a rule with JSON input and the data it was built with', () => {
    const e = evaluator(RBAC, { roles: { alice: ['admin'], bob: ['viewer'] } });
    expect(e.kind).toBe('gate');
    expect(e.evaluate(['app', 'rbac', 'allow'], { user: 'alice' })).toBe(true);
    expect(e.evaluate(['app', 'rbac', 'allow'], { user: 'bob' })).toBe(false);
  });

  it('returns sets as sorted arrays and packages as objects, like the data API', () => {
    const e = evaluator(RBAC, { roles: { carol: ['viewer', 'editor'] } });
    expect(e.evaluate(['app', 'rbac', 'roles'], { user: 'carol' })).toEqual(['editor', 'viewer']);
    expect(e.evaluate(['app', 'rbac'], { user: 'carol' })).toEqual({ allow: false, roles: ['editor', 'viewer'] });
  });

  it('answers base documents too', () => {
    const e = evaluator(RBAC, { roles: { alice: ['admin'] } });
    expect(e.evaluate(['roles', 'alice'], undefined)).toEqual(['admin']);
  });

  it('is undefined for an undefined rule and for no input', () => {
    const e = evaluator('package app\n\nx := input.a\n');
    expect(e.evaluate(['app', 'x'], undefined)).toBeUndefined();
    expect(e.evaluate(['app', 'nope'], { a: 1 })).toBeUndefined();
  });

  it('keeps falsy inputs', () => {
    const e = evaluator('package app\n\nx := input\n');
    for (const v of [false, 0, '', null]) expect(e.evaluate(['app', 'x'], v)).toBe(v);
  });

  it('raises builtin errors only when strict, as typed errors', () => {
    const e = evaluator('package app\n\nx := to_number(input)\n');
    expect(e.evaluate(['app', 'x'], 'nope')).toBeUndefined();
    expect(() => e.evaluate(['app', 'x'], 'nope', { strict: true })).toThrow(EvalError);
  });

  it('passes the clock and the budget through', () => {
    const e = evaluator('package app\n\nnow := time.now_ns()\n\nspin if { some i in numbers.range(1, 100000); i < 0 }\n');
    expect(e.evaluate(['app', 'now'], {}, { nowNs: 42 })).toBe(42);
    try {
      e.evaluate(['app', 'spin'], {}, { budget: { maxSteps: 1000 } });
      expect.unreachable();
    } catch (err) {
      expect((err as EvalError).code).toBe('eval_budget_exceeded');
    }
  });
});
