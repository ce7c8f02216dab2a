// `data.app.rbac.allow`, `data.x["a-b"][0]`: the reference `railgate eval` prints.
// A tiny parser of its own, so a typo gets a precise message rather than a parse
// error about a whole policy body.

export type RefPath = Array<string | number>;
export type RefResult = { ok: true; path: RefPath } | { ok: false; message: string };

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const INT = /-?\d+/y;

/** Parses a reference under `data`; the returned path excludes `data` itself. */
export function parseDataRef(text: string): RefResult {
  const src = text.trim();
  IDENT.lastIndex = 0;
  const head = IDENT.exec(src);
  if (!head || head[0] !== 'data') {
    return { ok: false, message: `"${src}": a reference must start with data (e.g. data.app.rbac.allow)` };
  }
  const path: RefPath = [];
  let i = head[0].length;
  const fail = (what: string, at = i): RefResult => ({ ok: false, message: `"${src}": ${what} at position ${at + 1}` });
  while (i < src.length) {
    const c = src[i];
    if (c === '.') {
      IDENT.lastIndex = i + 1;
      const m = IDENT.exec(src);
      if (!m) return fail('expected a name after "."', i + 1);
      path.push(m[0]);
      i = IDENT.lastIndex;
    } else if (c === '[') {
      i++;
      if (src[i] === '"') {
        const end = closingQuote(src, i);
        if (end < 0) return fail('unterminated string');
        let s: unknown;
        try {
          s = JSON.parse(src.slice(i, end + 1));
        } catch {
          return fail('invalid string');
        }
        path.push(s as string);
        i = end + 1;
      } else {
        INT.lastIndex = i;
        const m = INT.exec(src);
        if (!m) return fail('expected a "string" or an integer inside [ ]');
        path.push(Number(m[0]));
        i = INT.lastIndex;
      }
      if (src[i] !== ']') return fail('expected "]"');
      i++;
    } else {
      return fail(`unexpected "${c}"`);
    }
  }
  return { ok: true, path };
}

function closingQuote(src: string, open: number): number {
  for (let j = open + 1; j < src.length; j++) {
    if (src[j] === '\\') j++;
    else if (src[j] === '"') return j;
  }
  return -1;
}
