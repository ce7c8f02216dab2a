import type { Location } from '../lang/ast.js';
import { canonical, equals, hashValue, RObject, RSet, type Value } from '../runtime/value.js';
import { get, getPath, isPrefix, merge, upsert } from './access.js';
import { EvalError } from './errors.js';
import { MISSING, pureStore, tick, type Frame, type PureStore, type State } from './state.js';
import type { CClause, CRule, Node, RuleGroup } from './tree.js';

// Evaluating rule groups: the value of a complete rule, partial set or object, and
// function calls. Values are memoized per evaluation (and per `with` scope, whose
// memo is fresh), so each rule body runs at most once per request.

const MAX_DEPTH = 400;

function conflict(g: RuleGroup, what: string, loc: Location): EvalError {
  return new EvalError('eval_conflict_error', `rule ${g.name} produced conflicting values: ${what}`, loc);
}

// Recursion is rejected by the checker; the depth bound turns anything it missed
// into an error instead of a stack overflow.
function enter(s: State, g: RuleGroup, loc: Location): void {
  if (++s.depth > MAX_DEPTH) throw new EvalError('eval_budget_exceeded', `evaluation nested too deeply (in ${g.name}); is a rule recursive?`, loc);
}

function leave(s: State): void {
  s.depth--;
}

/** Virtual documents replaced by `with data.x as v`: the value at path, when covered. */
function overridden(s: State, path: readonly Value[]): { hit: boolean; value: Value | undefined } {
  let value: Value | undefined;
  let hit = false;
  for (const o of s.overrides!) {
    if (isPrefix(o.path, path)) {
      hit = true;
      value = getPath(o.value, path.slice(o.path.length));
    }
  }
  return { hit, value };
}

function patchDeeper(s: State, path: readonly Value[], v: Value | undefined): Value | undefined {
  for (const o of s.overrides!) {
    if (o.path.length > path.length && isPrefix(path, o.path)) v = upsert(v, o.path.slice(path.length), o.value);
  }
  return v;
}

export function evalGroup(s: State, g: RuleGroup): Value | undefined {
  if (s.overrides !== null) {
    const o = overridden(s, g.path);
    if (o.hit) return o.value;
  }
  if (g.memoEpoch === s.epoch) return g.memoValue;
  const ps = g.pure === true ? pureStore(s) : null;
  if (ps !== null) {
    const c = ps.groups.get(g.id);
    if (c !== undefined) {
      const cv = c === MISSING ? undefined : c;
      g.memoEpoch = s.epoch;
      g.memoValue = cv;
      return cv;
    }
  }
  let v: Value | undefined;
  const loc = g.entries[0]?.rule.loc ?? g.defaults[0]?.rule.loc;
  enter(s, g, loc!);
  try {
    if (g.kind === 'complete') v = evalComplete(s, g);
    else if (g.kind === 'set') v = evalSet(s, g);
    else if (g.kind === 'object') v = evalObject(s, g);
    else v = undefined;
  } finally {
    leave(s);
  }
  if (s.overrides !== null) v = patchDeeper(s, g.path, v);
  else if (ps !== null) ps.groups.set(g.id, v === undefined ? MISSING : v);
  g.memoEpoch = s.epoch;
  g.memoValue = v;
  return v;
}

function traceEnter(s: State, r: CRule, g: RuleGroup): void {
  s.tracer!.enterRule?.(r.rule, g.path.map(String));
}

function evalComplete(s: State, g: RuleGroup): Value | undefined {
  let result: Value | undefined;
  const ps = pureStore(s);
  for (const r of g.compiled) {
    if (s.tracer !== undefined) traceEnter(s, r, g);
    const v = ps !== null && r.pure === true ? pureClauses(s, ps, g, r) : evalClauses(s, g, r, frame(r));
    if (v === undefined) continue;
    if (s.tracer !== undefined) s.tracer.ruleSucceeded?.(r.rule, g.path.map(String), v);
    if (result === undefined) result = v;
    else if (!equals(result, v)) throw conflict(g, 'complete rules must not produce multiple outputs', r.rule.loc);
  }
  if (result === undefined && g.defaultValue) result = g.defaultValue.d!(s, []);
  return result;
}

/** The value of one rule: its first clause (body, then each `else`) with solutions. */
const TRUE_K = (): boolean => true;
const NO_SLOTS: Frame = [];

/** A frame for one rule evaluation; rules without variables share an empty one. */
function frame(r: CRule): Frame {
  return r.nslots === 0 ? NO_SLOTS : new Array(r.nslots);
}

function evalClauses(s: State, g: RuleGroup, r: CRule, f: Frame): Value | undefined {
  // `p if ...` / `p := 1 if ...`: the first solution decides, nothing to collect
  if (r.constant) return r.clauses.length > 0 && r.clauses[0]!.body(s, f, TRUE_K) ? r.constValue : undefined;
  for (const cl of r.clauses) {
    // `p := 1 if ... else := 2 if ...`: a constant clause value, so the first solution decides
    const cv = cl.value.cv;
    if (cv !== undefined) {
      if (cl.body(s, f, TRUE_K)) return cv;
      continue;
    }
    const box: { out: Value | undefined } = { out: undefined };
    cl.body(s, f, () =>
      cl.value.g(s, f, (v) => {
        if (box.out === undefined) {
          box.out = v;
          return r.constant;
        }
        if (!equals(box.out, v)) throw multipleOutputs(g, cl.rule.loc);
        return false;
      }),
    );
    if (box.out !== undefined) return box.out;
  }
  return undefined;
}

/** evalClauses of a pure definition, once per data document. */
function pureClauses(s: State, ps: PureStore, g: RuleGroup, r: CRule): Value | undefined {
  const c = ps.defs.get(r) as Value | typeof MISSING | undefined;
  if (c !== undefined) return c === MISSING ? undefined : c;
  const v = evalClauses(s, g, r, frame(r));
  ps.defs.set(r, v === undefined ? MISSING : v);
  return v;
}

function multipleOutputs(g: RuleGroup, loc: Location): EvalError {
  return g.kind === 'function'
    ? conflict(g, 'functions must not produce multiple outputs for same inputs', loc)
    : conflict(g, 'complete rules must not produce multiple outputs', loc);
}

function evalSet(s: State, g: RuleGroup): RSet {
  const ps = pureStore(s);
  // the definitions that only read data contribute the same members every time:
  // built into one set per data document, copied for the others to add to
  const base = ps !== null ? pureMembers(s, ps, g) : undefined;
  const out = base === undefined ? new RSet() : base._copy();
  for (const r of g.compiled) {
    if (ps !== null && r.pure === true) continue;
    if (s.tracer !== undefined) traceEnter(s, r, g);
    const f = frame(r);
    const cl = r.clauses[0]!;
    const d = cl.value.d;
    if (d && s.tracer === undefined) {
      // the common case: one member per solution, no closure per solution
      cl.body(s, f, () => {
        const v = d(s, f);
        if (v !== undefined) out.add(v);
        return false;
      });
      continue;
    }
    cl.body(s, f, () =>
      cl.value.g(s, f, (v) => {
        out.add(v);
        if (s.tracer !== undefined) s.tracer.ruleSucceeded?.(r.rule, g.path.map(String), v);
        return false;
      }),
    );
  }
  return out;
}

/** The members of a set rule's pure definitions, once per data document; undefined when none. */
function pureMembers(s: State, ps: PureStore, g: RuleGroup): RSet | undefined {
  let members = ps.defs.get(g) as RSet | null | undefined;
  if (members === undefined) {
    let set: RSet | null = null;
    for (const r of g.compiled) {
      if (r.pure !== true) continue;
      const out = (set ??= new RSet());
      const cl = r.clauses[0]!;
      const f: Frame = new Array(r.nslots);
      cl.body(s, f, () => cl.value.g(s, f, (v) => (out.add(v), false)));
    }
    // hashed now, once: members then tell themselves apart from others by hash
    if (set !== null) set.forEachMember((v) => (hashValue(v), false));
    ps.defs.set(g, (members = set));
  }
  return members ?? undefined;
}

/**
 * Insert value at keys inside a fresh object, reporting conflicting leaves. `built`
 * holds the inner objects and sets made by this build, the only ones written into.
 */
function insert(g: RuleGroup, obj: RObject, keys: Value[], value: Value, loc: Location, setLeaf: boolean, built: Set<object>): void {
  let cur = obj;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i]!;
    let next = cur.get(k);
    if (next === undefined) {
      next = new RObject();
      built.add(next);
      cur.set(k, next);
    } else if (!(next instanceof RObject)) throw conflict(g, 'object keys must be unique', loc);
    else if (!built.has(next)) {
      // a rule's value (perhaps a shared constant or cached): written into, so copied
      const copy = RObject.from(next.entries());
      built.add(copy);
      cur.set(k, copy);
      next = copy;
    }
    cur = next;
  }
  const last = keys[keys.length - 1]!;
  const prev = cur.get(last);
  if (setLeaf) {
    if (prev === undefined) {
      const leaf = RSet.from([value]);
      built.add(leaf);
      cur.set(last, leaf);
    } else if (prev instanceof RSet && built.has(prev)) prev.add(value);
    else if (prev instanceof RSet) {
      const leaf = RSet.from([...prev.values(), value]);
      built.add(leaf);
      cur.set(last, leaf);
    } else throw conflict(g, 'object keys must be unique', loc);
    return;
  }
  if (prev === undefined) cur.set(last, value);
  else if (!equals(prev, value)) {
    const m = prev instanceof RObject && value instanceof RObject ? merge(prev, value) : undefined;
    if (m === undefined) throw conflict(g, 'object keys must be unique', loc);
    cur.set(last, m);
  }
}

/** Run an object rule's body, calling emit(keys, value) for each solution. */
function runObjectRule(s: State, r: CRule, f: Frame, emit: (keys: Value[], v: Value) => void): void {
  const cl = r.clauses[0]!;
  cl.body(s, f, () => objectKeys(s, f, cl, new Array(cl.keys.length), 0, emit));
}

function objectKeys(s: State, f: Frame, cl: CClause, keys: Value[], i: number, emit: (keys: Value[], v: Value) => void): boolean {
  if (i === keys.length) return cl.value.g(s, f, (v) => (emit(keys.slice(), v), false));
  return cl.keys[i]!.g(s, f, (k) => {
    keys[i] = k;
    return objectKeys(s, f, cl, keys, i + 1, emit);
  });
}

function evalObject(s: State, g: RuleGroup): RObject {
  const out = new RObject();
  const built = new Set<object>();
  const ps = pureStore(s);
  for (const r of g.compiled) {
    if (ps !== null && r.pure === true) {
      let pairs = ps.defs.get(r) as Array<[Value[], Value]> | undefined;
      if (pairs === undefined) {
        const found: Array<[Value[], Value]> = [];
        runObjectRule(s, r, new Array(r.nslots), (keys, v) => found.push([keys, v]));
        ps.defs.set(r, (pairs = found));
      }
      for (const [keys, v] of pairs) insert(g, out, keys, v, r.rule.loc, r.setLeaf, built);
      continue;
    }
    if (s.tracer !== undefined) traceEnter(s, r, g);
    runObjectRule(s, r, new Array(r.nslots), (keys, v) => {
      insert(g, out, keys, v, r.rule.loc, r.setLeaf, built);
      if (s.tracer !== undefined) s.tracer.ruleSucceeded?.(r.rule, g.path.map(String), v);
    });
  }
  return out;
}

/**
 * `g[key]` without computing the whole object: each rule runs with its first key
 * variable already bound. Falls back to the full value when a rule's first key is
 * not a plain variable.
 */
export function objectKey(s: State, g: RuleGroup, key: Value): Value | undefined {
  if (!g.keyable || s.overrides !== null || g.memoEpoch === s.epoch || (g.pure === true && pureStore(s) !== null)) return get(evalGroup(s, g), key);
  const mk = typeof key === 'string' || typeof key === 'number' ? `${g.id}:${canonical(key)}` : undefined;
  if (mk !== undefined) {
    const cached = s.memo === null ? undefined : s.memo.get(mk);
    if (cached !== undefined) return cached === MISSING ? undefined : cached;
  }
  const loc = g.entries[0]?.rule.loc ?? g.defaults[0]?.rule.loc;
  const holder = new RObject();
  const built = new Set<object>();
  enter(s, g, loc!);
  try {
    for (const r of g.compiled) {
      const f: Frame = new Array(r.nslots);
      f[r.keySlot] = key;
      runObjectRule(s, r, f, (keys, v) => {
        if (equals(keys[0]!, key)) insert(g, holder, keys, v, r.rule.loc, r.setLeaf, built);
      });
    }
  } finally {
    leave(s);
  }
  const v = holder.get(key);
  if (mk !== undefined) (s.memo ??= new Map()).set(mk, v === undefined ? MISSING : v);
  return v;
}

/** `key in set-rule` without computing the whole set. */
export function setHas(s: State, g: RuleGroup, key: Value): boolean {
  if (!g.keyable || s.overrides !== null || g.memoEpoch === s.epoch || (g.pure === true && pureStore(s) !== null)) {
    const v = evalGroup(s, g);
    return v instanceof RSet && v.has(key);
  }
  const loc = g.entries[0]?.rule.loc;
  enter(s, g, loc!);
  try {
    for (const r of g.compiled) {
      const f: Frame = new Array(r.nslots);
      f[r.keySlot] = key;
      const cl = r.clauses[0]!;
      let found = false;
      cl.body(s, f, () =>
        cl.value.g(s, f, (v) => {
          if (equals(v, key)) found = true;
          return found;
        }),
      );
      if (found) return true;
    }
    return false;
  } finally {
    leave(s);
  }
}

// ---------------------------------------------------------------- functions

export function callFunction(s: State, g: RuleGroup, args: Value[], loc: Location): Value | undefined {
  if (args.length !== g.arity) return undefined;
  // the last call's result, for this epoch: library helpers are called again and again
  // with the same document (`groups.is_research(input.user)`). Not under mocks (a
  // replacement runs with the originals at the same epoch) nor a tracer (it sees calls).
  const memo = s.mocks === null && s.tracer === undefined;
  if (memo && g.callEpoch === s.epoch && sameArgs(g.callArgs!, args)) return g.callValue;
  const v = callRules(s, g, args, loc);
  if (memo) {
    g.callEpoch = s.epoch;
    g.callArgs = args;
    g.callValue = v;
  }
  return v;
}

function sameArgs(a: readonly Value[], b: readonly Value[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function callRules(s: State, g: RuleGroup, args: Value[], loc: Location): Value | undefined {
  if (++s.depth > MAX_DEPTH) throw new EvalError('eval_budget_exceeded', `evaluation nested too deeply (in ${g.name}); is a function recursive?`, loc);
  tick(s);
  try {
    let result: Value | undefined;
    for (const r of g.compiled) {
      const f: Frame = new Array(r.nslots);
      if (s.tracer !== undefined) traceEnter(s, r, g);
      let v: Value | undefined;
      const slots = r.argSlots;
      if (slots !== undefined) {
        for (let i = 0; i < slots.length; i++) if (slots[i]! >= 0) f[slots[i]!] = args[i];
        v = evalClauses(s, g, r, f);
      } else {
        const box: { out: Value | undefined } = { out: undefined };
        matchArgs(s, g, r, f, args, 0, box);
        v = box.out;
      }
      if (v === undefined) continue;
      if (s.tracer !== undefined) s.tracer.ruleSucceeded?.(r.rule, g.path.map(String), v);
      if (result === undefined) result = v;
      else if (!equals(result, v)) throw conflict(g, 'functions must not produce multiple outputs for same inputs', r.rule.loc);
    }
    if (result === undefined && g.defaultValue) result = g.defaultValue.d!(s, []);
    return result;
  } finally {
    s.depth--;
  }
}

function matchArgs(s: State, g: RuleGroup, r: CRule, f: Frame, args: Value[], i: number, box: { out: Value | undefined }): boolean {
  if (i === r.args.length) {
    box.out = evalClauses(s, g, r, f);
    return true;
  }
  return r.args[i]!(s, f, args[i]!, () => matchArgs(s, g, r, f, args, i + 1, box));
}

// ---------------------------------------------------------------- nodes

/** The whole document at an inner node: base data merged with every rule below it. */
export function nodeValue(s: State, node: Node): Value | undefined {
  if (s.overrides !== null) {
    const o = overridden(s, node.path);
    if (o.hit) return o.value;
  }
  if (node.memoEpoch === s.epoch) return node.memoValue;
  const out = new RObject();
  const base = getPath(s.data, node.path);
  if (base instanceof RObject) for (const [k, v] of base.entries()) out.set(k, v);
  const children = node.documentChildren();
  for (let i = 0; i < children.length; i++) {
    const [key, child] = children[i]!;
    const v = childValue(s, child);
    if (v === undefined) continue;
    const prev = base instanceof RObject ? out.get(key) : undefined;
    if (prev === undefined) out.set(key, v);
    else {
      // base documents win over rules at the same path (as in OPA)
      const m = merge(prev, v);
      out.set(key, m ?? prev);
    }
  }
  if (node.dyn) {
    const dv = evalGroup(s, node.dyn);
    if (dv instanceof RObject) {
      for (const [k, v] of dv.entries()) {
        const prev = out.get(k);
        if (prev === undefined) out.set(k, v);
        else {
          const m = merge(prev, v);
          if (m === undefined) throw conflict(node.dyn, 'object keys must be unique', node.dyn.entries[0]!.rule.loc);
          out.set(k, m);
        }
      }
    }
  }
  node.memoEpoch = s.epoch;
  node.memoValue = out;
  return out;
}

export function childValue(s: State, n: Node): Value | undefined {
  if (n.group) return n.group.kind === 'function' ? undefined : evalGroup(s, n.group);
  return nodeValue(s, n);
}

/** `node[key]`: the static child, rules keyed there, and base data, merged. */
export function nodeKey(s: State, node: Node, key: Value): Value | undefined {
  if (s.overrides !== null) return get(nodeValue(s, node), key);
  let v: Value | undefined;
  const child = node.child(key);
  if (child) v = childValue(s, child);
  if (node.dyn) {
    const dv = objectKey(s, node.dyn, key);
    if (dv !== undefined) v = v === undefined ? dv : (merge(v, dv) ?? v);
  }
  const base = get(getPath(s.data, node.path), key);
  if (base !== undefined) v = v === undefined ? base : (merge(base, v) ?? base);
  return v;
}
