import type { Literal, Location, Module, Rule } from '../lang/ast.js';
import type { Value } from '../runtime/value.js';

// The runner's view of a compiled policy: the test rules it lists and a way to
// evaluate one. Structural, so the runner stays independent of how the compiler
// is built (and a PolicySet's tests() fits as is).

export interface TestCase {
  /** the rule's name, e.g. `test_card_is_denied` */
  name: string;
  /** the rule's path under data: ["railgate", "chat", "test_card_is_denied"] (a leading "data" is tolerated) */
  path: readonly string[];
  rule: Rule;
  module: Module;
  /** `todo_test_*` rules: listed, never run */
  skipped: boolean;
}

/** The hooks the evaluator calls while it runs (the compiler's Tracer). */
export interface TraceHooks {
  enterRule?(rule: Rule, path: readonly string[]): void;
  ruleSucceeded?(rule: Rule, path: readonly string[], value: Value): void;
  literal?(lit: Literal, succeeded: boolean): void;
}

export type TestStatus = 'pass' | 'fail' | 'error' | 'skip';

export interface TestError {
  code: string;
  message: string;
  loc?: Location;
}

export interface TestResult {
  /** full name: `data.railgate.chat.test_card_is_denied` */
  name: string;
  file: string;
  line: number;
  status: TestStatus;
  durationNs: bigint;
  /** for `fail`: what the test evaluated to (undefined when it was undefined) */
  value?: Value;
  error?: TestError;
}

export interface TestSummary {
  passed: number;
  /** failures, not counting errors */
  failed: number;
  errored: number;
  skipped: number;
  total: number;
}

export interface TestReport {
  results: TestResult[];
  summary: TestSummary;
}
