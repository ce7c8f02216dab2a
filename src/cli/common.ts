import { InvalidArgumentError } from 'commander';
import { loadWorkspace, type Workspace } from '../loader/index.js';
import { formatDiagnostics } from './diagnostics-output.js';
import { EXIT_ERROR, type CliIO } from './io.js';
import { createProgress } from './progress.js';

// Pieces every command shares: repeatable options, numeric options, and loading
// the workspace with load errors shown the same way everywhere.

/** How a command's action reports its exit code to runCli. */
export type SetCode = (code: number) => void;

/** The "Examples:" block of a command's --help. */
export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function parsePositiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) {
      throw new InvalidArgumentError(`${name} must be a positive whole number, got "${value}"`);
    }
    return n;
  };
}

/**
 * Loads policies and data; when anything could not be read or parsed as data,
 * prints why (to stderr) and returns the exit code to stop with.
 */
export async function loadOrReport(
  io: CliIO,
  opts: { paths: readonly string[]; dataFiles?: readonly string[]; allowData?: boolean },
): Promise<Workspace | number> {
  const progress = createProgress(io, 'loading');
  const ws = await loadWorkspace({ ...opts, onProgress: (d, t) => progress.update(d, t) });
  progress.done();
  if (ws.diagnostics.length === 0) return ws;
  const located = ws.diagnostics.filter((d) => d.loc);
  for (const d of ws.diagnostics.filter((d) => !d.loc)) {
    io.err(`railgate: ${d.message}\n`);
    if (d.hint) io.err(`  hint: ${d.hint}\n`);
  }
  if (located.length > 0) io.err(formatDiagnostics(located, new Map([...ws.sources, ...ws.dataSources])));
  return EXIT_ERROR;
}
