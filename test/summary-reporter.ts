import { writeSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

// Ends the run with the plain line `N passed, N failed, N skipped` alone on the
// last line, the summary CI systems and `railgate test` users read.
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const m of modules) {
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++;
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failed++;
        else skipped++;
      }
    }
    const line = `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
    // after vitest's own summary, which it prints once every reporter has run
    process.once('exit', () => writeSync(1, `\n${line}\n`));
  }
}
