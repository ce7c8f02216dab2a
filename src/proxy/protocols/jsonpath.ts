import { childPath, isObject, mapItems, own, withKey } from './json.js';

// The JSON paths a generic connection names its texts with: a small, safe subset of
// JSONPath — `$`, `.name`, `['name']` / `["name"]`, `[n]`, `[*]` and `.*` — with no
// filters, scripts or recursive descent, so a path is compiled once and walking it
// costs at most one step per node it names. Paths come from railgate.yaml (and mask
// rules' `paths`); a syntax error names the position.

export type Segment = { name: string } | { index: number } | { wildcard: true };

export interface Match {
  /** the concrete path of the value, e.g. `$.documents[0].text` */
  path: string;
  value: unknown;
}

export interface CompiledPath {
  readonly source: string;
  readonly segments: readonly Segment[];
  /** every value the path names in `doc`, in document order */
  get(doc: unknown): Match[];
  /** a copy of `doc` with every named value replaced by `fn(value, path)`; `doc` itself when nothing changed */
  rewrite(doc: unknown, fn: (value: unknown, path: string) => unknown): unknown;
}

export const MAX_PATH_LENGTH = 1024;
export const MAX_SEGMENTS = 64;

export class JsonPathError extends Error {
  readonly code = 'invalid_json_path';
  constructor(
    readonly source: string,
    /** 0-based offset into the path */
    readonly position: number,
    readonly reason: string,
  ) {
    super(`JSON path ${JSON.stringify(source.length > 80 ? `${source.slice(0, 80)}…` : source)}: ${reason} at position ${position}`);
    this.name = 'JsonPathError';
  }
}

const NAME_START = /[A-Za-z_$]/;
const NAME_CHAR = /[A-Za-z0-9_$-]/;
const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

export function parsePath(source: string): Segment[] {
  const fail = (pos: number, reason: string): never => {
    throw new JsonPathError(source, pos, reason);
  };
  if (source.length > MAX_PATH_LENGTH) fail(MAX_PATH_LENGTH, `longer than ${MAX_PATH_LENGTH} characters`);
  if (source[0] !== '$') fail(0, 'expected "$" (a path starts at the document root, e.g. $.query)');
  const segments: Segment[] = [];
  let i = 1;
  while (i < source.length) {
    if (segments.length >= MAX_SEGMENTS) fail(i, `more than ${MAX_SEGMENTS} segments`);
    const c = source[i];
    if (c === '.') {
      i++;
      if (source[i] === '.') fail(i, 'recursive descent ".." is not supported; name each level');
      if (source[i] === '*') {
        segments.push({ wildcard: true });
        i++;
        continue;
      }
      const start = i;
      if (i >= source.length || !NAME_START.test(source[i]!)) fail(i, 'expected a name or "*" after "."');
      while (i < source.length && NAME_CHAR.test(source[i]!)) i++;
      segments.push({ name: source.slice(start, i) });
    } else if (c === '[') {
      i++;
      const d = source[i];
      if (d === '*') {
        i++;
        segments.push({ wildcard: true });
      } else if (d === "'" || d === '"') {
        const quote = d;
        i++;
        let name = '';
        for (;;) {
          if (i >= source.length) fail(i, `unterminated string: expected ${quote}`);
          const ch = source[i]!;
          if (ch === quote) {
            i++;
            break;
          }
          if (ch === '\\') {
            const e = source[i + 1];
            if (e === 'u') {
              const hex = source.slice(i + 2, i + 6);
              if (!/^[0-9A-Fa-f]{4}$/.test(hex)) fail(i, 'expected four hex digits after \\u');
              name += String.fromCharCode(parseInt(hex, 16));
              i += 6;
              continue;
            }
            if (e === undefined || !Object.hasOwn(ESCAPES, e)) fail(i, 'unknown escape (use \\\\, \\\', \\", \\n, \\t, \\uXXXX, ...)');
            name += ESCAPES[e!];
            i += 2;
            continue;
          }
          name += ch;
          i++;
        }
        segments.push({ name });
      } else if (d !== undefined && /[0-9]/.test(d)) {
        const start = i;
        while (i < source.length && /[0-9]/.test(source[i]!)) i++;
        const digits = source.slice(start, i);
        if (digits.length > 9) fail(start, 'index too large');
        if (digits.length > 1 && digits[0] === '0') fail(start, 'an index has no leading zeros');
        segments.push({ index: Number(digits) });
      } else if (d === '-') {
        fail(i, 'negative indices are not supported');
      } else {
        fail(i, `expected an index, "*" or a quoted name after "["`);
      }
      if (source[i] !== ']') fail(i, 'expected "]"');
      i++;
    } else {
      fail(i, `unexpected ${JSON.stringify(c)}: expected "." or "["`);
    }
  }
  return segments;
}

/** The concrete path `$` + segments, in the form the adapters report (`$.a[0]['b c']`). */
export function formatPath(segments: readonly Segment[]): string {
  let p = '$';
  for (const s of segments) {
    if ('wildcard' in s) p += '[*]';
    else if ('index' in s) p = childPath(p, s.index);
    else p = childPath(p, s.name);
  }
  return p;
}

function step(node: unknown, seg: Segment, path: string, visit: (child: unknown, path: string, key: string | number) => void): void {
  if ('wildcard' in seg) {
    if (Array.isArray(node)) node.forEach((x, i) => visit(x, childPath(path, i), i));
    else if (isObject(node)) for (const k of Object.keys(node)) visit(own(node, k), childPath(path, k), k);
  } else if ('index' in seg) {
    if (Array.isArray(node) && seg.index < node.length) visit(node[seg.index], childPath(path, seg.index), seg.index);
  } else if (isObject(node) && Object.hasOwn(node, seg.name)) {
    visit(own(node, seg.name), childPath(path, seg.name), seg.name);
  }
}

export function compilePath(source: string): CompiledPath {
  const segments = parsePath(source);
  const get = (doc: unknown): Match[] => {
    const out: Match[] = [];
    const walk = (node: unknown, depth: number, path: string): void => {
      if (depth === segments.length) {
        out.push({ path, value: node });
        return;
      }
      step(node, segments[depth]!, path, (child, p) => walk(child, depth + 1, p));
    };
    walk(doc, 0, '$');
    return out;
  };
  const rewrite = (doc: unknown, fn: (value: unknown, path: string) => unknown): unknown => {
    const walk = (node: unknown, depth: number, path: string): unknown => {
      if (depth === segments.length) return fn(node, path);
      const seg = segments[depth]!;
      if (Array.isArray(node)) {
        if ('name' in seg) return node;
        if ('index' in seg) {
          if (seg.index >= node.length) return node;
          return mapItems(node, (x, i) => (i === seg.index ? walk(x, depth + 1, childPath(path, i)) : x));
        }
        return mapItems(node, (x, i) => walk(x, depth + 1, childPath(path, i)));
      }
      if (isObject(node)) {
        if ('index' in seg) return node;
        const keys = 'name' in seg ? (Object.hasOwn(node, seg.name) ? [seg.name] : []) : Object.keys(node);
        let out = node;
        for (const k of keys) out = withKey(out, k, walk(own(node, k), depth + 1, childPath(path, k)));
        return out;
      }
      return node;
    };
    return walk(doc, 0, '$');
  };
  return { source, segments, get, rewrite };
}

/**
 * Whether the concrete path `concrete` (as the adapters report it) is named by
 * `pattern` — for mask rules' `paths`: `$.results[*].text` matches `$.results[3].text`.
 * An unparseable pattern throws JsonPathError; an unparseable concrete path is no match.
 */
export function matchPath(pattern: string | CompiledPath, concrete: string): boolean {
  const pat = typeof pattern === 'string' ? parsePath(pattern) : pattern.segments;
  let segs: Segment[];
  try {
    segs = parsePath(concrete);
  } catch {
    return false;
  }
  if (segs.length !== pat.length) return false;
  return pat.every((p, i) => {
    const s = segs[i]!;
    if ('wildcard' in p) return !('wildcard' in s);
    if ('index' in p) return 'index' in s && s.index === p.index;
    return 'name' in s && s.name === p.name;
  });
}
