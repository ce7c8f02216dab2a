import type { Location, Term, RuleHead } from '../ast.js';

// Static facts about terms that every check needs: is it a constant, what type does
// a literal have, how would a person write it back. Nothing here evaluates anything.

export type TypeName = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'set';

/** True for scalars and for arrays / sets / objects built only of constants. */
export function isConstant(t: Term): boolean {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
      return true;
    case 'array':
    case 'set':
      return t.items.every(isConstant);
    case 'object':
      return t.entries.every(([k, v]) => isConstant(k) && isConstant(v));
    default:
      return false;
  }
}

/** The type a term has regardless of evaluation, when its syntax alone says so. */
export function literalType(t: Term): TypeName | undefined {
  switch (t.type) {
    case 'null':
    case 'boolean':
    case 'number':
    case 'string':
    case 'array':
    case 'set':
    case 'object':
      return t.type;
    case 'arraycompr':
      return 'array';
    case 'setcompr':
      return 'set';
    case 'objectcompr':
      return 'object';
    case 'membership':
      return 'boolean';
    default:
      return undefined;
  }
}

/** A constant's canonical text, equal for equal values (set items and object keys sorted). */
export function constantKey(t: Term): string {
  switch (t.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(t.value);
    case 'number': {
      const n = Number(t.raw);
      return Number.isFinite(n) ? `n:${n}` : `n:${t.raw}`;
    }
    case 'string':
      return JSON.stringify(t.value);
    case 'array':
      return `[${t.items.map(constantKey).join(',')}]`;
    case 'set':
      return `{${[...new Set(t.items.map(constantKey))].sort().join(',')}}`;
    case 'object':
      return `o{${t.entries
        .map(([k, v]) => `${constantKey(k)}:${constantKey(v)}`)
        .sort()
        .join(',')}}`;
    default:
      return `?${t.type}`;
  }
}

/** Short source-like text of a term for messages and hints (long terms are elided). */
export function render(t: Term, depth = 0): string {
  if (depth > 3) return '…';
  switch (t.type) {
    case 'null':
      return 'null';
    case 'boolean':
      return String(t.value);
    case 'number':
      return t.raw;
    case 'string':
      return t.rawString ? `\`${t.value}\`` : JSON.stringify(t.value);
    case 'var':
      return t.name;
    case 'array':
      return `[${renderList(t.items, depth)}]`;
    case 'set':
      return t.items.length === 0 ? 'set()' : `{${renderList(t.items, depth)}}`;
    case 'object':
      return `{${t.entries.slice(0, 4).map(([k, v]) => `${render(k, depth + 1)}: ${render(v, depth + 1)}`).join(', ')}${t.entries.length > 4 ? ', …' : ''}}`;
    case 'ref':
      return render(t.head, depth + 1) + t.path.map((p, i) => (t.dotted[i] && p.type === 'string' ? `.${p.value}` : `[${render(p, depth + 1)}]`)).join('');
    case 'call':
      return `${t.fn.join('.')}(${renderList(t.args, depth)})`;
    case 'binary':
      return `${render(t.left, depth + 1)} ${t.op} ${render(t.right, depth + 1)}`;
    case 'unary':
      return `-${render(t.operand, depth + 1)}`;
    default:
      return '…';
  }
}

function renderList(items: Term[], depth: number): string {
  const shown = items.slice(0, 4).map((i) => render(i, depth + 1));
  return shown.join(', ') + (items.length > 4 ? ', …' : '');
}

// ---------------------------------------------------------------- rule shapes

export type RuleKind = 'complete' | 'set' | 'object' | 'function';

export interface RuleShape {
  kind: RuleKind;
  /** the rule's path inside its package up to the first non-constant element */
  path: string[];
  /** true when every element of the head's ref is a constant */
  ground: boolean;
}

/** A path element as a string: string keys as themselves, other scalars marked so they cannot collide. */
export function pathElement(t: Term): string | undefined {
  switch (t.type) {
    case 'string':
      return t.value;
    case 'number':
      return `\u0000n:${t.raw}`;
    case 'boolean':
      return `\u0000b:${t.value}`;
    case 'null':
      return '\u0000null';
    default:
      return undefined;
  }
}

export function shapeOf(head: RuleHead): RuleShape {
  const path = [head.name];
  let ground = true;
  for (const el of head.ref) {
    const s = pathElement(el);
    if (s === undefined) {
      ground = false;
      break;
    }
    path.push(s);
  }
  let kind: RuleKind;
  if (head.args) kind = 'function';
  else if (head.key) kind = 'set';
  else if (!ground) kind = 'object';
  else kind = 'complete';
  return { kind, path, ground };
}

/** `p[x] if …`: Rego v0's partial set, which v1 writes `p contains x if …`. */
export function isV0PartialSet(head: RuleHead): boolean {
  return !head.args && !head.key && !head.value && head.ref.length === 1 && !head.refDotted[0];
}

export function displayPath(path: readonly string[]): string {
  return path
    .map((s, i) => {
      if (s === '\u0000null') return '[null]';
      if (s.startsWith('\u0000')) return `[${s.slice(3)}]`;
      return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? (i === 0 ? s : `.${s}`) : `[${JSON.stringify(s)}]`;
    })
    .join('');
}

export const KIND_NAMES: Record<RuleKind, string> = {
  complete: 'a complete rule',
  set: 'a partial set (contains)',
  object: 'a partial object',
  function: 'a function',
};

/** Source order: file, then line, then column. */
export function compareLoc(a: Location, b: Location): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.col - b.col;
}
