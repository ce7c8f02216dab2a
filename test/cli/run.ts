import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { runCli } from '../../src/cli/program.js';

// Two ways to run the CLI. `railgate` runs the real entry point in a child process:
// bin/railgate.js when the build in dist/ is up to date with every source (as after
// `npm test`, which builds first), otherwise src/cli/main.ts through tsx's loader
// (absolute paths, so any working directory works). A process costs a second or
// more, so it checks the process contract (exit codes, stdout vs stderr, relative
// paths). `cli` runs the same command code in-process with captured streams, for
// the many detailed cases.

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(REPO, 'src/cli/main.ts');
const TSX = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
const BIN = join(REPO, 'bin/railgate.js');

/** True when every .ts file under src/ and grammar/ has a newer .js in dist/. */
function buildIsFresh(): boolean {
  const stack = ['src', 'grammar'];
  let seen = 0;
  while (stack.length > 0 && seen++ < 10_000) {
    const rel = stack.pop()!;
    for (const e of readdirSync(join(REPO, rel), { withFileTypes: true })) {
      const child = join(rel, e.name);
      if (e.isDirectory()) stack.push(child);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        const built = join(REPO, 'dist', child.replace(/\.ts$/, '.js'));
        if (!existsSync(built) || statSync(built).mtimeMs < statSync(join(REPO, child)).mtimeMs) return false;
      }
    }
  }
  return true;
}

let entry: string[] | undefined;
export function entryPoint(): string[] {
  entry ??= buildIsFresh() ? [BIN] : ['--import', TSX, MAIN];
  return entry;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function railgate(args: string[], cwd: string, env: Record<string, string> = {}, stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [...entryPoint(), ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 110_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(err);
          return;
        }
        resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
    // a command that reads standard input gets `stdin`; the others see it closed
    child.stdin?.end(stdin ?? '');
  });
}

/** A long-running railgate command (serve, watch, mock-upstream) in its own process. */
export interface Running {
  child: ChildProcess;
  /** everything it printed so far */
  out(): string;
  err(): string;
  exited: Promise<number | null>;
  /** resolves once `ready` matches stdout; rejects if the process exits first or after `timeoutMs` */
  ready(ready: RegExp | string, timeoutMs?: number): Promise<string>;
  /** SIGKILL when it is still running (for finally blocks) */
  kill(): void;
}

export function spawnRailgate(args: string[], cwd: string = REPO): Running {
  const child = spawn(process.execPath, [...entryPoint(), ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const matches = (r: RegExp | string): boolean => (typeof r === 'string' ? out.includes(r) : r.test(out));
  return {
    child,
    out: () => out,
    err: () => err,
    exited,
    ready: (r, timeoutMs = 50_000) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready within ${timeoutMs} ms:\n${out}${err}`)), timeoutMs);
        const check = (): void => {
          if (!matches(r)) return;
          clearTimeout(timer);
          resolve(out);
        };
        child.stdout!.on('data', check);
        check();
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`railgate ${args[0]} exited early (${code}):\n${out}${err}`));
        });
      }),
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** A temp dir with the given files (path → text); returns its path and a cleanup. */
export function fixture(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'railgate-cli-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The last non-empty line of output. */
export function lastLine(text: string): string {
  const lines = text.trimEnd().split('\n');
  return lines[lines.length - 1] ?? '';
}

/** The CLI in-process: same parsing and commands, streams captured. Paths should be absolute. */
export async function cli(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    errIsTTY: false,
    env,
    readStdin: () => Promise.resolve(stdin ?? ''),
  });
  return { code, stdout, stderr };
}
