import type { Module, Rule, Term } from '../lang/ast.js';
import { canonical, RObject, RSet, type Value } from '../runtime/value.js';
import type { Gen, Match, Step, CTerm } from './state.js';

// The virtual document tree: every rule lives at a data path, found at compile time.
// A node is a package or an intermediate key; it holds the group of rules defined at
// exactly its path (complete, partial set or function) and, for ref heads with
// variables (`p[k] := v`, `a.b[x].c := v`), a group of "object" rules rooted there.

export type GroupKind = 'complete' | 'set' | 'object' | 'function';

export interface RuleEntry {
  rule: Rule;
  module: Module;
  /** object rules: the head terms after the node's path (first one not constant) */
  suffix: Term[];
  /** `a[x] contains v`: the leaves are sets collecting v */
  setLeaf: boolean;
}

/** A compiled clause: the main body or one `else`. */
export interface CClause {
  body: Step;
  /** head value (complete, function, object) or key (set) */
  value: CTerm;
  /** object rules: suffix keys */
  keys: CTerm[];
  rule: Rule;
}

export interface CRule {
  rule: Rule;
  nslots: number;
  clauses: CClause[];
  /** function argument patterns */
  args: Match[];
  /** when every argument is a distinct variable: their slots (-1 for `_`) */
  argSlots?: number[] | undefined;
  /** complete rules with a ground value stop at the first solution */
  constant: boolean;
  /** that value, when constant */
  constValue: Value | undefined;
  /** object/set rules whose first key is a plain var: its slot, for lookups by key */
  keySlot: number;
  /** object rules whose leaves are sets (`a[x] contains v`) */
  setLeaf: boolean;
  /** a pure function of base data (see purity.ts): its contribution is cached per data */
  pure?: boolean;
}

export interface RuleGroup {
  id: number;
  kind: GroupKind;
  path: Value[];
  /** `data.a.b` for messages */
  name: string;
  entries: RuleEntry[];
  defaults: RuleEntry[];
  arity: number;
  compiled: CRule[];
  defaultValue?: CTerm;
  /** true when every rule allows evaluation by a pre-bound first key */
  keyable: boolean;
  /** mocking id: `fn:data.a.f` */
  mockId: string;
  /** memoized value for one evaluation epoch (see State.epoch) */
  memoEpoch: number;
  memoValue: Value | undefined;
  /** functions: the last call in epoch callEpoch, by argument identity (see callFunction) */
  callEpoch: number;
  callArgs: readonly Value[] | undefined;
  callValue: Value | undefined;
  /** a pure function of base data (see purity.ts): its value is cached per data */
  pure?: boolean;
}

export class Node {
  /** memoized value of the node for one evaluation epoch (see State.epoch) */
  memoEpoch = 0;
  memoValue: Value | undefined = undefined;
  readonly children = new Map<string, Node>();
  readonly childKeys = new Map<string, Value>();
  group?: RuleGroup;
  dyn?: RuleGroup;
  constructor(
    readonly id: number,
    readonly path: Value[],
  ) {}

  private list: Array<[Value, Node]> | undefined;

  /** Children that may hold a document (function-only ones left out), with their keys. */
  documentChildren(): Array<[Value, Node]> {
    if (this.list === undefined) {
      this.list = [];
      for (const [ck, child] of this.children) {
        if (child.group?.kind === 'function' && child.children.size === 0 && !child.dyn) continue;
        this.list.push([this.childKeys.get(ck)!, child]);
      }
    }
    return this.list;
  }

  child(key: Value): Node | undefined {
    return this.children.get(typeof key === 'string' ? key : `\u0000${canonical(key)}`);
  }
}

export class Tree {
  readonly root: Node;
  readonly groups: RuleGroup[] = [];
  private nextNode = 0;

  constructor() {
    this.root = new Node(this.nextNode++, []);
  }

  /** The node at path, created (with its ancestors) when missing. */
  ensure(path: readonly Value[]): Node {
    let n = this.root;
    for (const k of path) {
      let c = n.child(k);
      if (!c) {
        c = new Node(this.nextNode++, [...n.path, k]);
        const ck = typeof k === 'string' ? k : `\u0000${canonical(k)}`;
        n.children.set(ck, c);
        n.childKeys.set(ck, k);
      }
      n = c;
    }
    return n;
  }

  find(path: readonly Value[]): Node | undefined {
    let n: Node | undefined = this.root;
    for (const k of path) {
      n = n.child(k);
      if (!n) return undefined;
    }
    return n;
  }

  newGroup(kind: GroupKind, path: Value[], name: string): RuleGroup {
    const g: RuleGroup = {
      id: this.groups.length,
      kind,
      path,
      name,
      entries: [],
      defaults: [],
      arity: 0,
      compiled: [],
      keyable: false,
      mockId: `fn:${name}`,
      memoEpoch: 0,
      memoValue: undefined,
      callEpoch: 0,
      callArgs: undefined,
      callValue: undefined,
    };
    this.groups.push(g);
    return g;
  }
}

/** The value of a ground literal term (no vars, refs or calls), else undefined. */
export function constValue(t: Term): Value | undefined {
  switch (t.type) {
    case 'null':
      return null;
    case 'boolean':
      return t.value;
    case 'number':
      return Number(t.raw);
    case 'string':
      return t.value;
    case 'array': {
      const out: Value[] = [];
      for (const x of t.items) {
        const v = constValue(x);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    }
    case 'set': {
      const out = new RSet();
      for (const x of t.items) {
        const v = constValue(x);
        if (v === undefined) return undefined;
        out.add(v);
      }
      return out;
    }
    case 'object': {
      const out = new RObject();
      for (const [k, x] of t.entries) {
        const kv = constValue(k);
        const xv = constValue(x);
        if (kv === undefined || xv === undefined) return undefined;
        out.set(kv, xv);
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** The full head ref of a rule: package path, then the head name, then the ref terms. */
export function headTerms(rule: Rule): Term[] {
  const loc = rule.head.loc;
  return [{ type: 'string', value: rule.head.name, rawString: false, loc }, ...rule.head.ref];
}

/** Place every rule of every module in the tree, grouped by path and kind. */
export function buildTree(modules: readonly Module[], tree: Tree, pathName: (p: Value[]) => string): string[] {
  const problems: string[] = [];
  for (const m of modules) {
    for (const rule of m.rules) {
      const terms = headTerms(rule);
      let firstVar = terms.length;
      const consts: Value[] = [];
      for (let i = 0; i < terms.length; i++) {
        const v = constValue(terms[i]!);
        if (v === undefined) {
          firstVar = i;
          break;
        }
        consts.push(v);
      }
      const path = [...m.package, ...consts];
      const setLeaf = !rule.head.args && rule.head.key !== undefined && firstVar < terms.length;
      const entry: RuleEntry = { rule, module: m, suffix: terms.slice(firstVar), setLeaf };
      let kind: GroupKind;
      if (rule.head.args) kind = 'function';
      else if (rule.head.key && !setLeaf) kind = 'set';
      else if (firstVar < terms.length) kind = 'object';
      else kind = 'complete';
      if (kind !== 'object' && firstVar < terms.length) {
        problems.push(`rule ${rule.head.name}: a ${kind} rule's head must be ground`);
        continue;
      }
      const node = tree.ensure(path);
      if (kind === 'object') {
        node.dyn ??= tree.newGroup('object', path, pathName(path));
        if (rule.isDefault) node.dyn.defaults.push(entry);
        else node.dyn.entries.push(entry);
        continue;
      }
      if (!node.group) node.group = tree.newGroup(kind, path, pathName(path));
      const g = node.group;
      if (g.kind !== kind) {
        problems.push(`${pathName(path)}: ${kind} rule conflicts with ${g.kind} rule at the same path`);
        continue;
      }
      if (kind === 'function') g.arity = rule.head.args!.length;
      if (rule.isDefault) g.defaults.push(entry);
      else g.entries.push(entry);
    }
  }
  return problems;
}

export type { Gen };
