import { describe, expect, it } from 'vitest';
import { countLine, formatDiagnostics } from '../../src/cli/diagnostics-output.js';
import { createProgress } from '../../src/cli/progress.js';
import { formatDuration, formatTestText } from '../../src/cli/test-report.js';
import { error } from '../../src/lang/diagnostics.js';
import type { TestReport } from '../../src/tester/types.js';

const at = (file: string, line: number, col: number) => ({ file, line, col, endLine: line, endCol: col + 1, offset: 0, endOffset: 1 });

describe('countLine', () => {
  it('counts errors, files and warnings', () => {
    const e1 = error('unsafe_var', 'x', at('a.gate', 1, 1));
    const e2 = error('parse_error', 'y', at('b.gate', 2, 1));
    const w = { ...error('rule_error', 'z', at('a.gate', 3, 1)), severity: 'warning' as const };
    expect(countLine([e1])).toBe('1 error in 1 file');
    expect(countLine([e1, e2, w])).toBe('2 errors in 2 files, 1 warning');
    expect(countLine([w])).toBe('1 warning');
  });
});

describe('formatDiagnostics', () => {
  it('sorts by file, line and column and separates them with a blank line', () => {
    const text = formatDiagnostics(
      [error('unsafe_var', 'second', at('b.gate', 1, 1)), error('unsafe_var', 'third', at('b.gate', 2, 1)), error('unsafe_var', 'first', at('a.gate', 9, 1))],
      new Map(),
    );
    expect(text).toBe('a.gate:9:1: unsafe_var: first\n\nb.gate:1:1: unsafe_var: second\n\nb.gate:2:1: unsafe_var: third\n');
  });
});

describe('formatDuration', () => {
  it('uses µs below a millisecond, ms below a second', () => {
    expect(formatDuration(850_000n)).toBe('850µs');
    expect(formatDuration(1_234_567n)).toBe('1.2ms');
    expect(formatDuration(2_500_000_000n)).toBe('2.50s');
  });
});

describe('formatTestText', () => {
  it('prints only the summary line when everything passed', () => {
    const report: TestReport = {
      results: [{ name: 'data.a.test_x', file: 'a.gate', line: 3, status: 'pass', durationNs: 5000n }],
      summary: { passed: 1, failed: 0, errored: 0, skipped: 0, total: 1 },
    };
    expect(formatTestText(report, { verbose: false, sources: new Map() })).toBe('1 passed, 0 failed\n');
    expect(formatTestText(report, { verbose: true, sources: new Map() })).toBe(
      `a.gate:\n  PASS   data.a.test_x (5µs)\n\n${'-'.repeat(72)}\n1 passed, 0 failed\n`,
    );
  });
});

describe('progress', () => {
  it('draws on a terminal for large runs only, and clears its line', () => {
    let err = '';
    const io = { out: () => undefined, err: (t: string) => void (err += t), env: {}, errIsTTY: true, readStdin: () => Promise.resolve('') };
    const small = createProgress(io, 'loading');
    for (let i = 1; i <= 200; i++) small.update(i, 200);
    small.done();
    expect(err).toBe('');
    const big = createProgress(io, 'loading');
    for (let i = 1; i <= 1000; i++) big.update(i, 1000);
    big.done();
    expect(err.startsWith('\rloading 10/1000')).toBe(true);
    expect(err).toContain('\rloading 1000/1000');
    expect(err.endsWith('\r\x1b[K')).toBe(true);
    expect(err.split('\r').length).toBeLessThan(110);
    let piped = '';
    const notty = createProgress({ ...io, errIsTTY: false, err: (t: string) => void (piped += t) }, 'loading');
    for (let i = 1; i <= 1000; i++) notty.update(i, 1000);
    expect(piped).toBe('');
  });
});
