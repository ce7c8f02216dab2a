import { writeFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { hasErrors } from '../../lang/diagnostics.js';
import { describeFsError } from '../../loader/location.js';
import { loadOrReport } from '../common.js';
import { formatDiagnostics } from '../diagnostics-output.js';
import { unifiedDiff } from '../diff.js';
import { EXIT_ERROR, EXIT_FAIL, EXIT_OK, type CliIO } from '../io.js';
import { formatSource } from '../../lang/format.js';

export interface FmtOptions {
  write: boolean;
  check: boolean;
  diff: boolean;
}

/**
 * Formats policies. Exit 2 when a file does not parse (it is left untouched and
 * the others are still formatted), else 1 when --check found files to change.
 */
export async function runFmt(io: CliIO, paths: string[], opts: FmtOptions): Promise<number> {
  const ws = await loadOrReport(io, { paths });
  if (typeof ws === 'number') return ws;
  let broken = false;
  let changedCount = 0;
  for (const [file, text] of ws.sources) {
    const r = formatSource(text, file);
    if (r.output === undefined || hasErrors(r.diagnostics)) {
      broken = true;
      io.err(formatDiagnostics(r.diagnostics, ws.sources));
      continue;
    }
    const formatted = r.output;
    const changed = formatted !== text;
    if (changed) changedCount++;
    if (!opts.write && !opts.check && !opts.diff) {
      io.out(formatted);
      continue;
    }
    if (!changed) continue;
    if (opts.diff) {
      // git-style a/ b/ prefixes make the diff apply with `git apply` / `patch -p1`.
      const [a, b] = isAbsolute(file) ? [file, file] : [`a/${file}`, `b/${file}`];
      io.out(unifiedDiff(text, formatted, a, b));
    }
    else if (opts.check) io.out(`${file}\n`);
    if (opts.write) {
      try {
        await writeFile(file, formatted, 'utf8');
        io.out(`${file}\n`);
      } catch (e) {
        io.err(`railgate: ${describeFsError(file, e)}\n`);
        broken = true;
      }
    }
  }
  if (broken) return EXIT_ERROR;
  return opts.check && changedCount > 0 ? EXIT_FAIL : EXIT_OK;
}
