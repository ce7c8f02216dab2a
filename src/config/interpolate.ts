import { formatPath, pointer, type Segment } from './path.js';
import type { Report } from './report.js';
import { typesAt } from './schema.js';

// ${VAR} references in string values (never in keys) are replaced with the
// environment's values, before the schema sees the document:
//
//   ${NAME}            the value of NAME; an error if NAME is not set
//   ${NAME:-default}   the value of NAME, or `default` when NAME is unset or empty
//   $${                a literal "${"
//
// A name is letters, digits and `_`, not starting with a digit. A default is literal
// text up to the first `}` (no nesting). A `$` anywhere else is just a `$`.
//
// A string that held a reference may stand for a number or a boolean: where the
// schema does not accept a string there but does accept a number or a boolean
// (evaluation.max_steps, identity.anonymous), "8080" becomes 8080 and "false"
// becomes false. A string written without a reference is never converted.
//
// Which variables went into which value is remembered, so that an error about the
// value names the variable and never prints the value.

export type Env = Readonly<Record<string, string | undefined>>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_DEPTH = 64;

type Expanded = { ok: true; text: string; used: string[]; refs: number } | { ok: false; message: string; hint: string };

/** Expands the references in one string. */
export function expand(s: string, env: Env): Expanded {
  let out = '';
  const used: string[] = [];
  const unset: string[] = [];
  let refs = 0;
  let i = 0;
  while (i < s.length) {
    const at = s.indexOf('$', i);
    if (at < 0) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, at);
    if (s.startsWith('$${', at)) {
      out += '${';
      i = at + 3;
      continue;
    }
    if (!s.startsWith('${', at)) {
      out += '$';
      i = at + 1;
      continue;
    }
    const close = s.indexOf('}', at + 2);
    if (close < 0) {
      return { ok: false, message: `has a \${ with no closing }`, hint: 'close the reference, as in ${NAME}, or write $${ for a literal ${' };
    }
    const inner = s.slice(at + 2, close);
    const sep = inner.indexOf(':-');
    const name = sep < 0 ? inner : inner.slice(0, sep);
    if (!NAME.test(name)) {
      return {
        ok: false,
        message: `has an invalid reference \${...} at character ${at + 1}`,
        hint: 'write ${NAME} or ${NAME:-default}, where NAME is letters, digits and _ (not starting with a digit); write $${ for a literal ${',
      };
    }
    refs++;
    const value = env[name];
    if (sep >= 0) {
      if (value === undefined || value === '') out += inner.slice(sep + 2);
      else {
        out += value;
        used.push(name);
      }
    } else if (value === undefined) {
      if (!unset.includes(name)) unset.push(name);
    } else {
      out += value;
      used.push(name);
    }
    i = close + 1;
  }
  if (unset.length > 0) {
    const refsText = unset.map((n) => `\${${n}}`).join(', ');
    return {
      ok: false,
      message: `uses ${refsText}, but ${unset.length === 1 ? 'that environment variable is' : 'those environment variables are'} not set`,
      hint: `set ${unset.join(', ')} in the environment, or give a default: \${${unset[0]}:-value}`,
    };
  }
  return { ok: true, text: out, used: [...new Set(used)], refs };
}

/**
 * Replaces references throughout a parsed document (in place for containers; the
 * result is the new root). Problems go to `report`; a string with a problem is left
 * as written.
 */
export function interpolate(value: unknown, env: Env, report: Report): unknown {
  return walk(value, [], env, report, 0);
}

function walk(value: unknown, path: Segment[], env: Env, report: Report, depth: number): unknown {
  if (typeof value === 'string') return expandAt(value, path, env, report);
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = walk(value[i], [...path, i], env, report, depth + 1);
    return value;
  }
  if (value instanceof Uint8Array) return value;
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) obj[key] = walk(obj[key], [...path, key], env, report, depth + 1);
  return obj;
}

function expandAt(s: string, path: Segment[], env: Env, report: Report): unknown {
  if (!s.includes('$')) return s;
  const r = expand(s, env);
  if (!r.ok) {
    report.add(path, `${formatPath(path)} ${r.message}`, { hint: r.hint });
    return s;
  }
  if (r.used.length > 0) report.origins.fromEnv.set(pointer(path), r.used);
  return r.refs > 0 ? coerce(r.text, path) : r.text;
}

function coerce(text: string, path: Segment[]): unknown {
  const types = typesAt(path);
  if (types === undefined || types.includes('string')) return text;
  const t = text.trim();
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+$/.test(t)) {
    const n = Number(t);
    if (Number.isSafeInteger(n)) return n;
  }
  if (types.includes('number') && /^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (types.includes('boolean') && (t === 'true' || t === 'false')) return t === 'true';
  return text;
}
