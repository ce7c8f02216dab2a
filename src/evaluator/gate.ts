import type { PolicySet } from '../compiler/index.js';
import { fromJSON, toJSON, type Value } from '../runtime/value.js';
import type { EvaluateOptions, Evaluator } from './types.js';

// A compiled .gate policy set behind the evaluator contract. The data document is
// converted once, here, so every evaluation of one revision shares the same data
// value and with it the policy set's cache of input-independent rules.

export class GateEvaluator implements Evaluator {
  readonly kind = 'gate' as const;
  /** the data document as policy values, converted once per revision */
  readonly data: Value;

  constructor(
    readonly policy: PolicySet,
    data: unknown,
  ) {
    this.data = fromJSON(data ?? {});
  }

  /** Every path under data: rules, packages and base documents alike. */
  answers(): boolean {
    return true;
  }

  evaluate(path: readonly string[], input: unknown, opts: EvaluateOptions = {}): unknown {
    const v = this.policy.evaluate(path as string[], {
      ...(input !== undefined ? { input: fromJSON(input) } : {}),
      data: this.data,
      ...(opts.strict ? { strict: true } : {}),
      ...(opts.budget ? { budget: opts.budget } : {}),
      ...(opts.nowNs !== undefined ? { nowNs: opts.nowNs } : {}),
    });
    return v === undefined ? undefined : toJSON(v);
  }
}
