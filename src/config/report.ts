import type { ConfigIssue } from './errors.js';
import { formatPath, pointer, type Path } from './path.js';
import { isSensitive } from './schema.js';
import type { Places } from './source.js';

// Collects the problems found in one configuration, placing each at the file line
// of its key (or the command-line flag its value came from), and describing bad
// values without ever repeating a secret.

export interface Origins {
  /** the file shown in messages, as the user named it */
  file?: string;
  places: Places;
  /** JSON pointer → the environment variables whose values went into that string */
  fromEnv: Map<string, readonly string[]>;
  /** JSON pointer → the command-line flag that set that value */
  flags: Map<string, string>;
}

export class Report {
  readonly issues: ConfigIssue[] = [];
  private readonly reported = new Set<string>();

  constructor(readonly origins: Origins) {}

  /**
   * Records a problem with the value at `path`. At most one problem per path is
   * kept (the first: the schema's, before the finer checks). `at` places the
   * problem elsewhere, e.g. a missing key at its parent mapping.
   */
  add(path: Path, message: string, opts: { hint?: string; at?: Path } = {}): void {
    const ptr = pointer(path);
    if (this.reported.has(ptr)) return;
    this.reported.add(ptr);
    const issue: ConfigIssue = { path: formatPath(path), message };
    const at = opts.at ?? path;
    const flag = this.flagOf(at);
    if (flag !== undefined) {
      issue.flag = flag;
    } else {
      if (this.origins.file !== undefined) issue.file = this.origins.file;
      const place = this.placeOf(at);
      if (place) Object.assign(issue, place);
    }
    if (opts.hint !== undefined) issue.hint = opts.hint;
    this.issues.push(issue);
  }

  /** A problem with the whole file (not one key). */
  addGeneral(message: string, hint?: string): void {
    const issue: ConfigIssue = { message };
    if (this.origins.file !== undefined) issue.file = this.origins.file;
    if (hint !== undefined) issue.hint = hint;
    this.issues.push(issue);
  }

  /** Whether a problem was already recorded at `path` or above it. */
  hasIssue(path: Path): boolean {
    for (let i = path.length; i >= 0; i--) if (this.reported.has(pointer(path.slice(0, i)))) return true;
    return false;
  }

  /** The flag that set the value at `path` (or a value above it). */
  flagOf(path: Path): string | undefined {
    for (let i = path.length; i >= 0; i--) {
      const f = this.origins.flags.get(pointer(path.slice(0, i)));
      if (f !== undefined) return f;
    }
    return undefined;
  }

  /** The environment variables that went into the value at `path`. */
  envOf(path: Path): readonly string[] {
    return this.origins.fromEnv.get(pointer(path)) ?? [];
  }

  /** ` (from ${NAME})` when the value at `path` came from the environment, else ''. */
  fromEnvNote(path: Path): string {
    const vars = this.envOf(path);
    return vars.length > 0 ? ` (from ${vars.map((v) => `\${${v}}`).join(', ')})` : '';
  }

  /**
   * "got ..." for a message: the value itself when it is harmless to show; only
   * where it came from when it came from the environment; only its type when the
   * key holds a secret.
   */
  got(path: Path, value: unknown): string {
    const vars = this.envOf(path);
    if (vars.length > 0) return `got the value of ${vars.map((v) => `\${${v}}`).join(' and ')} (not shown)`;
    if (isSensitive(path)) return `got ${typeName(value)} (not shown)`;
    return `got ${show(value)}`;
  }

  private placeOf(path: Path): { line: number; col: number } | undefined {
    for (let i = path.length; i >= 1; i--) {
      const p = this.origins.places.get(pointer(path.slice(0, i)));
      if (p) return p;
    }
    return undefined;
  }
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : 'a list';
  switch (typeof v) {
    case 'string':
      return v === '' ? 'an empty string' : 'a string';
    case 'number':
      return Number.isInteger(v) ? 'a whole number' : 'a number';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      return v instanceof Uint8Array ? 'binary data' : 'a mapping';
    default:
      return typeof v;
  }
}

const MAX_SHOWN = 60;

function show(v: unknown): string {
  if (typeof v === 'string') {
    if (v === '') return 'an empty string';
    const s = JSON.stringify(v.length > MAX_SHOWN ? `${v.slice(0, MAX_SHOWN)}...` : v);
    return s;
  }
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return typeName(v);
}
