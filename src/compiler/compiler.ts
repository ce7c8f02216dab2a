import type { Body, Location, Module, Term } from '../lang/ast.js';
import { error, type Diagnostic } from '../lang/diagnostics.js';
import { OPERATORS } from '../runtime/builtins/index.js';
import type { Builtin } from '../runtime/builtins/types.js';
import type { Value } from '../runtime/value.js';
import { pathString, refNames } from './access.js';
import { compileBody } from './body.js';
import { planBody, type BodyPlan } from './safety.js';
import { Frame0, globalName, patternNames, prescan, resolveBody, Resolver, Scope, type Global, type ModuleContext } from './scope.js';
import type { CTerm } from './state.js';
import { compileTerm, constTerm } from './terms.js';
import { compileMatch } from './patterns.js';
import { analysePurity } from './purity.js';
import { buildTree, constValue, Tree, type CClause, type CRule, type RuleEntry, type RuleGroup } from './tree.js';

// The compiler: builds the rule tree, resolves names, orders bodies for safety and
// turns every rule into closures. One instance per policy set; queries compiled
// later (PolicySet.query) reuse it.

export type FnTarget = { kind: 'builtin'; b: Builtin; id: string } | { kind: 'group'; g: RuleGroup; id: string };

export class Compiler {
  readonly resolver = new Resolver();
  readonly tree = new Tree();
  readonly diags: Diagnostic[] = [];
  readonly nested = new WeakMap<object, BodyPlan>();
  readonly modCtx = new Map<Module, ModuleContext>();
  /** some rule is a pure function of data (see purity.ts): evaluations keep a cache */
  anyPure = false;
  constructor(
    readonly modules: Module[],
    readonly builtins: ReadonlyMap<string, Builtin>,
    /** compile literals that report to Tracer.literal (a second, traced build) */
    readonly traceLiterals = false,
  ) {
    this.resolver.diags = this.diags;
    const names = new Map<string, Set<string>>();
    for (const m of modules) {
      const key = m.package.join('\u0000');
      let set = names.get(key);
      if (!set) names.set(key, (set = new Set()));
      for (const r of m.rules) set.add(r.head.name);
    }
    for (const m of modules) {
      const imports = new Map<string, Global>();
      for (const imp of m.imports) {
        const root = imp.path[0];
        if (root !== 'data' && root !== 'input') continue;
        const alias = imp.alias ?? imp.path[imp.path.length - 1]!;
        imports.set(alias, { root, path: imp.path.slice(1) });
      }
      this.modCtx.set(m, { module: m, pkg: m.package, ruleNames: names.get(m.package.join('\u0000'))!, imports });
    }
    for (const p of buildTree(modules, this.tree, pathString)) this.diags.push(error('conflict', p));
  }

  builtin(name: string, loc: Location): Builtin | undefined {
    const b = this.builtins.get(name);
    if (!b) this.diags.push(error('undefined_function', `builtin ${name} is not available`, loc));
    return b;
  }

  operator(op: keyof typeof OPERATORS): string {
    return OPERATORS[op];
  }

  /** A dotted function name as written, resolved to a policy function or a builtin. */
  resolveFn(names: string[], scope: Scope, loc: Location, quiet = false): FnTarget | undefined {
    const head = names[0]!;
    let path: string[] | undefined;
    if (head === 'data') path = names.slice(1);
    else if (scope.mod.ruleNames.has(head)) path = [...scope.mod.pkg, ...names];
    else {
      const imp = scope.mod.imports.get(head);
      if (imp && imp.root === 'data') path = [...imp.path, ...names.slice(1)];
    }
    if (path) {
      const g = this.tree.find(path)?.group;
      if (g && g.kind === 'function') return { kind: 'group', g, id: g.mockId };
    }
    const name = names.join('.');
    const b = this.builtins.get(name);
    if (b) return { kind: 'builtin', b, id: `builtin:${name}` };
    if (!quiet) {
      this.diags.push(
        error('undefined_function', `function ${name} is not defined`, loc, {
          hint: 'define it in this package, import its package, or check the builtin name',
        }),
      );
    }
    return undefined;
  }

  callArity(call: { fn: string[]; fnLoc: Location; args: Term[] }, scope: Scope): number | undefined {
    const t = this.resolveFn(call.fn, scope, call.fnLoc, true);
    if (!t) return undefined;
    return t.kind === 'group' ? t.g.arity : t.b.args.length;
  }

  /** `with f as g`: the replacement when it names a function or builtin. */
  fnValue(t: Term, scope: Scope): FnTarget | undefined {
    const names = refNames(t);
    if (!names || this.resolver.known(names[0]!, scope)) return undefined;
    return this.resolveFn(names, scope, t.loc, true);
  }

  globalOf(names: string[], scope: Scope): Global | undefined {
    const g = globalName(names[0]!, scope.mod);
    if (!g) return undefined;
    return { root: g.root, path: [...g.path, ...names.slice(1)] };
  }

  /** Does a `with data.<path>` replace (part of) a virtual document? */
  touchesVirtual(path: readonly Value[]): boolean {
    let node = this.tree.root;
    for (const k of path) {
      if (node.group || node.dyn) return true;
      const child = node.child(k);
      if (!child) return node !== this.tree.root;
      node = child;
    }
    return true;
  }

  // ---------------------------------------------------------------- rules

  compileAll(): void {
    for (const g of this.tree.groups) this.compileGroup(g);
    analysePurity(this);
  }

  private compileGroup(g: RuleGroup): void {
    g.compiled = g.entries.map((e) => this.compileRule(g, e));
    g.keyable = g.compiled.length > 0 && g.compiled.every((r) => r.keySlot >= 0);
    const def = g.defaults[0];
    if (def) {
      const v = def.rule.head.value;
      const cv = v ? constValue(v) : true;
      if (cv === undefined) {
        const mod = this.modCtx.get(def.module)!;
        const scope = new Scope(null, new Frame0(), mod);
        prescan([], [v!], scope);
        const plan = planBody(this, [], scope, new Set(), [v!]);
        g.defaultValue = plan.ok ? directOnly(compileTerm(this, v!, scope, new Set())) : constTerm(undefined);
      } else g.defaultValue = constTerm(cv);
    }
  }

  private compileRule(g: RuleGroup, e: RuleEntry): CRule {
    const rule = e.rule;
    const mod = this.modCtx.get(e.module)!;
    const frame = new Frame0();
    const argScope = new Scope(null, frame, mod);
    argScope.isArgs = rule.head.args !== undefined;
    const argSlots = new Set<number>();
    for (const a of rule.head.args ?? []) patternNames(a, (n) => argSlots.add(argScope.declare(n)));
    const args = (rule.head.args ?? []).map((a) => compileMatch(this, a, argScope, new Set()));
    // distinct plain variables (the usual case) are bound by a store, not a pattern
    let direct: number[] | undefined = [];
    for (const a of rule.head.args ?? []) {
      if (a.type !== 'var') {
        direct = undefined;
        break;
      }
      const r = this.resolver.resolve(a, argScope);
      if (r.kind !== 'local' || (!r.wildcard && direct.includes(r.slot))) {
        direct = undefined;
        break;
      }
      direct.push(r.wildcard ? -1 : r.slot);
    }
    const clauses: CClause[] = [];
    const ok = (t: Term | undefined): Term => t ?? { type: 'boolean', value: true, loc: rule.head.loc };
    const main: Array<{ body: Body; value: Term; keys: Term[] }> = [];
    if (g.kind === 'set') main.push({ body: rule.body, value: rule.head.key!, keys: [] });
    else if (g.kind === 'object') main.push({ body: rule.body, value: e.setLeaf ? rule.head.key! : ok(rule.head.value), keys: e.suffix });
    else main.push({ body: rule.body, value: ok(rule.head.value), keys: [] });
    for (const el of rule.elses) main.push({ body: el.body, value: ok(el.value), keys: [] });
    let keySlot = -1;
    for (let i = 0; i < main.length; i++) {
      const cl = main[i]!;
      const scope = new Scope(argScope, frame, mod);
      const extra = [cl.value, ...cl.keys];
      prescan(cl.body, extra, scope);
      resolveBody(this.resolver, cl.body, extra, scope);
      const plan = planBody(this, cl.body, scope, argSlots, extra);
      if (!plan.ok) continue;
      const body = compileBody(this, plan, argSlots);
      const after = new Set(argSlots);
      for (const outs of plan.outs.values()) for (const v of outs) after.add(v);
      const keys = cl.keys.map((k) => compileTerm(this, k, scope, after));
      const value = compileTerm(this, cl.value, scope, after);
      clauses.push({ body, value, keys, rule });
      if (i === 0) {
        const first = g.kind === 'set' ? rule.head.key : g.kind === 'object' ? e.suffix[0] : undefined;
        if (first?.type === 'var' && first.name !== '_') {
          const r = this.resolver.resolve(first, scope);
          if (r.kind === 'local') keySlot = r.slot;
        }
      }
    }
    const cv = g.kind === 'complete' && rule.elses.length === 0 ? constValue(ok(rule.head.value)) : undefined;
    return { rule, nslots: frame.size, clauses, args, argSlots: direct, constant: cv !== undefined, constValue: cv, keySlot, setLeaf: e.setLeaf };
  }

  /** Compile a query body; named vars are returned with their slots. */
  compileQuery(body: Body): { step: ReturnType<typeof compileBody>; nslots: number; vars: Array<[string, number]> } | undefined {
    const mod: ModuleContext = { pkg: [], ruleNames: new Set(), imports: new Map() };
    const frame = new Frame0();
    const scope = new Scope(null, frame, mod);
    prescan(body, [], scope);
    resolveBody(this.resolver, body, [], scope);
    const plan = planBody(this, body, scope, new Set(), []);
    if (!plan.ok) return undefined;
    const step = compileBody(this, plan, new Set());
    const vars: Array<[string, number]> = [];
    for (const [n, slot] of [...scope.declared, ...scope.locals]) if (n !== '_' && !n.startsWith('$')) vars.push([n, slot]);
    return { step, nslots: frame.size, vars };
  }
}

function directOnly(t: CTerm): CTerm {
  if (t.d) return t;
  const g = t.g;
  return {
    d: (s, f) => {
      let out: Value | undefined;
      g(s, f, (v) => ((out = v), true));
      return out;
    },
    g,
  };
}


