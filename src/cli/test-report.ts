import type { DiagnosticCode, Sources } from '../lang/diagnostics.js';
import { formatDiagnostic } from '../lang/diagnostics.js';
import { toRegoString } from '../runtime/value.js';
import { formatLineRanges, formatPercent, type CoverageReport } from '../tester/coverage.js';
import { summaryLine } from '../tester/runner.js';
import type { TestReport, TestResult, TestStatus } from '../tester/types.js';

// How `railgate test` shows its results: failing tests (all with -v) grouped by
// file, coverage per file, and the `N passed, N failed` line last of all.

const LABEL: Record<TestStatus, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skip: 'SKIP' };

/** `850µs`, `1.2ms`, `2.5s` */
export function formatDuration(ns: bigint): string {
  const n = Number(ns);
  if (n < 1e6) return `${Math.round(n / 1e3)}µs`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)}ms`;
  return `${(n / 1e9).toFixed(2)}s`;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => (l ? prefix + l : l))
    .join('\n');
}

function detail(r: TestResult, sources: Sources): string | undefined {
  if (r.status === 'fail') return r.value === undefined ? 'result: undefined' : `result: ${toRegoString(r.value)}`;
  if (r.status === 'error' && r.error) {
    return formatDiagnostic(
      { code: r.error.code as DiagnosticCode, severity: 'error', message: r.error.message, ...(r.error.loc ? { loc: r.error.loc } : {}) },
      sources,
    );
  }
  return undefined;
}

export interface TextOptions {
  verbose: boolean;
  sources: Sources;
  coverage?: CoverageReport;
}

/** The whole text report; its last line is the summary line. */
export function formatTestText(report: TestReport, opts: TextOptions): string {
  const shown = report.results.filter((r) => opts.verbose || r.status === 'fail' || r.status === 'error');
  const byFile = new Map<string, TestResult[]>();
  for (const r of shown) {
    const list = byFile.get(r.file);
    if (list) list.push(r);
    else byFile.set(r.file, [r]);
  }
  const out: string[] = [];
  for (const [file, results] of byFile) {
    out.push(`${file}:`);
    for (const r of results) {
      const time = r.status === 'skip' ? '' : ` (${formatDuration(r.durationNs)})`;
      out.push(`  ${LABEL[r.status].padEnd(5)}  ${r.name}${time}`);
      const more = detail(r, opts.sources);
      if (more) out.push(indent(more, '         '));
    }
    out.push('');
  }
  if (opts.coverage) out.push(...formatCoverageText(opts.coverage), '');
  if (out.length > 0) out.push('-'.repeat(72));
  out.push(summaryLine(report.summary));
  return `${out.join('\n')}\n`;
}

/** `policies/chat.gate: 87.5% (35/40 lines), not covered: 12-14, 30` per file, then the total. */
export function formatCoverageText(cov: CoverageReport): string[] {
  const lines = cov.files.map((f) => {
    const total = f.covered.length + f.notCovered.length;
    const missing = f.notCovered.length > 0 ? `, not covered: ${formatLineRanges(f.notCovered)}` : '';
    return `${f.file}: ${formatPercent(f.percent)}% (${f.covered.length}/${total} lines)${missing}`;
  });
  lines.push(`coverage: ${formatPercent(cov.percent)}% (${cov.covered}/${cov.coverable} lines)`);
  return lines;
}

export function testReportJSON(report: TestReport, coverage?: CoverageReport): unknown {
  return {
    tests: report.results.map((r) => ({
      name: r.name,
      file: r.file,
      line: r.line,
      status: r.status,
      duration_ns: Number(r.durationNs),
      error: r.error
        ? {
            code: r.error.code,
            message: r.error.message,
            location: r.error.loc ? { file: r.error.loc.file, line: r.error.loc.line, col: r.error.loc.col } : null,
          }
        : null,
    })),
    summary: { ...report.summary },
    ...(coverage
      ? {
          coverage: {
            files: coverage.files.map((f) => ({
              file: f.file,
              covered_lines: f.covered,
              not_covered_lines: f.notCovered,
              coverage_percent: Number(f.percent.toFixed(2)),
            })),
            covered: coverage.covered,
            coverable: coverage.coverable,
            coverage_percent: Number(coverage.percent.toFixed(2)),
          },
        }
      : {}),
  };
}
