// Everything wrong with a configuration is one ConfigError holding every problem
// found (all of them at once: fixing a file one error per restart is slow). Each
// problem names the key path, and the file with line:col of the key when the value
// came from a file, or the command-line flag it came from. No message ever contains
// a value that came from the environment or sits under a secret-bearing key.

export interface ConfigIssue {
  /** the key path, `connections[1].upstream`; absent for problems with the whole file */
  path?: string;
  /** what is wrong, naming the key path */
  message: string;
  file?: string;
  line?: number;
  col?: number;
  /** the command-line flag the value came from, `--listen` */
  flag?: string;
  hint?: string;
}

export class ConfigError extends Error {
  readonly code = 'config_error' as const;
  /** every problem found, in file order */
  readonly issues: readonly ConfigIssue[];
  // the first problem's place, for callers that show only one
  readonly path: string | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly col: number | undefined;
  readonly hint: string | undefined;

  constructor(issues: readonly ConfigIssue[], opts: { cause?: unknown } = {}) {
    if (issues.length === 0) throw new TypeError('ConfigError needs at least one issue');
    super(issues.map(issueLine).join('\n'), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ConfigError';
    this.issues = issues;
    const first = issues[0]!;
    this.path = first.path;
    this.file = first.file;
    this.line = first.line;
    this.col = first.col;
    this.hint = first.hint;
  }
}

export function isConfigError(e: unknown): e is ConfigError {
  return e instanceof ConfigError;
}

/** Where a problem is: `railgate.yaml:12:5`, `railgate.yaml`, `--listen`, or ''. */
export function issuePlace(i: ConfigIssue): string {
  if (i.flag !== undefined) return i.flag;
  if (i.file === undefined) return '';
  return i.line === undefined ? i.file : `${i.file}:${i.line}:${i.col ?? 1}`;
}

/** One line per problem: `railgate.yaml:12:5: unknown key connections[0].upstrem (did you mean upstream?)`. */
export function issueLine(i: ConfigIssue): string {
  const place = issuePlace(i);
  return place === '' ? i.message : `${place}: ${i.message}`;
}

/** Every problem with its hint underneath, for the CLI (ends with a newline). */
export function formatConfigError(e: ConfigError): string {
  const lines: string[] = [];
  if (e.issues.length > 1) lines.push(`${e.issues.length} problems in the configuration:`);
  for (const i of e.issues) {
    lines.push(issueLine(i));
    if (i.hint !== undefined) lines.push(`  hint: ${i.hint}`);
  }
  return `${lines.join('\n')}\n`;
}
