// Decoding of string and number literals as written in source.

export interface Unescaped {
  value: string;
  /** offset (into the literal, quotes included) of the first bad escape, if any */
  badEscapeAt?: number;
}

/** Decodes a `"..."` literal (quotes included) with JSON escapes. */
export function unescapeString(image: string): Unescaped {
  const closed = image.length >= 2 && image.endsWith('"') && !isEscapedQuote(image);
  const inner = image.slice(1, closed ? -1 : undefined);
  if (!inner.includes('\\')) return { value: inner };
  let out = '';
  let badEscapeAt: number | undefined;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = inner[i + 1];
    switch (next) {
      case '"':
      case '\\':
      case '/':
        out += next;
        i++;
        break;
      case 'b':
        out += '\b';
        i++;
        break;
      case 'f':
        out += '\f';
        i++;
        break;
      case 'n':
        out += '\n';
        i++;
        break;
      case 'r':
        out += '\r';
        i++;
        break;
      case 't':
        out += '\t';
        i++;
        break;
      case 'u': {
        const hex = inner.slice(i + 2, i + 6);
        if (/^[0-9a-fA-F]{4}$/.test(hex)) {
          // UTF-16 code units: a surrogate pair written as two escapes joins by itself.
          out += String.fromCharCode(parseInt(hex, 16));
          i += 5;
        } else {
          badEscapeAt ??= i + 1;
          i++;
        }
        break;
      }
      default:
        badEscapeAt ??= i + 1;
        if (next !== undefined) {
          out += next;
          i++;
        }
    }
  }
  return badEscapeAt === undefined ? { value: out } : { value: out, badEscapeAt };
}

/** `"abc\"` — the final quote is escaped, so the literal is not closed. */
function isEscapedQuote(image: string): boolean {
  let backslashes = 0;
  for (let i = image.length - 2; i >= 1 && image[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

/** Why a number literal is invalid, or undefined when it is fine. */
export function numberProblem(raw: string): string | undefined {
  const digits = raw.startsWith('-') ? raw.slice(1) : raw;
  if (/^0\d/.test(digits)) return `invalid number \`${raw}\`: leading zeros are not allowed`;
  const exp = /[eE]([+-]?\d+)$/.exec(digits);
  if (exp && Math.abs(Number(exp[1])) > 100000) return `number \`${raw.length > 24 ? raw.slice(0, 24) + '…' : raw}\` is too big`;
  return undefined;
}
