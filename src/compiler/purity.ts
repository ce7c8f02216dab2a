import type { Rule } from '../lang/ast.js';
import type { Value } from '../runtime/value.js';
import type { ModuleContext } from './scope.js';
import type { Compiler } from './compiler.js';
import type { Node, RuleGroup } from './tree.js';

// Which rules are pure functions of the base data: no `input`, no clock or other
// nondeterministic builtin, no `with`, and every rule or function they reach is pure
// too. Their values are computed once per data document and reused across requests
// (see PureCache). The analysis is conservative: a name that might be input (an
// import alias shadowed by a local, say) counts as input, and a data ref with a
// computed key depends on everything below the point where its key stops being known.

interface Deps {
  impure: boolean;
  groups: Set<RuleGroup>;
}

const NOT_WALKED = new Set(['loc', 'fnLoc', 'dotted', 'refDotted']);

/** Sets RuleGroup.pure and CRule.pure for every group of the compiler's tree. */
export function analysePurity(c: Compiler): void {
  const entryDeps = new Map<Rule, Deps>();
  const depsOf = (rule: Rule, mod: ModuleContext): Deps => {
    let d = entryDeps.get(rule);
    if (!d) {
      d = { impure: false, groups: new Set() };
      walk(c, rule, mod, d, 0);
      entryDeps.set(rule, d);
    }
    return d;
  };
  // 0 unknown, 1 in progress (a cycle counts as impure), 2 pure, 3 impure
  const status = new Map<RuleGroup, number>();
  const depsPure = (d: Deps): boolean => {
    if (d.impure) return false;
    for (const g of d.groups) if (!groupPure(g)) return false;
    return true;
  };
  const groupPure = (g: RuleGroup): boolean => {
    const st = status.get(g) ?? 0;
    if (st === 1 || st === 3) return false;
    if (st === 2) return true;
    status.set(g, 1);
    let pure = true;
    for (const e of [...g.entries, ...g.defaults]) {
      const mod = c.modCtx.get(e.module)!;
      if (!depsPure(depsOf(e.rule, mod))) pure = false;
    }
    status.set(g, pure ? 2 : 3);
    return pure;
  };
  let any = false;
  for (const g of c.tree.groups) {
    g.pure = groupPure(g);
    for (const r of g.compiled) {
      const e = g.entries.find((x) => x.rule === r.rule)!;
      r.pure = depsPure(depsOf(r.rule, c.modCtx.get(e.module)!));
      if (r.pure) any = true;
    }
    if (g.pure) any = true;
  }
  c.anyPure = any;
}

function walk(c: Compiler, x: unknown, mod: ModuleContext, d: Deps, depth: number): void {
  if (d.impure || x === null || typeof x !== 'object') return;
  // an AST deeper than this is not worth proving pure
  if (depth > 200) {
    d.impure = true;
    return;
  }
  if (Array.isArray(x)) {
    for (const y of x) walk(c, y, mod, d, depth + 1);
    return;
  }
  const o = x as Record<string, unknown>;
  // a literal with `with` replaces input, data or functions: not cacheable
  if ('stmt' in o && Array.isArray(o['with']) && o['with'].length > 0) {
    d.impure = true;
    return;
  }
  switch (o['type']) {
    case 'var':
      nameDep(c, o['name'] as string, [], mod, d);
      return;
    case 'ref': {
      const head = o['head'] as { type: string; name?: string };
      const path = o['path'] as Array<{ type: string; value?: unknown }>;
      if (head.type === 'var') {
        const keys: Value[] = [];
        for (const p of path) {
          if (p.type !== 'string' && p.type !== 'number') break;
          keys.push(p.type === 'number' ? Number((p as unknown as { raw: string }).raw) : (p.value as string));
        }
        nameDep(c, head.name!, keys, mod, d);
      } else walk(c, head, mod, d, depth + 1);
      walk(c, path, mod, d, depth + 1);
      return;
    }
    case 'call':
      callDep(c, o['fn'] as string[], mod, d);
      walk(c, o['args'], mod, d, depth + 1);
      return;
  }
  for (const k of Object.keys(o)) if (!NOT_WALKED.has(k)) walk(c, o[k], mod, d, depth + 1);
}

/** A var (or a ref's head var with its leading constant keys). Locals add nothing. */
function nameDep(c: Compiler, name: string, keys: Value[], mod: ModuleContext, d: Deps): void {
  if (name === 'input') {
    d.impure = true;
    return;
  }
  if (name === 'data') dataDep(c, keys, d);
  // every reading the name might have counts (a local shadowing it only adds a dep)
  if (mod.ruleNames.has(name)) dataDep(c, [...mod.pkg, name, ...keys], d);
  const imp = mod.imports.get(name);
  if (imp?.root === 'input') d.impure = true;
  else if (imp) dataDep(c, [...imp.path, ...keys], d);
}

function callDep(c: Compiler, fn: string[], mod: ModuleContext, d: Deps): void {
  const head = fn[0]!;
  const paths: string[][] = [];
  if (head === 'data') paths.push(fn.slice(1));
  if (mod.ruleNames.has(head)) paths.push([...mod.pkg, ...fn]);
  const imp = mod.imports.get(head);
  if (imp?.root === 'data') paths.push([...imp.path, ...fn.slice(1)]);
  let found = false;
  for (const p of paths) {
    const g = c.tree.find(p)?.group;
    if (g) {
      d.groups.add(g);
      found = true;
    }
  }
  if (found) return;
  const b = c.builtins.get(fn.join('.'));
  if (b === undefined) {
    d.impure = true;
    return;
  }
  if (b.nondeterministic || /^(time\.now|rand\.|uuid\.|http\.|net\.|opa\.runtime)/.test(b.name)) d.impure = true;
}

/** `data.<keys>...`: the groups the value may come from. */
function dataDep(c: Compiler, keys: readonly Value[], d: Deps): void {
  let node: Node = c.tree.root;
  for (const k of keys) {
    if (node.group) {
      d.groups.add(node.group);
      return;
    }
    if (node.dyn) d.groups.add(node.dyn);
    const child = node.child(k);
    if (!child) return; // base data only
    node = child;
  }
  subtree(node, d, 0);
}

function subtree(n: Node, d: Deps, depth: number): void {
  if (depth > 64) {
    d.impure = true;
    return;
  }
  if (n.group) d.groups.add(n.group);
  if (n.dyn) d.groups.add(n.dyn);
  for (const ch of n.children.values()) subtree(ch, d, depth + 1);
}
