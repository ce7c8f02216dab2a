// Typed access to Chevrotain CST children, and token spans of nodes.

import type { CstElement, CstNode, IToken } from 'chevrotain';

export type Kids = Record<string, CstElement[] | undefined>;

export function nodes(n: CstNode, key: string): CstNode[] {
  return ((n.children as Kids)[key] as CstNode[] | undefined) ?? [];
}
export function node(n: CstNode, key: string): CstNode | undefined {
  return ((n.children as Kids)[key] as CstNode[] | undefined)?.[0];
}
export function toks(n: CstNode, key: string): IToken[] {
  return ((n.children as Kids)[key] as IToken[] | undefined) ?? [];
}
export function tok(n: CstNode, key: string): IToken | undefined {
  return ((n.children as Kids)[key] as IToken[] | undefined)?.[0];
}

function isToken(el: CstElement): el is IToken {
  return (el as IToken).image !== undefined;
}

export function firstToken(n: CstNode): IToken | undefined {
  let best: IToken | undefined;
  const kids = n.children as Kids;
  for (const key in kids) {
    const el = kids[key]![0]!;
    const t = isToken(el) ? el : firstToken(el);
    if (t && (!best || t.startOffset < best.startOffset)) best = t;
  }
  return best;
}

export function lastToken(n: CstNode): IToken | undefined {
  let best: IToken | undefined;
  const kids = n.children as Kids;
  for (const key in kids) {
    const arr = kids[key]!;
    const el = arr[arr.length - 1]!;
    const t = isToken(el) ? el : lastToken(el);
    if (t && (!best || t.startOffset > best.startOffset)) best = t;
  }
  return best;
}


