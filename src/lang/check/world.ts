import type { Import, Module, Rule } from '../ast.js';
import { shapeOf, type RuleShape } from './terms.js';

// The symbol table of a set of modules: packages, rules grouped by their full path
// under `data`, import aliases. Every check asks it what a name refers to.

export interface RuleInfo {
  rule: Rule;
  module: Module;
  pkg: PackageInfo;
  shape: RuleShape;
  /** package path + rule path: the rule's place under `data` */
  full: string[];
  groupKey: string;
}

export interface PackageInfo {
  path: string[];
  key: string;
  rules: RuleInfo[];
  /** first names of rule heads (`p` of `p.q := 1`) */
  names: Set<string>;
}

interface TrieNode {
  children: Map<string, TrieNode>;
  groups: string[];
}

const SEP = '\u0001';

export function groupKeyOf(full: readonly string[]): string {
  return full.join(SEP);
}

export class World {
  readonly rules: RuleInfo[] = [];
  readonly packages = new Map<string, PackageInfo>();
  /** rules by groupKey, in source order */
  readonly groups = new Map<string, RuleInfo[]>();
  private readonly packagePrefixes = new Set<string>();
  private readonly trie: TrieNode = { children: new Map(), groups: [] };
  private readonly aliasCache = new Map<Module, Map<string, Import>>();

  constructor(readonly modules: readonly Module[]) {
    for (const m of modules) {
      const key = m.package.join('.');
      let pkg = this.packages.get(key);
      if (!pkg) {
        pkg = { path: m.package, key, rules: [], names: new Set() };
        this.packages.set(key, pkg);
        for (let i = 1; i < m.package.length; i++) this.packagePrefixes.add(m.package.slice(0, i).join('.'));
      }
      for (const rule of m.rules) {
        const shape = shapeOf(rule.head);
        const full = [...m.package, ...shape.path];
        const info: RuleInfo = { rule, module: m, pkg, shape, full, groupKey: groupKeyOf(full) };
        this.rules.push(info);
        pkg.rules.push(info);
        pkg.names.add(rule.head.name);
        const group = this.groups.get(info.groupKey);
        if (group) group.push(info);
        else {
          this.groups.set(info.groupKey, [info]);
          this.trieInsert(full, info.groupKey);
        }
      }
    }
  }

  packageOf(m: Module): PackageInfo {
    return this.packages.get(m.package.join('.'))!;
  }

  /** The loaded package with the longest path that is a prefix of `segs`. */
  longestPackage(segs: readonly string[]): PackageInfo | undefined {
    for (let n = segs.length; n >= 1; n--) {
      const p = this.packages.get(segs.slice(0, n).join('.'));
      if (p) return p;
    }
    return undefined;
  }

  /** True when some loaded package lies strictly below `prefix`. */
  hasPackageBelow(prefix: readonly string[]): boolean {
    return this.packagePrefixes.has(prefix.join('.'));
  }

  /** Names one level below a package that lead to sub-packages. */
  subPackageNames(prefix: readonly string[]): string[] {
    const out = new Set<string>();
    for (const p of this.packages.values()) {
      if (p.path.length > prefix.length && prefix.every((s, i) => p.path[i] === s)) out.add(p.path[prefix.length]!);
    }
    return [...out];
  }

  group(full: readonly string[]): RuleInfo[] | undefined {
    return this.groups.get(groupKeyOf(full));
  }

  /**
   * Rule groups a reference to `segs` (a ground prefix of a path under data) may read:
   * those whose path is a prefix of `segs` (the ref reads inside them) and those under
   * `segs` (the ref reads a document containing them).
   */
  groupsTouching(segs: readonly string[]): string[] {
    const out: string[] = [];
    let node: TrieNode | undefined = this.trie;
    for (const s of segs) {
      out.push(...node.groups);
      node = node.children.get(s);
      if (!node) return out;
    }
    const stack: TrieNode[] = [node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      out.push(...n.groups);
      for (const c of n.children.values()) stack.push(c);
    }
    return out;
  }

  /** Rule groups strictly below a path (`p.q`, `p.q.r` and sub-package rules below `p`). */
  groupsBelow(full: readonly string[]): string[] {
    let node: TrieNode | undefined = this.trie;
    for (const s of full) {
      node = node.children.get(s);
      if (!node) return [];
    }
    const out: string[] = [];
    const stack: TrieNode[] = [...node.children.values()];
    while (stack.length > 0) {
      const n = stack.pop()!;
      out.push(...n.groups);
      for (const c of n.children.values()) stack.push(c);
    }
    return out;
  }

  /** Import aliases of a module: the name a `data`/`input` import binds, to its import. */
  aliases(m: Module): Map<string, Import> {
    let map = this.aliasCache.get(m);
    if (!map) {
      map = new Map();
      for (const imp of m.imports) {
        const name = importName(imp);
        if (name && !map.has(name)) map.set(name, imp);
      }
      this.aliasCache.set(m, map);
    }
    return map;
  }

  private trieInsert(full: readonly string[], key: string): void {
    let node = this.trie;
    for (const s of full) {
      let next = node.children.get(s);
      if (!next) {
        next = { children: new Map(), groups: [] };
        node.children.set(s, next);
      }
      node = next;
    }
    node.groups.push(key);
  }
}

/** The local name an import binds, or undefined for `future.*`, `rego.*` and bare roots. */
export function importName(imp: Import): string | undefined {
  const root = imp.path[0];
  if (root !== 'data' && root !== 'input') return undefined;
  if (imp.alias) return imp.alias;
  if (imp.path.length < 2) return undefined;
  return imp.path[imp.path.length - 1];
}
