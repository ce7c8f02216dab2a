// Strict JSON with a location on failure. JSON.parse does the work; only when it
// fails do we rescan the text to find where, because Node's messages do not always
// say (and never say line and column).

export interface JsonSyntaxError {
  offset: number;
  message: string;
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError };

export function parseJson(text: string): JsonResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const shift = body.length === text.length ? 0 : 1;
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (e) {
    const found = findJsonError(body);
    if (found) return { ok: false, error: { offset: found.offset + shift, message: found.message } };
    return { ok: false, error: { offset: 0, message: e instanceof Error ? e.message : String(e) } };
  }
}

type Expect = 'value' | 'value-or-end' | 'key' | 'key-or-end' | 'colon' | 'comma-or-end' | 'eof';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /[0-9a-fA-F]{4}/y;

function describe(c: string): string {
  if (c === '\n') return 'a line break';
  if (c === "'") return "a single quote (JSON strings use double quotes)";
  return `'${c}'`;
}

/**
 * The first syntax error in text, or undefined when it is valid JSON. Iterative
 * (an explicit stack, one pass), so hostile nesting cannot overflow the call stack.
 */
export function findJsonError(text: string): JsonSyntaxError | undefined {
  const stack: Array<'{' | '['> = [];
  let expect: Expect = 'value';
  let i = 0;
  const after = (): Expect => (stack.length > 0 ? 'comma-or-end' : 'eof');
  const n = text.length;

  const scanString = (start: number): number | JsonSyntaxError => {
    let j = start + 1;
    while (j < n) {
      const c = text[j]!;
      if (c === '"') return j + 1;
      if (c === '\\') {
        const e = text[j + 1];
        if (e === 'u') {
          HEX4.lastIndex = j + 2;
          if (!HEX4.test(text)) return { offset: j, message: 'invalid \\u escape in string (needs 4 hex digits)' };
          j += 6;
          continue;
        }
        if (e === undefined || !ESCAPES.has(e)) return { offset: j, message: 'invalid escape in string' };
        j += 2;
        continue;
      }
      if (c.charCodeAt(0) < 0x20) return { offset: j, message: 'unescaped control character in string' };
      j++;
    }
    return { offset: start, message: 'unterminated string' };
  };

  while (true) {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (i >= n) {
      return expect === 'eof' ? undefined : { offset: n, message: 'unexpected end of input' };
    }
    const c = text[i]!;
    switch (expect) {
      case 'eof':
        return { offset: i, message: `unexpected ${describe(c)} after the JSON value` };
      case 'value':
      case 'value-or-end': {
        if (c === ']' && expect === 'value-or-end') {
          stack.pop();
          i++;
          expect = after();
          break;
        }
        if (c === '{') {
          stack.push('{');
          i++;
          expect = 'key-or-end';
          break;
        }
        if (c === '[') {
          stack.push('[');
          i++;
          expect = 'value-or-end';
          break;
        }
        if (c === '"') {
          const r = scanString(i);
          if (typeof r !== 'number') return r;
          i = r;
          expect = after();
          break;
        }
        if (c === '-' || (c >= '0' && c <= '9')) {
          NUMBER.lastIndex = i;
          const m = NUMBER.exec(text);
          if (!m) return { offset: i, message: 'invalid number' };
          i += m[0].length;
          expect = after();
          break;
        }
        const lit = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
        if (lit) {
          i += lit.length;
          expect = after();
          break;
        }
        if (c === ']' || c === '}') return { offset: i, message: `unexpected ${describe(c)}; expected a value (trailing comma?)` };
        return { offset: i, message: `unexpected ${describe(c)}; expected a value` };
      }
      case 'key-or-end':
      case 'key': {
        if (c === '}' && expect === 'key-or-end') {
          stack.pop();
          i++;
          expect = after();
          break;
        }
        if (c !== '"') {
          const trailing = c === '}' ? ' (trailing comma?)' : '';
          return { offset: i, message: `unexpected ${describe(c)}; expected a key in double quotes${trailing}` };
        }
        const r = scanString(i);
        if (typeof r !== 'number') return r;
        i = r;
        expect = 'colon';
        break;
      }
      case 'colon':
        if (c !== ':') return { offset: i, message: `unexpected ${describe(c)}; expected ':' after the key` };
        i++;
        expect = 'value';
        break;
      case 'comma-or-end': {
        const top = stack[stack.length - 1]!;
        const close = top === '{' ? '}' : ']';
        if (c === ',') {
          i++;
          expect = top === '{' ? 'key' : 'value';
        } else if (c === close) {
          stack.pop();
          i++;
          expect = after();
        } else {
          return { offset: i, message: `unexpected ${describe(c)}; expected ',' or '${close}'` };
        }
        break;
      }
    }
  }
}
