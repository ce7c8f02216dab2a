import type { Value } from '../runtime/value.js';
import type { BuiltinContext } from '../runtime/builtins/types.js';
import type { Literal, Rule } from '../lang/ast.js';
import { EvalError } from './errors.js';

// The mutable state of one evaluation, threaded through every compiled closure. The
// closures themselves are built once at compile time; only this object and the frames
// (one array of variable slots per rule invocation) are allocated per request.

export type Frame = Array<Value | undefined>;
/** continuation of a body: returns true to stop the search early */
export type K = () => boolean;
/** continuation receiving a value */
export type VK = (v: Value) => boolean;
/** a term that may enumerate several values (iteration in refs) */
export type Gen = (s: State, f: Frame, k: VK) => boolean;
/** a term with at most one value */
export type Direct = (s: State, f: Frame) => Value | undefined;
/** a literal (or body suffix): runs its successor for each solution */
export type Step = (s: State, f: Frame, k: K) => boolean;
/** a pattern: binds unbound vars to parts of v, compares bound parts */
export type Match = (s: State, f: Frame, v: Value, k: K) => boolean;

export interface CTerm {
  /** present when the term has at most one value */
  d?: Direct;
  g: Gen;
  /** a constant term's value (for specialising comparisons) */
  cv?: Value;
  /** `input.a.b` / `x.a`: the term's shape, for specialising comparisons */
  path?: RefShape;
}

/** A ref from input (slot -1) or a local slot through constant keys. */
export interface RefShape {
  slot: number;
  keys: readonly Value[];
}

export interface TracerHooks {
  enterRule?(rule: Rule, path: string[]): void;
  ruleSucceeded?(rule: Rule, path: string[], value: Value): void;
  literal?(lit: Literal, succeeded: boolean): void;
}

export interface DataOverride {
  path: Value[];
  value: Value;
}

/** A mocked function: a constant value or another callable. */
export type Mock = { kind: 'value'; value: Value } | { kind: 'fn'; call: (s: State, args: Value[]) => Value | undefined };

export const MISSING: unique symbol = Symbol('missing');
export type Memo = Map<number | string, Value | typeof MISSING>;

/**
 * Values of pure rules (see purity.ts) for one base data document and strictness,
 * kept by the PolicySet across evaluations: by group id, and per rule definition
 * (what it contributes to its set, object or complete value).
 */
export interface PureStore {
  groups: Map<number, Value | typeof MISSING>;
  defs: Map<object, unknown>;
}

const CHECK_EVERY = 2048;

let epochs = 0;

/**
 * A fresh memo epoch. Rule values are memoized on the rule groups themselves, tagged
 * with the epoch of the evaluation (or `with` scope) that computed them: a property
 * read instead of a map lookup, and nothing to allocate per request.
 */
export function newEpoch(): number {
  return ++epochs;
}

export class State {
  input: Value | undefined;
  data: Value;
  overrides: DataOverride[] | null = null;
  mocks: Map<string, Mock> | null = null;
  /** memo epoch of this evaluation or `with` scope (see newEpoch) */
  epoch = newEpoch();
  /** values by key of partial rules, for this epoch; made on first use */
  memo: Memo | null = null;
  steps = 0;
  limit: number;
  readonly maxSteps: number;
  private deadline = 0;
  readonly timeoutMs: number;
  readonly strict: boolean;
  readonly tracer: TracerHooks | undefined;
  readonly ctx: BuiltinContext;
  depth = 0;
  /** the pure-rule cache for `pureData` (null: none, e.g. under a tracer) */
  pure: PureStore | null = null;
  pureData: Value | undefined = undefined;
  private hits: Map<object, number> | undefined;

  constructor(
    input: Value | undefined,
    data: Value,
    maxSteps: number,
    timeoutMs: number,
    strict: boolean,
    tracer: TracerHooks | undefined,
    ctx: BuiltinContext,
  ) {
    this.input = input;
    this.data = data;
    this.maxSteps = maxSteps;
    this.timeoutMs = timeoutMs;
    this.limit = Math.min(maxSteps, CHECK_EVERY);
    this.strict = strict;
    this.tracer = tracer;
    this.ctx = ctx;
  }

  /** per literal, how often it succeeded (only when a tracer watches literals) */
  get traceHits(): Map<object, number> {
    return (this.hits ??= new Map());
  }

  /** Called when steps passes limit: enforce the step budget and the wall clock. */
  checkBudget(): void {
    if (this.steps > this.maxSteps) {
      throw new EvalError(
        'eval_budget_exceeded',
        `evaluation exceeded its budget of ${this.maxSteps} steps; the policy iterates too much (look for large cross-products or unbounded comprehensions)`,
      );
    }
    // the clock starts at the first check: most evaluations never get this far, and
    // skipping Date.now() on every request is worth more than a 2048-step head start
    const now = Date.now();
    if (this.deadline === 0) this.deadline = now + this.timeoutMs;
    else if (now > this.deadline) {
      throw new EvalError('eval_budget_exceeded', `evaluation exceeded its time budget of ${this.timeoutMs} ms`);
    }
    this.limit = Math.min(this.maxSteps, this.steps + CHECK_EVERY);
  }
}

/** The pure-rule cache, when no `with` or tracer changes what rules compute. */
export function pureStore(s: State): PureStore | null {
  return s.pure !== null && s.overrides === null && s.mocks === null && s.data === s.pureData ? s.pure : null;
}

/** Count one step; cheap enough for every literal and every iteration. */
export function tick(s: State): void {
  if (++s.steps > s.limit) s.checkBudget();
}
