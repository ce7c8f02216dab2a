// A place in the configuration, as a list of keys and list indexes. Internally a
// place is keyed by its JSON pointer (`/connections/0/upstream`), which is also how
// ajv names it; people see it written as `connections[0].upstream`.

export type Segment = string | number;
export type Path = readonly Segment[];

/** `/connections/0/upstream`, with RFC 6901 escapes. */
export function pointer(path: Path): string {
  return path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * The inverse of `pointer`, for ajv's instancePath. A segment is an index where the
 * document (when given) holds a list there, so a mapping key "1" stays a key.
 */
export function fromPointer(ptr: string, doc?: unknown): Segment[] {
  if (ptr === '') return [];
  const out: Segment[] = [];
  let node: unknown = doc;
  for (const raw of ptr.slice(1).split('/')) {
    const s = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const index = /^(?:0|[1-9]\d*)$/.test(s) && (doc === undefined || Array.isArray(node));
    const seg: Segment = index ? Number(s) : s;
    out.push(seg);
    node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[seg] : undefined;
  }
  return out;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `connections[0].upstream`; a key that is not a plain name is quoted: `headers["x.y"]`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const s of path) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (PLAIN_KEY.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out === '' ? '(the top level)' : out;
}
