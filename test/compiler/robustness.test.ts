import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EvalError } from '../../src/compiler/index.js';
import { fromJSON } from '../../src/runtime/value.js';
import { policy } from './helpers.js';

// Whatever the input, evaluation returns a value, undefined, or an EvalError: never
// another exception, never a hang (the budget bounds every loop).

const src = `package t

default allow := false

allow if {
	some role in input.user.roles
	grant := data.grants[role][_]
	grant.action == input.action
}

deny contains sprintf("%v is too big", [x]) if {
	some x in input.items
	x > 10
}

sizes := {k: count(v) | some k, v in input.groups}

total := sum([x | some x in input.items]) if count(input.items) > 0

keys[k] := v if {
	some k, v in input.labels
	startswith(k, "team-")
}

every_small if every x in input.items { x < 100 }

decision := {"allow": allow, "deny": deny, "sizes": sizes}
`;

describe('evaluation robustness', () => {
  const p = policy(src);
  const data = fromJSON({ grants: { admin: [{ action: 'read' }, { action: 'write' }], dev: [{ action: 'read' }] } });

  it('never throws anything but EvalError on arbitrary JSON input', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (json) => {
        for (const path of [['t', 'decision'], ['t', 'total'], ['t', 'keys'], ['t', 'every_small'], ['t']]) {
          for (const strict of [false, true]) {
            try {
              p.evaluate(path, { input: fromJSON(json), data, strict, budget: { maxSteps: 5000 } });
            } catch (e) {
              expect(e).toBeInstanceOf(EvalError);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('never throws anything but EvalError on inputs shaped like the policy expects', () => {
    const shaped = fc.record({
      user: fc.record({ roles: fc.array(fc.oneof(fc.constantFrom('admin', 'dev', 'x'), fc.integer()), { maxLength: 4 }) }),
      action: fc.oneof(fc.constantFrom('read', 'write'), fc.integer(), fc.constant(null)),
      items: fc.array(fc.oneof(fc.integer({ min: -5, max: 200 }), fc.string({ maxLength: 3 }), fc.constant(null)), { maxLength: 6 }),
      groups: fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.array(fc.integer(), { maxLength: 3 }), fc.string({ maxLength: 3 }), fc.integer())),
      labels: fc.dictionary(fc.constantFrom('team-a', 'team-b', 'other', ''), fc.jsonValue({ maxDepth: 1 })),
    });
    fc.assert(
      fc.property(shaped, (input) => {
        try {
          const v = p.evaluate(['t', 'decision'], { input: fromJSON(input), data });
          expect(v).toBeDefined();
        } catch (e) {
          expect(e).toBeInstanceOf(EvalError);
        }
      }),
      { numRuns: 150 },
    );
  });
});
