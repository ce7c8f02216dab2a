// Evaluation and compilation benchmarks: the reference chat policy on a typical
// request, a pure-logic RBAC policy, and compiling a generated 1,000-rule policy set.
// Prints a table of figures against the targets of issue 2. Run with `npm run bench`
// (all benchmarks) or `npx tsx bench/eval.ts` (these only).
//
// Method: each case is warmed up (so the JIT has compiled the hot paths), then timed
// over several runs of N iterations with process.hrtime.bigint; the figure is the
// median run divided by N. Results are checked before timing so a broken policy
// cannot produce a fast but meaningless figure.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatDiagnostic, type Diagnostic } from '../src/lang/diagnostics.js';
import type { PolicySet } from '../src/compiler/index.js';
import { compileSources } from '../src/compiler/sources.js';
import { fromJSON, toJSON, type Value } from '../src/runtime/value.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');

// ---------------------------------------------------------------- measuring

export interface Timing {
  /** wall-clock nanoseconds per iteration of the median run */
  medianNs: number;
  /** wall-clock nanoseconds per iteration of every timed run, in run order */
  runsNs: number[];
  /** CPU (user + system) nanoseconds per iteration, median of the runs */
  cpuMedianNs: number;
}

export interface MeasureOptions {
  iterations: number;
  runs?: number;
  warmupIterations?: number;
}

/** Median time per call of `fn` over `runs` runs of `iterations` calls each. */
export function measure(fn: () => unknown, opts: MeasureOptions): Timing {
  const runs = Math.max(5, opts.runs ?? 7);
  const warmup = opts.warmupIterations ?? opts.iterations;
  let sink: unknown;
  for (let i = 0; i < warmup; i++) sink = fn();
  const runsNs: number[] = [];
  const cpuNs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (let i = 0; i < opts.iterations; i++) sink = fn();
    const elapsed = process.hrtime.bigint() - start;
    const used = process.cpuUsage(cpu);
    runsNs.push(Number(elapsed) / opts.iterations);
    cpuNs.push(((used.user + used.system) * 1e3) / opts.iterations);
  }
  keep(sink);
  return { medianNs: median(runsNs), runsNs, cpuMedianNs: median(cpuNs) };
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

// Stops the optimiser from proving the benchmarked call has no effect.
let kept: unknown;
function keep(v: unknown): void {
  kept = v;
}
export function lastKept(): unknown {
  return kept;
}

// ---------------------------------------------------------------- loading

export class BenchSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchSetupError';
  }
}

function fail(what: string, diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>): never {
  const shown = diagnostics.filter((d) => d.severity === 'error').slice(0, 10);
  throw new BenchSetupError(`${what}:\n${shown.map((d) => formatDiagnostic(d, sources)).join('\n')}`);
}

/** Parses and compiles policy texts (file → text); throws with the diagnostics on error. */
export function compileTexts(sources: ReadonlyMap<string, string>, what: string): PolicySet {
  const c = compileSources(sources);
  if (!c.policy) fail(`${what} does not compile`, c.diagnostics, sources);
  return c.policy;
}

/** The policy files (tests excluded) under `dir`, as file → text. */
export function readPolicies(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string, depth: number): void => {
    if (depth > 8) return;
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, depth + 1);
      else if (name.endsWith('.gate') && !name.endsWith('_test.gate')) out.set(relative(ROOT, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir, 0);
  return out;
}

function evaluateJSON(policy: PolicySet, path: string[], input: unknown, data?: unknown): unknown {
  const v = policy.evaluate(path, data === undefined ? { input: fromJSON(input) } : { input: fromJSON(input), data: fromJSON(data) });
  return v === undefined ? undefined : toJSON(v);
}

// ---------------------------------------------------------------- cases

/** A typical chat request: a short system prompt and ~2 KB of prose with one e-mail. */
export function chatInput(): unknown {
  const prompt = readFileSync(join(HERE, 'fixtures', 'chat-prompt.txt'), 'utf8');
  const system = 'You are a helpful assistant for an operations team. Answer concisely.';
  return {
    user: {
      id: 'u-1042',
      email: 'dana@example.com',
      groups: ['engineering', 'logistics'],
      auth: 'oidc',
      claims: { team: 'logistics', iss: 'https://login.example.com' },
    },
    connection: { name: 'openai', protocol: 'openai' },
    operation: 'chat',
    model: 'gpt-4.1-mini',
    stream: true,
    texts: [system, prompt],
    tokens: { prompt: 430, max_completion: 1024 },
    request: {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', 'user-agent': 'openai-node/4.67.0' },
      body: {},
    },
    source: { ip: '10.0.0.7' },
    time: { now_ns: 1767225600000000000, rfc3339: '2026-01-01T00:00:00Z' },
  };
}

export interface Row {
  name: string;
  /** wall-clock median, in `unit` */
  figure: number;
  /** CPU-time median, in `unit`: close to `figure` on an idle machine */
  cpu: number;
  unit: 'µs' | 'ms';
  target: number;
  runs: number[];
}

function chatCase(iterations: number): Row {
  const policy = compileTexts(readPolicies(join(ROOT, 'policies')), 'the reference policies');
  const json = chatInput();
  const path = ['railgate', 'chat'];
  const decision = evaluateJSON(policy, path, json) as Record<string, unknown> | undefined;
  // The request must exercise the classifiers and come out allowed with a redaction.
  const redact = decision?.['redact'];
  if (!decision || !Array.isArray(decision['deny']) || decision['deny'].length !== 0 || !Array.isArray(redact) || redact.length !== 1) {
    throw new BenchSetupError(`the chat decision is not the expected one: ${JSON.stringify(decision)}`);
  }
  // The proxy builds the input document once per request; converting it is not
  // part of the decision and is left out of the figure.
  const input = fromJSON(json);
  const t = measure(() => policy.evaluate(path, { input }), { iterations });
  return { name: 'chat policy, 2 KB prompt (per decision)', figure: t.medianNs / 1e3, cpu: t.cpuMedianNs / 1e3, unit: 'µs', target: 20, runs: t.runsNs.map((n) => n / 1e3) };
}

function rbacCase(iterations: number): Row {
  const sources = new Map([['bench/fixtures/rbac.gate', readFileSync(join(HERE, 'fixtures', 'rbac.gate'), 'utf8')]]);
  const policy = compileTexts(sources, 'the RBAC fixture');
  const dataJSON = JSON.parse(readFileSync(join(HERE, 'fixtures', 'rbac.json'), 'utf8')) as unknown;
  const path = ['app', 'rbac', 'allow'];
  const checks: Array<[unknown, boolean]> = [
    [{ user: 'bob', action: 'update', type: 'cat' }, true],
    [{ user: 'bob', action: 'adopt', type: 'dog' }, false],
    [{ user: 'alice', action: 'delete', type: 'finance' }, true],
    [{ user: 'mallory', action: 'read', type: 'dog' }, false],
  ];
  for (const [input, want] of checks) {
    const got = evaluateJSON(policy, path, input, dataJSON);
    if (got !== want) throw new BenchSetupError(`RBAC allow for ${JSON.stringify(input)} is ${JSON.stringify(got)}, want ${want}`);
  }
  // A granted non-admin request: it walks roles and grants, the common slow path.
  const input = fromJSON({ user: 'bob', action: 'update', type: 'cat' });
  const data = fromJSON(dataJSON);
  const t = measure(() => policy.evaluate(path, { input, data }), { iterations });
  return { name: 'RBAC policy with data (per decision)', figure: t.medianNs / 1e3, cpu: t.cpuMedianNs / 1e3, unit: 'µs', target: 2, runs: t.runsNs.map((n) => n / 1e3) };
}

// ---------------------------------------------------------------- generated policy set

/**
 * `packages` packages of `rulesPerPackage` rules each, in the shapes real policies
 * use: partial sets with iteration, complete rules with defaults, functions,
 * partial objects, comprehensions and cross-package references.
 */
export function generatePolicySet(packages = 10, rulesPerPackage = 100): Map<string, string> {
  const out = new Map<string, string>();
  for (let p = 0; p < packages; p++) {
    const lines: string[] = [`package gen.team${p}`, ''];
    if (p > 0) lines.push(`import data.gen.team${p - 1} as previous`, '');
    let rules = 0;
    for (let j = 0; rules < rulesPerPackage; j++) {
      switch (j % 6) {
        case 0:
          lines.push(
            `deny contains msg if {`,
            `\tsome item in input.items`,
            `\titem.kind == "kind-${j}"`,
            `\titem.size > ${100 + j}`,
            `\tmsg := sprintf("item %s of kind-${j} is too large (%d)", [item.name, item.size])`,
            `}`,
            '',
          );
          rules++;
          break;
        case 1:
          lines.push(`default allow_${j} := false`, '', `allow_${j} if {`, `\tinput.user.role in {"admin", "role-${j}"}`, `\tnot input.user.suspended`, `}`, '');
          rules += 2;
          break;
        case 2:
          lines.push(`score_${j}(x) := (x * ${j}) + 1`, '', `limit_${j} := score_${j}(count(input.items)) if input.items`, '');
          rules += 2;
          break;
        case 3:
          lines.push(
            `labels_${j}[name] := value if {`,
            `\tsome name, value in input.labels`,
            `\tstartswith(name, "team-${j}")`,
            `}`,
            '',
          );
          rules++;
          break;
        case 4:
          lines.push(
            `big_items_${j} := {item.name | some item in input.items; item.size >= ${j}}`,
            '',
            `tags_${j} := [lower(t) | some t in input.tags; t != "skip-${j}"]`,
            '',
          );
          rules += 2;
          break;
        default:
          lines.push(
            p > 0 ? `chained_${j} if previous.allow_1` : `chained_${j} if input.user.role == "admin"`,
            '',
            `every_ok_${j} if {`,
            `\tevery item in input.items {`,
            `\t\titem.size < ${1000 + j}`,
            `\t}`,
            `}`,
            '',
          );
          rules += 2;
      }
    }
    out.set(`gen/team${p}.gate`, lines.join('\n'));
  }
  return out;
}

function compileCase(): Row {
  const sources = generatePolicySet(10, 100);
  compileTexts(sources, 'the generated policy set'); // fails loudly if the generator is wrong
  const t = measure(() => compileTexts(sources, 'the generated policy set'), { iterations: 1, runs: 7, warmupIterations: 2 });
  return { name: 'compile 1,000 rules in 10 packages', figure: t.medianNs / 1e6, cpu: t.cpuMedianNs / 1e6, unit: 'ms', target: 200, runs: t.runsNs.map((n) => n / 1e6) };
}

// ---------------------------------------------------------------- report

export function runEvalBenchmarks(scale = 1): Row[] {
  return [chatCase(Math.max(1, Math.round(2000 * scale))), rbacCase(Math.max(1, Math.round(50000 * scale))), compileCase()];
}

export function formatTable(rows: readonly Row[]): string {
  const fmt = (x: number, unit: string): string => `${x.toFixed(x < 10 ? 2 : 1)} ${unit}`;
  const cells = rows.map((r) => [r.name, fmt(r.figure, r.unit), fmt(r.cpu, r.unit), `≤ ${r.target} ${r.unit}`, r.figure <= r.target ? 'pass' : 'MISS']);
  const header = ['benchmark', 'median', 'cpu', 'target', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => x.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function main(): void {
  const scale = Number(process.env['BENCH_SCALE'] ?? '1');
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  try {
    const rows = runEvalBenchmarks(Number.isFinite(scale) && scale > 0 ? scale : 1);
    console.log(formatTable(rows));
    console.log('median: wall-clock time; cpu: CPU time of the process (far below the median on a busy machine); result judges the median');
    if (process.env['BENCH_VERBOSE']) {
      for (const r of rows) console.log(`${r.name}: runs ${r.runs.map((x) => x.toFixed(2)).join(', ')} ${r.unit}`);
    }
  } catch (e) {
    console.error(e instanceof BenchSetupError ? e.message : e);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
