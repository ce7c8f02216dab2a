import type { Body, Literal, Location, Module, Rule } from '../lang/ast.js';
import { check } from '../lang/check/index.js';
import { DiagnosticsError, error, hasErrors, type Diagnostic } from '../lang/diagnostics.js';
import { BUILTINS } from '../runtime/builtins/index.js';
import type { Builtin, BuiltinContext } from '../runtime/builtins/types.js';
import { compileClassifiers, libraryDefinitions, validateClassifierDecl } from '../runtime/classifiers/index.js';
import type { ClassifierSet } from '../runtime/classifiers/types.js';
import { fromJSON, RObject, RSet, type Value } from '../runtime/value.js';
import { Compiler } from './compiler.js';
import { EvalError } from './errors.js';
import { State, type CTerm, type PureStore } from './state.js';
import { dataPath } from './refs.js';

// The compiler's public API: compile modules once into a PolicySet, then evaluate
// data paths or queries against an input and base data, many times, cheaply.

export { EvalError, formatEvalError, type EvalErrorCode } from './errors.js';

export interface CompileOptions {
  /** builtins available to policies; default BUILTINS */
  builtins?: ReadonlyMap<string, Builtin>;
}

export interface Budget {
  /** default 1_000_000 */
  maxSteps?: number;
  /** default 1000 */
  timeoutMs?: number;
}

/** Optional hooks; absent hooks cost nothing but a check. */
export interface Tracer {
  /** a rule body starts evaluating */
  enterRule?(rule: Rule, path: string[]): void;
  ruleSucceeded?(rule: Rule, path: string[], value: Value): void;
  /** for coverage and --explain */
  literal?(lit: Literal, succeeded: boolean): void;
}

export interface EvalOptions {
  input?: Value;
  /** base documents, an RObject */
  data?: Value;
  budget?: Budget;
  /** raise builtin errors instead of making the call undefined */
  strict?: boolean;
  tracer?: Tracer;
  /** the evaluation's clock (time.now_ns); default the wall clock */
  nowNs?: number;
}

export interface TestCase {
  name: string;
  /** full data path of the rule */
  path: string[];
  module: Module;
  rule: Rule;
  /** todo_test_ */
  skipped: boolean;
}

const EMPTY = new RObject();

/** The builtins' view of one evaluation; the clock and the cache are made on first use. */
class Context implements BuiltinContext {
  private now: number | undefined;
  private memo: Map<string, unknown> | undefined;
  constructor(
    now: number | undefined,
    readonly classifiers: ClassifierSet,
    readonly strict: boolean,
  ) {
    this.now = now;
  }
  get nowNs(): number {
    return (this.now ??= Date.now() * 1e6);
  }
  get cache(): Map<string, unknown> {
    return (this.memo ??= new Map());
  }
}

export class PolicySet {
  readonly modules: Module[];
  readonly classifiers: ClassifierSet;
  private readonly c: Compiler;
  private readonly paths = new Map<string, CTerm>();
  private lastPath: string[] | undefined;
  private lastTerm: CTerm | undefined;
  /** built on first use by a tracer that watches literals, so others pay nothing */
  private traced: PolicySet | undefined;
  /** values of pure rules, per base data document (by identity) and strictness */
  private readonly pureCaches = new WeakMap<object, { strict?: PureStore; lax?: PureStore }>();

  /** @internal use compile() */
  constructor(c: Compiler, classifiers: ClassifierSet) {
    this.c = c;
    this.modules = c.modules;
    this.classifiers = classifiers;
  }

  /**
   * The value of data.<path>: a rule, a whole package (an object of its rules, as
   * OPA's data API returns it) or a base document; undefined when undefined.
   * Throws EvalError.
   */
  evaluate(path: string[], opts: EvalOptions = {}): Value | undefined {
    if (opts.tracer?.literal && !this.c.traceLiterals) return this.withLiteralTracing().evaluate(path, opts);
    let t = this.lastTerm !== undefined && samePath(path, this.lastPath!) ? this.lastTerm : undefined;
    if (!t) {
      const key = path.join('\u0000');
      t = this.paths.get(key);
      if (!t) {
        t = dataPath(this.c, path);
        this.paths.set(key, t);
      }
      this.lastPath = path.slice();
      this.lastTerm = t;
    }
    const s = this.state(opts);
    try {
      return t.d!(s, NO_SLOTS);
    } catch (e) {
      throw asEvalError(e);
    }
  }

  /**
   * All solutions of a query: the bindings of its named (non-`_`) variables. Throws
   * EvalError; a query that does not compile (unsafe vars, unknown functions) throws
   * DiagnosticsError.
   */
  query(body: Body, opts: EvalOptions = {}): Array<Map<string, Value>> {
    if (opts.tracer?.literal && !this.c.traceLiterals) return this.withLiteralTracing().query(body, opts);
    const before = this.c.diags.length;
    const q = this.c.compileQuery(body);
    const diags = this.c.diags.splice(before);
    if (!q || hasErrors(diags)) throw new DiagnosticsError(diags);
    const s = this.state(opts);
    const rows: Array<Map<string, Value>> = [];
    const f = new Array(q.nslots);
    run(() =>
      q.step(s, f, () => {
        const row = new Map<string, Value>();
        for (const [name, slot] of q.vars) {
          const v = f[slot];
          if (v !== undefined) row.set(name, v);
        }
        rows.push(row);
        return false;
      }),
    );
    return rows;
  }

  /** Every `test_*` rule (and `todo_test_*`, skipped), once per path. */
  tests(): TestCase[] {
    const out: TestCase[] = [];
    const seen = new Set<string>();
    for (const m of this.modules) {
      for (const rule of m.rules) {
        const name = rule.head.name;
        if (rule.head.args || rule.head.ref.length > 0) continue;
        const skipped = name.startsWith('todo_test_');
        if (!skipped && !name.startsWith('test_')) continue;
        const path = [...m.package, name];
        const key = path.join('\u0000');
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ name, path, module: m, rule, skipped });
      }
    }
    return out;
  }

  private withLiteralTracing(): PolicySet {
    if (!this.traced) {
      const c = new Compiler(this.c.modules, this.c.builtins, true);
      c.compileAll();
      this.traced = new PolicySet(c, this.classifiers);
    }
    return this.traced;
  }

  private state(opts: EvalOptions): State {
    const strict = opts.strict ?? false;
    const ctx = new Context(opts.nowNs, this.classifiers, strict);
    const b = opts.budget;
    const data = asValue(opts.data) ?? EMPTY;
    const s = new State(asValue(opts.input), data, b?.maxSteps ?? 1_000_000, b?.timeoutMs ?? 1000, strict, opts.tracer, ctx);
    // a tracer sees every rule evaluated, so it gets no cached values
    if (this.c.anyPure && opts.tracer === undefined && data !== null && typeof data === 'object') {
      let caches = this.pureCaches.get(data);
      if (!caches) this.pureCaches.set(data, (caches = {}));
      s.pure = strict ? (caches.strict ??= newStore()) : (caches.lax ??= newStore());
      s.pureData = data;
    }
    return s;
  }
}

/** Callers should pass Values; a plain JSON object is converted rather than misread. */
function asValue(v: Value | undefined): Value | undefined {
  if (v === null || typeof v !== 'object' || v instanceof RObject || v instanceof RSet || Array.isArray(v)) return v;
  return fromJSON(v);
}

const NO_SLOTS: Array<Value | undefined> = [];

function newStore(): PureStore {
  return { groups: new Map(), defs: new Map() };
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Every failure leaves as an EvalError; a deep recursion becomes a budget error. */
function asEvalError(e: unknown): EvalError {
  if (e instanceof EvalError) return e;
  if (e instanceof RangeError) return new EvalError('eval_budget_exceeded', 'evaluation nested too deeply (call stack exhausted)');
  return new EvalError('eval_internal_error', `internal error: ${e instanceof Error ? e.message : String(e)}`);
}

function run<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw asEvalError(e);
  }
}

/**
 * Check and compile modules. Runs the checker, then name resolution and safety
 * (unsafe variables, body reordering), then builds the evaluator. With any error
 * diagnostic there is no policy.
 */
export function compile(modules: Module[], opts: CompileOptions = {}): { policy?: PolicySet; diagnostics: Diagnostic[] } {
  const builtins = opts.builtins ?? BUILTINS;
  const diagnostics: Diagnostic[] = [];
  const classifierNames = new Set(libraryDefinitions().map((d) => d.name));
  diagnostics.push(...check(modules, { builtins, validateClassifier: validateClassifierDecl, classifierNames }));
  const classifiers = compileClassifiers(modules.flatMap((m) => m.classifiers));
  diagnostics.push(...classifiers.diagnostics);
  // resolution and safety run even after checker errors, so every problem is
  // reported at once; what the checker already said about a spot is not repeated
  const checked = hasErrors(diagnostics);
  const c = new Compiler(modules, builtins);
  try {
    c.compileAll();
  } catch (e) {
    if (!checked) diagnostics.push(error('rule_error', `internal compiler error: ${e instanceof Error ? e.message : String(e)}`));
  }
  const seen = new Set(diagnostics.map((d) => locKey(d.loc)));
  for (const d of c.diags) if (!(checked && d.code !== 'unsafe_var' && seen.has(locKey(d.loc)))) diagnostics.push(d);
  const out = dedupe(diagnostics);
  if (hasErrors(out)) return { diagnostics: out };
  return { policy: new PolicySet(c, classifiers.set), diagnostics: out };
}

function locKey(l: Location | undefined): string {
  return l ? `${l.file}:${l.line}:${l.col}` : '';
}

function dedupe(diags: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of diags) {
    const k = `${d.code}|${locKey(d.loc)}|${d.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(d);
  }
  return out;
}
