import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, type ConfigIssue } from './errors.js';
import { interpolate, type Env } from './interpolate.js';
import { normalise } from './normalise.js';
import { applyOverrides, OVERRIDE_FLAGS, type ConfigOverrides } from './overrides.js';
import { Report } from './report.js';
import { MAX_CONFIG_BYTES, parseSource, type Places } from './source.js';
import type { Config } from './types.js';
import { validateShape } from './validate.js';
import { fsReason, Reader } from './values.js';

// The pipeline: text → YAML value with line numbers → ${ENV} interpolation →
// command-line overrides → schema → normalised Config, every problem of every stage
// after parsing collected into one ConfigError.

export interface ParseOptions {
  /** the file name shown in messages */
  file?: string;
  /** default: process.env */
  env?: Env;
  overrides?: ConfigOverrides;
  /** relative paths in the text resolve here; default: the file's directory, else the working directory */
  baseDir?: string;
  /** relative paths in overrides resolve here; default: process.cwd() */
  cwd?: string;
}

export function parseConfigText(text: string, opts: ParseOptions = {}): Config {
  const source = parseSource(text, opts.file);
  if (!source.ok) throw new ConfigError(source.issues);
  return build(source.value, source.places, opts, true);
}

/** A document built in code (the quickstart): no interpolation, no line numbers. */
export function configFromDocument(doc: Record<string, unknown>, opts: ParseOptions = {}): Config {
  return build(structuredClone(doc), new Map(), opts, false);
}

function build(value: unknown, places: Places, opts: ParseOptions, interpolateEnv: boolean): Config {
  const cwd = opts.cwd ?? process.cwd();
  const baseDir = opts.baseDir ?? (opts.file !== undefined ? dirname(resolve(cwd, opts.file)) : cwd);
  const report = new Report({ ...(opts.file !== undefined ? { file: opts.file } : {}), places, fromEnv: new Map(), flags: new Map() });
  let doc = value;
  if (interpolateEnv) doc = interpolate(doc, opts.env ?? process.env, report);
  if (opts.overrides) applyOverrides(doc, opts.overrides, report.origins.flags);
  const shaped = validateShape(doc, report);
  if (!shaped && (doc === null || typeof doc !== 'object' || Array.isArray(doc))) throw new ConfigError(report.issues);
  const config = normalise(new Reader(report, { baseDir, cwd }), doc as Record<string, unknown>);
  if (report.issues.length > 0) throw new ConfigError(sortIssues(report.issues));
  return config;
}

/** Flags first (in the order of OVERRIDE_FLAGS), then problems with the whole file, then file order. */
function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  const flags = Object.values(OVERRIDE_FLAGS);
  const rank = (i: ConfigIssue): number => (i.flag !== undefined ? flags.indexOf(i.flag) - flags.length : 0);
  return issues
    .map((issue, n) => ({ issue, n }))
    .sort((a, b) => rank(a.issue) - rank(b.issue) || (a.issue.line ?? 0) - (b.issue.line ?? 0) || (a.issue.col ?? 0) - (b.issue.col ?? 0) || a.n - b.n)
    .map((x) => x.issue);
}

export async function readConfigFile(file: string): Promise<string> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    if (info.size > MAX_CONFIG_BYTES) throw new RangeError(`larger than ${MAX_CONFIG_BYTES / 1024} KiB; this is not a railgate.yaml`);
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new ConfigError([{ file, message: `cannot read the configuration file: ${fsReason(e)}`, hint: 'pass the path of your railgate.yaml with --config' }], {
      cause: e,
    });
  }
}
