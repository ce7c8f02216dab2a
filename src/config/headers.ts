import { headerNameProblem, headerValueProblem } from './net.js';
import { formatPath, type Path } from './path.js';
import type { Reader } from './values.js';

// Header maps (bundle.headers, connections[].headers). Names are lower-cased, as
// HTTP/2 and undici send them; two spellings of one name are refused rather than
// one silently winning. Values are secrets: messages never show them.

export function headers(r: Reader, path: Path, raw: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const h = r.obj(raw);
  if (h === undefined) return out;
  const seen = new Map<string, string>();
  for (const [name, value] of Object.entries(h)) {
    const at = [...path, name];
    const nameProblem = headerNameProblem(name);
    if (nameProblem !== undefined) {
      r.report.add(at, `${formatPath(path)}: ${JSON.stringify(name)} ${nameProblem}`);
      continue;
    }
    const lower = name.toLowerCase();
    const earlier = seen.get(lower);
    if (earlier !== undefined) {
      r.report.add(at, `${formatPath(path)} sets ${lower} twice (as ${earlier} and ${name})`, { hint: 'header names are case-insensitive; keep one' });
      continue;
    }
    seen.set(lower, name);
    if (typeof value !== 'string') continue;
    const valueProblem = headerValueProblem(value);
    if (valueProblem !== undefined) {
      r.report.add(at, `${formatPath(at)}${r.report.fromEnvNote(at)} ${valueProblem}`, {
        hint: r.report.envOf(at).length > 0 ? 'check the variable for a trailing newline' : 'a header value is a single line',
      });
      continue;
    }
    out[lower] = value;
  }
  return out;
}
