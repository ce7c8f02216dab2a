import { error } from '../diagnostics.js';
import { compareLoc, displayPath } from './terms.js';
import type { CheckContext } from './types.js';
import type { RuleInfo } from './world.js';

// Recursion: a rule (group of definitions of one path) that depends on itself,
// directly or through other rules. Rego evaluates rules bottom-up, so every cycle
// is an error. Dependencies are collected by the per-rule walk in index.ts.

export type DepGraph = Map<string, Set<string>>;

export function checkRecursion(ctx: CheckContext, deps: DepGraph): void {
  for (const scc of stronglyConnected(deps)) {
    const members = new Set(scc);
    const cyclic = scc.length > 1 || deps.get(scc[0]!)?.has(scc[0]!);
    if (!cyclic) continue;
    const start = scc.map((k) => ctx.world.groups.get(k)![0]!).sort((a, b) => compareLoc(a.rule.head.loc, b.rule.head.loc))[0]!;
    const cycle = shortestCycle(start.groupKey, deps, members);
    const names = cycle.map((k) => nameFrom(start, ctx.world.groups.get(k)![0]!));
    ctx.out.push(
      error('recursion', `recursion: ${names.join(' → ')}`, start.rule.head.loc, {
        hint: 'a rule cannot depend on itself; compute the shared part in a separate rule that none of these depend back on',
      }),
    );
  }
}

function nameFrom(from: RuleInfo, r: RuleInfo): string {
  return r.pkg === from.pkg ? displayPath(r.shape.path) : `data.${r.pkg.key}.${displayPath(r.shape.path)}`;
}

/** start → … → start, the shortest such path inside the component (breadth-first). */
function shortestCycle(start: string, deps: DepGraph, members: Set<string>): string[] {
  const prev = new Map<string, string>();
  const queue: string[] = [start];
  for (let qi = 0; qi < queue.length; qi++) {
    const node = queue[qi]!;
    for (const next of deps.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let n: string | undefined = node; n !== undefined && n !== start; n = prev.get(n)) path.push(n);
        path.push(start);
        return [path[0]!, ...path.slice(1, -1).reverse(), start];
      }
      if (!prev.has(next)) {
        prev.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

/** Tarjan's algorithm, iterative so deep dependency chains cannot overflow the stack. */
export function stronglyConnected(graph: DepGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; it: Iterator<string> }> = [];
    const enter = (n: string): void => {
      index.set(n, counter);
      low.set(n, counter);
      counter++;
      stack.push(n);
      onStack.add(n);
      work.push({ node: n, it: (graph.get(n) ?? new Set<string>()).values() });
    };
    enter(root);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const step = top.it.next();
      if (!step.done) {
        const w = step.value;
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
      if (low.get(top.node) === index.get(top.node)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.node);
        out.push(comp);
      }
    }
  }
  return out;
}
