import type { CallTerm, Module, Term } from '../ast.js';
import { pathElement } from './terms.js';
import type { BuiltinSignature } from './types.js';
import type { PackageInfo, RuleInfo, World } from './world.js';

// What a name in a rule refers to: a call target, or the path under `data` a
// reference reads. Resolution follows OPA: `data.…` is absolute, an import alias
// stands for its path, a bare name is a rule of the same package, locals shadow rules.

export interface Scope {
  world: World;
  module: Module;
  pkg: PackageInfo;
  locals: ReadonlySet<string>;
}

export type CallTarget =
  | { kind: 'user'; rules: RuleInfo[] }
  | { kind: 'builtin'; name: string; sig: BuiltinSignature }
  /** the name resolves to rules that are not functions */
  | { kind: 'notfunction'; rules: RuleInfo[] }
  | { kind: 'undefined' }
  /** through an `input` import or otherwise outside what the checker can see */
  | { kind: 'unknown' };

export function resolveCall(call: CallTerm, scope: Scope, builtins: ReadonlyMap<string, BuiltinSignature>): CallTarget {
  const fn = call.fn;
  const name = fn.join('.');
  const builtin = builtins.get(name);
  const asBuiltin = (): CallTarget => (builtin ? { kind: 'builtin', name, sig: builtin } : { kind: 'undefined' });
  const atPath = (full: string[]): CallTarget | undefined => {
    const rules = scope.world.group(full);
    if (!rules) return undefined;
    return rules.every((r) => r.shape.kind === 'function') ? { kind: 'user', rules } : { kind: 'notfunction', rules };
  };

  if (fn[0] === 'data') return atPath(fn.slice(1)) ?? asBuiltin();
  const imp = scope.world.aliases(scope.module).get(fn[0]!);
  if (imp) {
    if (imp.path[0] !== 'data') return { kind: 'unknown' };
    const target = atPath([...imp.path.slice(1), ...fn.slice(1)]);
    if (target && target.kind === 'user') return target;
    if (builtin) return asBuiltin();
    return target ?? { kind: 'undefined' };
  }
  const local = atPath([...scope.pkg.path, ...fn]);
  if (local?.kind === 'user') return local;
  if (builtin) return asBuiltin();
  return local ?? { kind: 'undefined' };
}

/** A reference seen as a path under `data`. */
export interface DataRef {
  /** the ground path under data the reference reads (up to its first non-constant element) */
  segs: string[];
  /** how many of `segs` came from the reference's head (`data` → 0, an alias → its import path, a rule name → the package) */
  headLen: number;
  /** the path terms behind segs[headLen..], for locations */
  elems: Term[];
  via: 'data' | 'alias' | 'rule';
  /** true when the reference continues past segs with a non-constant element */
  partial: boolean;
}

/**
 * The data path a ref or bare name reads, or undefined when it reads a local,
 * `input`, or a computed value.
 */
export function dataRefOf(t: Term, scope: Scope): DataRef | undefined {
  let head: Term;
  let path: Term[];
  if (t.type === 'ref') {
    head = t.head;
    path = t.path;
  } else if (t.type === 'var') {
    head = t;
    path = [];
  } else return undefined;
  if (head.type !== 'var') return undefined;
  const name = head.name;
  if (name === '_' || name === 'input' || scope.locals.has(name)) return undefined;

  let prefix: string[];
  let via: DataRef['via'];
  if (name === 'data') {
    prefix = [];
    via = 'data';
  } else {
    const imp = scope.world.aliases(scope.module).get(name);
    if (imp) {
      if (imp.path[0] !== 'data') return undefined;
      prefix = imp.path.slice(1);
      via = 'alias';
    } else if (scope.pkg.names.has(name)) {
      prefix = [...scope.pkg.path, name];
      via = 'rule';
    } else return undefined;
  }
  const segs = [...prefix];
  const headLen = via === 'rule' ? prefix.length - 1 : prefix.length;
  const elems: Term[] = [];
  let partial = false;
  for (const el of path) {
    const s = pathElement(el);
    if (s === undefined) {
      partial = true;
      break;
    }
    segs.push(s);
    elems.push(el);
  }
  if (via === 'rule') elems.unshift(head);
  return { segs, headLen, elems, via, partial };
}
