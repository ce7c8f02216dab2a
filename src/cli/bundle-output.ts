import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DEFAULT_LIMITS, maxInflatedBytes } from '../bundle/archive.js';
import { BundleError } from '../bundle/errors.js';
import { EXIT_ERROR, EXIT_FAIL, UsageError, type CliIO } from './io.js';

// What the bundle commands (build, sign, verify, inspect) share: reading and
// writing bundle files, sizes for people, and showing a BundleError with the exit
// status it deserves: 2 when the key or a file could not be read, 1 when the
// bundle (or the policies going into it) was rejected.

/** A compressed bundle larger than this cannot inflate within the default limits anyway. */
export const MAX_BUNDLE_FILE_BYTES = maxInflatedBytes(DEFAULT_LIMITS);

export function bundleExitCode(e: BundleError): number {
  return e.code === 'bundle_key_error' || e.code === 'bundle_io_error' ? EXIT_ERROR : EXIT_FAIL;
}

/** `railgate: <prefix><message>` and its hint; returns the exit status. */
export function reportBundleError(io: CliIO, e: BundleError, prefix = ''): number {
  io.err(`railgate: ${prefix}${e.message}\n`);
  if (e.hint) io.err(`  hint: ${e.hint}\n`);
  return bundleExitCode(e);
}

/** Reads a bundle archive from disk; a missing or oversized file is a usage error (exit 2). */
export async function readBundleFile(path: string): Promise<Uint8Array> {
  let size: number;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new UsageError(`${path}: is a directory, not a bundle archive`, 'give the .tar.gz file that `railgate build` wrote');
    size = s.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(fsMessage(path, e));
  }
  if (size > MAX_BUNDLE_FILE_BYTES) {
    throw new UsageError(`${path} is ${formatSize(size)}, larger than any bundle railgate reads (${formatSize(MAX_BUNDLE_FILE_BYTES)})`);
  }
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new UsageError(fsMessage(path, e));
  }
}

function fsMessage(path: string, e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return `${path}: no such file or directory`;
  if (code === 'EACCES' || code === 'EPERM') return `${path}: permission denied`;
  if (code === 'EISDIR') return `${path}: is a directory`;
  return `${path}: ${e instanceof Error ? e.message : String(e)}`;
}

/**
 * Writes the file through a temporary file in the same directory and a rename, so
 * a reader (a bundle server, the proxy watching the file) never sees half of it.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, bytes, { flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw new UsageError(`cannot write ${path}: ${fsMessage(path, e).replace(`${path}: `, '')}`);
  }
}

/** `812 B`, `12.3 KiB`, `4.0 MiB` */
export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Reads --claims-file: a JSON object of extra claims for the signature's payload. */
export async function readClaimsFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--claims-file: ${fsMessage(path, e)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--claims-file: ${path} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`--claims-file: ${path} must hold a JSON object`, 'e.g. {"iss": "ci.example.com"}');
  }
  return value as Record<string, unknown>;
}

/** Progress lines on a terminal only, each replacing the last; done() clears it. */
export function statusLine(io: CliIO): { show(msg: string): void; done(): void } {
  let shown = false;
  return {
    show(msg) {
      if (!io.errIsTTY) return;
      shown = true;
      io.err(`\r\x1b[K${msg}…`);
    },
    done() {
      if (shown) io.err('\r\x1b[K');
      shown = false;
    },
  };
}
