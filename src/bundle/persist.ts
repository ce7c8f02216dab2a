import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BundleError } from './errors.js';

// The last good bundle on disk, so a restart does not depend on the bundle server.
// Two files in the persist directory: the archive exactly as downloaded, and a small
// JSON sidecar (revision, ETag, when, where from, the archive's SHA-256). Each is
// written to a temp file, fsynced and renamed over the old one, so a reader (or a
// crash) sees the old file or the new one, never half of one. The archive is written
// before the sidecar; the sidecar's digest tells whether they belong together.
//
// Nothing read back from here is trusted: the caller verifies the archive with the
// same key as a download. The sidecar only carries the ETag for If-None-Match.

export const ARCHIVE_FILE = 'bundle.tar.gz';
export const SIDECAR_FILE = 'bundle.json';
/** The sidecar is a few hundred bytes; anything much larger is not ours. */
const MAX_SIDECAR_BYTES = 64 * 1024;

export interface PersistedMeta {
  revision: string;
  /** the ETag the server sent with this archive */
  etag?: string;
  /** ISO time of the write */
  saved_at: string;
  /**
   * where it came from: scheme, host and path (no credentials, no query, so a
   * presigned URL whose signature changes still names the same bundle)
   */
  source: string;
  /** hex SHA-256 of the archive bytes */
  sha256: string;
}

export interface PersistedBundle {
  bytes: Uint8Array;
  /** undefined when the sidecar is missing, unreadable, or describes other bytes */
  meta: PersistedMeta | undefined;
  /** why the sidecar was not used, when it was not */
  metaProblem?: string;
  path: string;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes `bytes` to `path` through a temp file in the same directory: fsync, rename. */
async function writeAtomic(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  const target = join(dir, name);
  const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let renamed = false;
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
    renamed = true;
  } finally {
    if (!renamed) await unlink(tmp).catch(() => undefined);
  }
}

/** Makes the renames themselves durable; not every platform can fsync a directory. */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // best effort: the files themselves were fsynced
  }
}

function ioError(what: string, path: string, e: unknown, hint: string): BundleError {
  const reason = e instanceof Error ? e.message : String(e);
  return new BundleError('bundle_io_error', `${what} ${path}: ${reason}`, { file: path, hint, cause: e });
}

/** Saves the archive and its sidecar in `dir` (created if missing); throws bundle_io_error. */
export async function savePersisted(dir: string, bytes: Uint8Array, meta: Omit<PersistedMeta, 'sha256'>): Promise<PersistedMeta> {
  const full: PersistedMeta = { ...meta, sha256: sha256Hex(bytes) };
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeAtomic(dir, ARCHIVE_FILE, bytes);
    await writeAtomic(dir, SIDECAR_FILE, new TextEncoder().encode(`${JSON.stringify(full, null, 2)}\n`));
    await syncDir(dir);
  } catch (e) {
    throw ioError('cannot persist the bundle to', dir, e, 'check that the persist directory is writable and the disk is not full');
  }
  return full;
}

function parseMeta(text: string): PersistedMeta | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `not JSON (${e instanceof Error ? e.message : String(e)})`;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not a JSON object';
  const o = v as Record<string, unknown>;
  for (const k of ['revision', 'saved_at', 'source', 'sha256'] as const) {
    if (typeof o[k] !== 'string') return `"${k}" is missing or not a string`;
  }
  if (o['etag'] !== undefined && typeof o['etag'] !== 'string') return '"etag" is not a string';
  return {
    revision: o['revision'] as string,
    ...(typeof o['etag'] === 'string' ? { etag: o['etag'] } : {}),
    saved_at: o['saved_at'] as string,
    source: o['source'] as string,
    sha256: o['sha256'] as string,
  };
}

/**
 * Reads the persisted archive from `dir`: undefined when there is none; throws
 * bundle_io_error when it cannot be read and bundle_too_large past `maxBytes`. A bad
 * sidecar is not an error (the archive is verified on its own): `meta` is undefined
 * and `metaProblem` says why.
 */
export async function loadPersisted(dir: string, maxBytes: number): Promise<PersistedBundle | undefined> {
  const path = join(dir, ARCHIVE_FILE);
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError('cannot read the persisted bundle', path, e, 'remove the file, or fix its permissions');
  }
  if (size > maxBytes) {
    throw new BundleError('bundle_too_large', `the persisted bundle ${path} is ${size} bytes, more than the limit of ${maxBytes}`, {
      file: path,
      hint: 'remove the file; the next download replaces it',
    });
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw ioError('cannot read the persisted bundle', path, e, 'remove the file, or fix its permissions');
  }
  const sidecar = join(dir, SIDECAR_FILE);
  let meta: PersistedMeta | undefined;
  let metaProblem: string | undefined;
  try {
    const st = await stat(sidecar);
    if (st.size > MAX_SIDECAR_BYTES) throw new Error(`larger than ${MAX_SIDECAR_BYTES} bytes`);
    const parsed = parseMeta(await readFile(sidecar, 'utf8'));
    if (typeof parsed === 'string') metaProblem = `${sidecar}: ${parsed}`;
    else if (parsed.sha256 !== sha256Hex(bytes)) metaProblem = `${sidecar} describes another archive (its SHA-256 differs)`;
    else meta = parsed;
  } catch (e) {
    metaProblem =
      (e as NodeJS.ErrnoException).code === 'ENOENT' ? `${sidecar} is missing` : `${sidecar}: ${e instanceof Error ? e.message : String(e)}`;
  }
  return { bytes, meta, path, ...(metaProblem !== undefined ? { metaProblem } : {}) };
}
