import { hasErrors } from '../../lang/diagnostics.js';
import { fromJSON } from '../../runtime/value.js';
import { coverageReport, createCoverageCollector } from '../../tester/coverage.js';
import { reportFailed, runTests } from '../../tester/runner.js';
import { loadOrReport } from '../common.js';
import { countLine, diagnosticToJSON, formatDiagnostics } from '../diagnostics-output.js';
import { EXIT_FAIL, EXIT_OK, UsageError, type CliIO } from '../io.js';
import { createProgress } from '../progress.js';
import { formatTestText, testReportJSON } from '../test-report.js';
import { compileSources, evaluatePath, testCases } from '../toolchain.js';

export interface TestOptions {
  verbose: boolean;
  run?: string;
  format: 'text' | 'json';
  coverage: boolean;
  timeout: number;
  data: string[];
}

/** Compiles the policies and runs their `test_*` rules; exit 1 on any failure. */
export async function runTest(io: CliIO, paths: string[], opts: TestOptions): Promise<number> {
  let filter: RegExp | undefined;
  if (opts.run !== undefined) {
    try {
      filter = new RegExp(opts.run);
    } catch (e) {
      throw new UsageError(`--run: invalid regular expression: ${(e as Error).message}`);
    }
  }
  // -d takes the same things as the paths (policies or data); it reads better on
  // the command line for data and matches `railgate eval -d`.
  const ws = await loadOrReport(io, { paths: [...paths, ...opts.data], allowData: true });
  if (typeof ws === 'number') return ws;
  if (ws.sources.size === 0) throw new UsageError(`no .gate files found in ${paths.join(', ')}`);

  const compiled = compileSources(ws.sources);
  if (!compiled.policy || hasErrors(compiled.diagnostics)) {
    if (opts.format === 'json') {
      io.out(`${JSON.stringify({ tests: [], diagnostics: compiled.diagnostics.map(diagnosticToJSON) }, null, 2)}\n`);
    } else {
      io.err(formatDiagnostics(compiled.diagnostics, ws.sources));
      io.err(`\n${countLine(compiled.diagnostics)}: no tests were run\n`);
    }
    return EXIT_FAIL;
  }
  if (compiled.diagnostics.length > 0 && opts.format === 'text') io.err(`${formatDiagnostics(compiled.diagnostics, ws.sources)}\n`);

  const policy = compiled.policy;
  const data = fromJSON(ws.data);
  const collector = opts.coverage ? createCoverageCollector() : undefined;
  const progress = createProgress(io, 'testing');
  const report = runTests(testCases(policy), {
    ...(filter ? { filter } : {}),
    evaluate: (t) =>
      evaluatePath(policy, t.path, { data, timeoutMs: opts.timeout, ...(collector ? { tracer: collector.hooks } : {}) }),
    onResult: (_r, done, total) => progress.update(done, total),
  });
  progress.done();
  if (filter && report.results.length === 0 && opts.format === 'text') io.err(`railgate: no tests match --run ${opts.run}\n`);

  const coverage = collector ? coverageReport(compiled.modules, collector.hits, collector.entered) : undefined;
  if (opts.format === 'json') {
    io.out(`${JSON.stringify(testReportJSON(report, coverage), null, 2)}\n`);
  } else {
    io.out(formatTestText(report, { verbose: opts.verbose, sources: ws.sources, ...(coverage ? { coverage } : {}) }));
  }
  return reportFailed(report) ? EXIT_FAIL : EXIT_OK;
}
