// A syntax check for the JSON paths of `http` connections, so a typo stops the
// server at start-up rather than silently matching nothing. It accepts the subset
// the proxy evaluates (src/proxy/protocols/jsonpath.ts implements it; this file
// only checks the spelling, so config does not depend on the proxy):
//
//   $.a.b        member by name (letters, digits, _ and -, not starting with a digit)
//   $['x y']     member by any name, quoted with ' or " (\\ escapes the quote and \\)
//   $.a[0]       list item by index (0 or more)
//   $.a[*] $.*   every item of a list, every member of a mapping
//
// Refused: a bare `$`, recursive descent (`..`), filters, slices, negative indexes.

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*/;

/** Why `p` is not a JSON path we can evaluate, or undefined when it is one. */
export function jsonPathProblem(p: string): string | undefined {
  if (!p.startsWith('$')) return 'a JSON path starts with $';
  if (p === '$') return 'the path $ selects the whole body; name a member, as in $.query';
  let i = 1;
  while (i < p.length) {
    const c = p[i]!;
    if (c === '.') {
      if (p[i + 1] === '.') return 'recursive descent (..) is not supported; write the full path';
      if (p[i + 1] === '*') {
        i += 2;
        continue;
      }
      const m = NAME.exec(p.slice(i + 1));
      if (!m) return `expected a member name after the . at character ${i + 1} (quote other names: $['name'])`;
      i += 1 + m[0].length;
      continue;
    }
    if (c === '[') {
      const rest = p.slice(i + 1);
      if (rest.startsWith('*]')) {
        i += 3;
        continue;
      }
      const index = /^(\d+)\]/.exec(rest);
      if (index) {
        if (index[1]!.length > 1 && index[1]!.startsWith('0')) return `index ${index[1]} at character ${i + 1} has a leading zero`;
        i += 1 + index[0].length;
        continue;
      }
      const q = rest[0];
      if (q === "'" || q === '"') {
        let j = 1;
        while (j < rest.length && rest[j] !== q) j += rest[j] === '\\' ? 2 : 1;
        if (j >= rest.length) return `unterminated quoted name at character ${i + 2}`;
        if (rest[j + 1] !== ']') return `expected ] after the quoted name at character ${i + 2}`;
        i += 1 + j + 2;
        continue;
      }
      if (rest.startsWith('?') || rest.startsWith('(')) return 'filter expressions are not supported';
      if (/^-?\d*:/.test(rest)) return 'slices are not supported';
      if (rest.startsWith('-')) return 'negative indexes are not supported';
      return `expected *, an index or a quoted name after the [ at character ${i + 1}`;
    }
    return `unexpected ${JSON.stringify(c)} at character ${i + 1}`;
  }
  return undefined;
}
