import { hasErrors } from '../../lang/diagnostics.js';
import { loadOrReport } from '../common.js';
import { countLine, diagnosticToJSON, formatDiagnostics, plural } from '../diagnostics-output.js';
import { EXIT_FAIL, EXIT_OK, UsageError, type CliIO } from '../io.js';
import { compileSources } from '../toolchain.js';

export interface CheckOptions {
  format: 'text' | 'json';
}

/** Parses and compiles every policy under paths; exit 1 on any error. */
export async function runCheck(io: CliIO, paths: string[], opts: CheckOptions): Promise<number> {
  const ws = await loadOrReport(io, { paths });
  if (typeof ws === 'number') return ws;
  if (ws.sources.size === 0) throw new UsageError(`no .gate files found in ${paths.join(', ')}`);
  const compiled = compileSources(ws.sources);
  const failed = hasErrors(compiled.diagnostics);
  const files = ws.sources.size;
  const rules = compiled.modules.reduce((n, m) => n + m.rules.length, 0);
  if (opts.format === 'json') {
    const errors = compiled.diagnostics.filter((d) => d.severity === 'error').length;
    const report = {
      ok: !failed,
      files,
      rules,
      errors,
      warnings: compiled.diagnostics.length - errors,
      diagnostics: compiled.diagnostics.map(diagnosticToJSON),
    };
    io.out(`${JSON.stringify(report, null, 2)}\n`);
    return failed ? EXIT_FAIL : EXIT_OK;
  }
  const shown = formatDiagnostics(compiled.diagnostics, ws.sources);
  if (shown) io.out(`${shown}\n`);
  if (failed) {
    io.out(`${countLine(compiled.diagnostics)}\n`);
    return EXIT_FAIL;
  }
  const warnings = compiled.diagnostics.length > 0 ? `, ${countLine(compiled.diagnostics)}` : '';
  io.out(`ok: ${plural(files, 'file')}, ${plural(rules, 'rule')}${warnings}\n`);
  return EXIT_OK;
}
