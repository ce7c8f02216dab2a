import { ProxyError } from './errors.js';

// Request bodies: the media type, UTF-8 and JSON, with errors that name where the
// body is wrong but never what it holds. V8's JSON.parse messages quote the body
// ("Unexpected token 's', "{"key": sk-..." is not valid JSON"), so on failure a
// small scanner finds the position instead. Nesting is bounded: the input
// document is converted recursively further on.

/** Deeper bodies are refused; real chat, tool-schema and embedding bodies stay far below. */
export const MAX_JSON_DEPTH = 256;

const METHODS_WITHOUT_BODY = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** True for a missing content type, application/json and any `+json` type (charset utf-8 or none). */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.trim() === '') return true;
  const [type, ...params] = contentType.split(';').map((s) => s.trim().toLowerCase());
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type ?? '')) return false;
  for (const p of params) {
    const m = /^charset\s*=\s*"?([^"]*)"?$/.exec(p);
    if (m && m[1] !== 'utf-8' && m[1] !== 'utf8') return false;
  }
  return true;
}

/**
 * The JSON value of a request body; undefined for an empty body on a method that
 * carries none. Throws ProxyError 415 (media type) or 400 (empty, not UTF-8, not
 * JSON, too deep).
 */
export function readJsonBody(method: string, contentType: string | undefined, raw: Buffer | undefined): unknown {
  const empty = raw === undefined || raw.length === 0;
  if (empty && METHODS_WITHOUT_BODY.has(method)) return undefined;
  if (!isJsonMediaType(contentType)) {
    throw new ProxyError(415, 'unsupported_media_type', 'the request body must be JSON: send it with Content-Type: application/json (UTF-8)');
  }
  if (empty) throw new ProxyError(400, 'invalid_json', 'the request body is empty: send a JSON object');
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new ProxyError(400, 'invalid_json', 'the request body is not valid UTF-8: send JSON encoded as UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProxyError(400, 'invalid_json', `the request body is not valid JSON: ${describeJsonError(text)}`);
  }
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new ProxyError(400, 'invalid_json', `the request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`);
  }
  return value;
}

/** The deepest nesting of arrays and objects in JSON text (strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

function position(text: string, offset: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      col = 1;
    } else col++;
  }
  return `line ${line}, column ${col} (character ${offset})`;
}

/**
 * Where and why `text` is not JSON, without quoting it: "unexpected character at
 * line 3, column 7 (character 41)". A strict JSON scanner with an explicit stack.
 */
export function describeJsonError(text: string): string {
  // JSON.parse refused it and the scanner did not: say so without guessing
  const e = jsonFault(text) ?? { offset: 0, what: 'malformed JSON' };
  return e.offset >= text.length ? `${e.what} at the end of the body` : `${e.what} at ${position(text, e.offset)}`;
}

export interface JsonFault {
  /** UTF-16 offset of the first character that cannot be JSON there */
  offset: number;
  /** what is wrong, in words (never the text itself) */
  what: string;
}

/** The first place `s` stops being JSON, or undefined when it is JSON (RFC 8259, as JSON.parse reads it). */
export function jsonFault(s: string): JsonFault | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  };
  const fault = (what: string): JsonFault => ({ offset: i, what: i >= s.length ? 'unexpected end of input' : what });
  // the containers open at i: 'a' array, 'o' object
  const stack: Array<'a' | 'o'> = [];

  const string = (): JsonFault | undefined => {
    i++; // opening quote
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return fault('unescaped control character in a string');
      if (c === 0x5c) {
        const n = s[i + 1];
        if (n === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) return fault('bad \\u escape in a string');
          i += 6;
        } else if (n !== undefined && '"\\/bfnrt'.includes(n)) i += 2;
        else return fault('bad escape in a string');
      } else i++;
    }
    return fault('unterminated string');
  };

  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const number = (): JsonFault | undefined => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(s);
    if (!m) return fault('bad number');
    i += m[0].length;
    return undefined;
  };

  /** a value starts at i (after whitespace); containers push and return */
  const value = (): JsonFault | undefined => {
    ws();
    const c = s[i];
    if (c === '{') {
      stack.push('o');
      i++;
      return undefined;
    }
    if (c === '[') {
      stack.push('a');
      i++;
      return undefined;
    }
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    for (const lit of ['true', 'false', 'null']) {
      if (s.startsWith(lit, i)) {
        i += lit.length;
        return undefined;
      }
    }
    return fault('unexpected character');
  };

  let f = value();
  if (f) return f;
  // after a value or an opening bracket: what may follow
  let justOpened = stack.length > 0;
  while (stack.length > 0) {
    ws();
    const top = stack[stack.length - 1]!;
    const c = s[i];
    if (top === 'o') {
      if (justOpened && c === '}') {
        stack.pop();
        i++;
        justOpened = false;
        continue;
      }
      if (!justOpened) {
        if (c === '}') {
          stack.pop();
          i++;
          continue;
        }
        if (c !== ',') return fault("expected ',' or '}' after an object member");
        i++;
        ws();
      }
      if (s[i] !== '"') return fault('expected a property name in double quotes');
      f = string();
      if (f) return f;
      ws();
      if (s[i] !== ':') return fault("expected ':' after a property name");
      i++;
    } else {
      if (justOpened && c === ']') {
        stack.pop();
        i++;
        justOpened = false;
        continue;
      }
      if (!justOpened) {
        if (c === ']') {
          stack.pop();
          i++;
          continue;
        }
        if (c !== ',') return fault("expected ',' or ']' after an array element");
        i++;
      }
    }
    const depth = stack.length;
    f = value();
    if (f) return f;
    justOpened = stack.length > depth;
  }
  ws();
  if (i < s.length) return fault('unexpected character after the JSON value');
  return undefined;
}
