import type { Body, Literal, Module, Term, VarTerm } from '../lang/ast.js';
import { error, type Diagnostic } from '../lang/diagnostics.js';

// Name resolution. A var in a body is, in order: a local declared by `some`, `:=`,
// a function argument or an `every` binding (innermost scope first); else a rule of
// the same package, an import alias, `input` or `data`; else a local of the innermost
// enclosing body that mentions it, bound by unification or iteration.

export type Global = { root: 'data' | 'input'; path: string[] };
export type Res = { kind: 'local'; slot: number; name: string; wildcard: boolean } | { kind: 'global'; g: Global };

export interface ModuleContext {
  module?: Module;
  pkg: string[];
  /** head names of every rule in this package, across modules */
  ruleNames: Set<string>;
  imports: Map<string, Global>;
}

export class Frame0 {
  /** owner scope of each slot */
  readonly owners: Scope[] = [];
  /** a var occurrence per slot, for diagnostics */
  readonly vars: Array<VarTerm | undefined> = [];
  alloc(owner: Scope, v?: VarTerm): number {
    this.owners.push(owner);
    this.vars.push(v);
    return this.owners.length - 1;
  }
  get size(): number {
    return this.owners.length;
  }
}

export class Scope {
  readonly declared = new Map<string, number>();
  readonly locals = new Map<string, number>();
  /** how and where each name was declared in this body (`:=`, `some`), for redeclaration errors */
  readonly decls = new Map<string, { how: 'assigned' | 'declared'; line: number; v: VarTerm }>();
  /** the scope of a function's arguments */
  isArgs = false;
  constructor(
    readonly parent: Scope | null,
    readonly frame: Frame0,
    readonly mod: ModuleContext,
  ) {}

  declare(name: string): number {
    let s = this.declared.get(name);
    if (s === undefined) {
      s = this.frame.alloc(this);
      this.declared.set(name, s);
    }
    return s;
  }

  /** A declaration from here on: a new slot even when the name was declared before. */
  redeclare(name: string): number {
    const slot = this.frame.alloc(this);
    this.declared.set(name, slot);
    return slot;
  }

  isAncestorOf(other: Scope): boolean {
    for (let s: Scope | null = other.parent; s; s = s.parent) if (s === this) return true;
    return false;
  }
}

export function globalName(name: string, mod: ModuleContext): Global | undefined {
  if (mod.ruleNames.has(name)) return { root: 'data', path: [...mod.pkg, name] };
  const imp = mod.imports.get(name);
  if (imp) return imp;
  if (name === 'input') return { root: 'input', path: [] };
  if (name === 'data') return { root: 'data', path: [] };
  return undefined;
}

export class Resolver {
  private readonly cache = new WeakMap<VarTerm, Res>();
  /** where redeclaration errors go (the compiler's diagnostics) */
  diags: Diagnostic[] = [];
  /** scopes of nested bodies (comprehensions, `every`), by their AST node */
  readonly childScopes = new WeakMap<object, Scope>();

  child(node: object, scope: Scope): Scope {
    let c = this.childScopes.get(node);
    if (!c) {
      c = new Scope(scope, scope.frame, scope.mod);
      this.childScopes.set(node, c);
    }
    return c;
  }

  /** Resolve every var of a term; nested comprehension bodies get their own scope. */
  walk(t: Term, scope: Scope): void {
    switch (t.type) {
      case 'var':
        this.resolve(t, scope);
        return;
      case 'ref':
        this.walk(t.head, scope);
        for (const p of t.path) this.walk(p, scope);
        return;
      case 'array':
      case 'set':
        for (const x of t.items) this.walk(x, scope);
        return;
      case 'object':
        for (const [k, x] of t.entries) {
          this.walk(k, scope);
          this.walk(x, scope);
        }
        return;
      case 'call':
        for (const a of t.args) this.walk(a, scope);
        return;
      case 'binary':
        this.walk(t.left, scope);
        this.walk(t.right, scope);
        return;
      case 'unary':
        this.walk(t.operand, scope);
        return;
      case 'membership':
        if (t.key) this.walk(t.key, scope);
        this.walk(t.value, scope);
        this.walk(t.collection, scope);
        return;
      case 'arraycompr':
      case 'setcompr':
      case 'objectcompr': {
        const c = this.child(t, scope);
        const extra = t.type === 'objectcompr' ? [t.key, t.value] : [t.term];
        prescan(t.body, extra, c);
        resolveBody(this, t.body, extra, c);
        return;
      }
      default:
        return;
    }
  }

  /** A var that names something already known here (without creating a local). */
  known(name: string, scope: Scope): boolean {
    for (let s: Scope | null = scope; s; s = s.parent) if (s.declared.has(name) || s.locals.has(name)) return true;
    return false;
  }

  resolve(v: VarTerm, scope: Scope): Res {
    let r = this.cache.get(v);
    if (r) return r;
    r = this.lookup(v, scope);
    this.cache.set(v, r);
    if (r.kind === 'local' && !scope.frame.vars[r.slot]) scope.frame.vars[r.slot] = v;
    return r;
  }

  private lookup(v: VarTerm, scope: Scope): Res {
    const name = v.name;
    if (name === '_' || name.startsWith('$')) return { kind: 'local', slot: scope.frame.alloc(scope), name, wildcard: true };
    for (let s: Scope | null = scope; s; s = s.parent) {
      const slot = s.declared.get(name);
      if (slot !== undefined) return { kind: 'local', slot, name, wildcard: false };
    }
    const g = globalName(name, scope.mod);
    if (g) return { kind: 'global', g };
    for (let s: Scope | null = scope; s; s = s.parent) {
      const slot = s.locals.get(name);
      if (slot !== undefined) return { kind: 'local', slot, name, wildcard: false };
    }
    const slot = scope.frame.alloc(scope);
    scope.locals.set(name, slot);
    return { kind: 'local', slot, name, wildcard: false };
  }
}

// ---------------------------------------------------------------- pre-scan

/**
 * Register the free names a body mentions at its own level (not as a declaration
 * target, not inside nested bodies) as locals of this body, before anything is
 * resolved, so a nested body sees them as the enclosing body's variables.
 */
export function prescan(body: Body, extra: Term[], scope: Scope): void {
  const names = new Set<string>();
  for (const lit of body) litNames(lit, names);
  // head terms name the body's declarations when it has them
  const declared = new Set<string>();
  for (const lit of body) declaredNames(lit, declared);
  const headNames = new Set<string>();
  for (const t of extra) termNames(t, headNames);
  for (const n of headNames) if (!declared.has(n)) names.add(n);
  for (const n of names) {
    if (n === '_' || scope.declared.has(n)) continue;
    let outer = false;
    for (let s = scope.parent; s; s = s.parent) if (s.declared.has(n) || s.locals.has(n)) outer = true;
    if (outer || globalName(n, scope.mod)) continue;
    if (!scope.locals.has(n)) scope.locals.set(n, scope.frame.alloc(scope));
  }
}

/**
 * Resolve every var of a body in source order. Declarations (`:=`, `some`) take
 * effect after the literal that makes them, as in OPA: a comprehension written before
 * `x := ...` has its own `x`. Nested bodies get their scopes here (see childScopes).
 */
export function resolveBody(r: Resolver, body: Body, extra: Term[], scope: Scope): void {
  for (const lit of body) {
    const st = lit.stmt;
    for (const w of lit.with) {
      // a name no scope knows may be a function (`with count as mock_count`)
      const head = w.value.type === 'var' ? w.value : w.value.type === 'ref' && w.value.head.type === 'var' ? w.value.head : undefined;
      if (head && !r.known(head.name, scope) && !globalName(head.name, scope.mod)) continue;
      r.walk(w.value, scope);
    }
    switch (st.type) {
      case 'term':
        r.walk(st.term, scope);
        break;
      case 'unify':
        r.walk(st.lhs, scope);
        r.walk(st.rhs, scope);
        break;
      case 'assign':
        r.walk(st.rhs, scope);
        patternVars(st.lhs, (v) => {
          redeclared(r, v, scope);
          scope.decls.set(v.name, { how: 'assigned', line: v.loc.line, v });
          scope.redeclare(v.name);
        });
        r.walk(st.lhs, scope);
        break;
      case 'some':
        for (const v of st.vars) {
          if (v.name === '_') continue;
          if (!scope.decls.has(v.name)) scope.decls.set(v.name, { how: 'declared', line: v.loc.line, v });
          scope.redeclare(v.name);
        }
        for (const v of st.vars) r.resolve(v, scope);
        break;
      case 'somein':
        r.walk(st.collection, scope);
        for (const t of st.key ? [st.key, st.value] : [st.value]) {
          patternVars(t, (v) => {
            if (!scope.decls.has(v.name)) scope.decls.set(v.name, { how: 'declared', line: v.loc.line, v });
            scope.redeclare(v.name);
          });
        }
        if (st.key) r.walk(st.key, scope);
        r.walk(st.value, scope);
        break;
      case 'every': {
        r.walk(st.domain, scope);
        const child = r.child(st, scope);
        if (st.key && st.key.name !== '_') child.redeclare(st.key.name);
        if (st.value.name !== '_') child.redeclare(st.value.name);
        prescan(st.body, [], child);
        if (st.key && st.key.name !== '_') r.resolve(st.key, child);
        if (st.value.name !== '_') r.resolve(st.value, child);
        resolveBody(r, st.body, [], child);
        break;
      }
    }
  }
  for (const t of extra) r.walk(t, scope);
}

/**
 * `x := ...` where this body already declared x, or x is an argument of the function:
 * an error in OPA ("var x assigned above"), not a second variable. A nested body
 * (comprehension, `every`) may still shadow an outer one, as in OPA.
 */
function redeclared(r: Resolver, v: VarTerm, scope: Scope): void {
  const prior = scope.decls.get(v.name);
  let msg: string | undefined;
  // a body resolved twice (it happens for nested bodies) meets its own declarations
  if (prior?.v === v) return;
  if (prior) msg = `var ${v.name} ${prior.how} above (line ${prior.line})`;
  else if (scope.parent?.isArgs && scope.parent.declared.has(v.name)) msg = `arg ${v.name} redeclared: it is an argument of the function`;
  if (msg === undefined) return;
  r.diags.push(
    error('rule_error', msg, v.loc, {
      hint: prior ? `use a new name, or compare with == (${v.name} == ...) instead of assigning again` : `use a new name, or compare the argument with ==`,
    }),
  );
}

function patternVars(t: Term, add: (v: VarTerm) => void): void {
  if (t.type === 'var') {
    if (t.name !== '_') add(t);
  } else if (t.type === 'array') for (const x of t.items) patternVars(x, add);
  else if (t.type === 'object') for (const [, x] of t.entries) patternVars(x, add);
}

export function patternNames(t: Term, add: (n: string) => void): void {
  if (t.type === 'var') {
    if (t.name !== '_') add(t.name);
  } else if (t.type === 'array') for (const x of t.items) patternNames(x, add);
  else if (t.type === 'object') for (const [, x] of t.entries) patternNames(x, add);
}

function litNames(lit: Literal, out: Set<string>): void {
  const st = lit.stmt;
  switch (st.type) {
    case 'term':
      termNames(st.term, out);
      break;
    case 'assign':
      patternKeyNames(st.lhs, out);
      termNames(st.rhs, out);
      break;
    case 'unify':
      termNames(st.lhs, out);
      termNames(st.rhs, out);
      break;
    case 'some':
      break;
    case 'somein':
      if (st.key) patternKeyNames(st.key, out);
      patternKeyNames(st.value, out);
      termNames(st.collection, out);
      break;
    case 'every':
      termNames(st.domain, out);
      break;
  }
  // a bare name as a `with` value may be a function; it binds nothing
  for (const w of lit.with) if (w.value.type !== 'var' && w.value.type !== 'ref') termNames(w.value, out);
}

function declaredNames(lit: Literal, out: Set<string>): void {
  const st = lit.stmt;
  const add = (n: string) => out.add(n);
  if (st.type === 'assign') patternNames(st.lhs, add);
  else if (st.type === 'some') for (const v of st.vars) add(v.name);
  else if (st.type === 'somein') {
    if (st.key) patternNames(st.key, add);
    patternNames(st.value, add);
  }
}

/** Names in a declaration pattern that are evaluated, not declared (object keys). */
function patternKeyNames(t: Term, out: Set<string>): void {
  if (t.type === 'array') for (const x of t.items) patternKeyNames(x, out);
  else if (t.type === 'object')
    for (const [k, x] of t.entries) {
      termNames(k, out);
      patternKeyNames(x, out);
    }
  else if (t.type !== 'var') termNames(t, out);
}

/** Var names at this body's level (not inside nested comprehension bodies). */
export function termNames(t: Term, out: Set<string>): void {
  switch (t.type) {
    case 'var':
      out.add(t.name);
      return;
    case 'ref':
      termNames(t.head, out);
      for (const p of t.path) termNames(p, out);
      return;
    case 'array':
    case 'set':
      for (const x of t.items) termNames(x, out);
      return;
    case 'object':
      for (const [k, x] of t.entries) {
        termNames(k, out);
        termNames(x, out);
      }
      return;
    case 'call':
      for (const a of t.args) termNames(a, out);
      return;
    case 'binary':
      termNames(t.left, out);
      termNames(t.right, out);
      return;
    case 'unary':
      termNames(t.operand, out);
      return;
    case 'membership':
      if (t.key) termNames(t.key, out);
      termNames(t.value, out);
      termNames(t.collection, out);
      return;
    default:
      return;
  }
}
