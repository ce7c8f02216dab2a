import { createGunzip, gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { BundleError } from './errors.js';
import type { BundleFile } from './types.js';

// The bundle's container: a gzipped tar, read and written in memory. Reading is the
// gateway's first contact with bytes from the network, so it trusts nothing: the
// decompressed stream is counted while it inflates (a gzip bomb stops at the limit,
// it is never inflated whole), and every entry must be a regular file (or a
// directory, skipped) whose name stays inside the bundle. Nothing is written to disk.

export interface ArchiveLimits {
  /** the largest single file */
  maxFileBytes: number;
  /** all files together */
  maxTotalBytes: number;
  /** tar entries, directories included */
  maxEntries: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxFileBytes: 64 * MiB,
  maxTotalBytes: 256 * MiB,
  maxEntries: 10_000,
});

/**
 * Tar framing around the file bytes: a 512-byte header and up to 511 bytes of
 * padding per entry, plus room for pax or GNU long-name records. The inflated
 * stream may exceed the file bytes by this much per entry and no more.
 */
const FRAMING_PER_ENTRY = 4096;
const FRAMING_FIXED = 64 * 1024;

/** The most bytes the gzip stream may inflate to under these limits. */
export function maxInflatedBytes(limits: ArchiveLimits): number {
  return limits.maxTotalBytes + limits.maxEntries * FRAMING_PER_ENTRY + FRAMING_FIXED;
}

export function resolveLimits(limits: Partial<ArchiveLimits> = {}): ArchiveLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const key of ['maxFileBytes', 'maxTotalBytes', 'maxEntries'] as const) {
    const v = limits[key];
    if (v === undefined) continue;
    if (!Number.isSafeInteger(v) || v <= 0) throw new RangeError(`archive limit ${key} must be a positive integer, got ${String(v)}`);
    out[key] = v;
  }
  return out;
}

export type EntryPath = { ok: true; path: string } | { ok: false; reason: string };

/**
 * A tar entry name as a bundle path: OPA's single leading '/' and any '.' segments
 * dropped ('/x', './x', 'a/./b' → 'x', 'x', 'a/b'); a trailing '/' (directories)
 * dropped. Refused: '..' segments, names that stay absolute after that ('//x',
 * 'C:x'), backslashes (a Windows separator: 'a\\..\\b' means something else
 * there), empty segments ('a//b'), control characters. '' is the bundle root.
 */
export function normalizeEntryPath(name: string): EntryPath {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return { ok: false, reason: 'the name contains a control character' };
  if (name.includes('\\')) return { ok: false, reason: 'the name contains a backslash' };
  let rest = name.startsWith('/') ? name.slice(1) : name;
  if (rest.startsWith('/')) return { ok: false, reason: 'the path is absolute' };
  if (/^[A-Za-z]:/.test(rest)) return { ok: false, reason: 'the path starts with a drive letter' };
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (rest === '') return { ok: true, path: '' };
  const segments: string[] = [];
  for (const segment of rest.split('/')) {
    if (segment === '..') return { ok: false, reason: "the path has a '..' segment" };
    if (segment === '') return { ok: false, reason: 'the path has an empty segment' };
    if (segment !== '.') segments.push(segment);
  }
  return { ok: true, path: segments.join('/') };
}

function unsafe(name: string, reason: string, hint?: string): BundleError {
  return new BundleError('bundle_unsafe_entry', `archive entry ${JSON.stringify(name)}: ${reason}`, {
    file: name,
    hint: hint ?? 'rebuild the bundle with `railgate build` or `opa build`',
  });
}

function tooLarge(message: string, file?: string): BundleError {
  return new BundleError('bundle_too_large', message, {
    ...(file !== undefined ? { file } : {}),
    hint: 'a bundle this large is unexpected; if it is genuine, raise the bundle size limits',
  });
}

function describeEntryType(type: string | null | undefined): string {
  switch (type) {
    case 'symlink':
      return 'a symbolic link';
    case 'link':
      return 'a hard link';
    case 'character-device':
    case 'block-device':
      return 'a device';
    case 'fifo':
      return 'a FIFO';
    case 'contiguous-file':
      return 'a contiguous file (type 7)';
    default:
      return `an entry of unknown type ${JSON.stringify(type ?? 'unknown')}`;
  }
}

/** Turns what zlib and tar-stream throw into an archive error that says which. */
function archiveError(e: unknown): BundleError {
  if (e instanceof BundleError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(message)) {
    return new BundleError('bundle_archive_error', 'the gzip stream is truncated', {
      hint: 'the download was cut short or the file is incomplete; fetch it again',
      cause: e,
    });
  }
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new BundleError('bundle_archive_error', `the gzip data is corrupt (${message})`, {
      hint: 'the bundle is damaged; rebuild or download it again',
      cause: e,
    });
  }
  if (/unexpected end of data/i.test(message)) {
    return new BundleError('bundle_archive_error', 'the tar archive is truncated', {
      hint: 'the archive ends inside an entry; rebuild the bundle',
      cause: e,
    });
  }
  return new BundleError('bundle_archive_error', `not a valid tar archive inside the gzip stream (${message})`, {
    hint: 'a bundle is a gzipped tar (.tar.gz) as `railgate build` or `opa build` writes it',
    cause: e,
  });
}

function looksLikeTar(bytes: Uint8Array): boolean {
  return bytes.length >= 262 && new TextDecoder().decode(bytes.subarray(257, 262)) === 'ustar';
}

/** The inflated stream, failing as soon as it passes maxBytes. */
async function* inflate(bytes: Uint8Array, maxBytes: number): AsyncGenerator<Buffer> {
  const gunzip = createGunzip();
  // zlib's stream respects backpressure, so handing it the whole input inflates
  // only as fast as the tar parser consumes it.
  gunzip.end(bytes);
  let total = 0;
  for await (const chunk of gunzip as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      throw tooLarge(`the bundle decompresses to more than ${maxBytes} bytes (gzip bomb?)`);
    }
    yield chunk;
  }
}

/**
 * Every regular file of a gzipped tar, in archive order, paths normalized (no
 * leading '/'). Directory entries are checked and skipped. Throws BundleError:
 * `bundle_archive_error` (not gzip, corrupt, truncated), `bundle_unsafe_entry`
 * (links, devices, '..', absolute or duplicate names), `bundle_too_large`.
 */
export async function readArchive(bytes: Uint8Array, limits?: Partial<ArchiveLimits>): Promise<BundleFile[]> {
  const lim = resolveLimits(limits);
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new BundleError('bundle_archive_error', 'not a gzip file', {
      hint: looksLikeTar(bytes)
        ? 'this is an uncompressed tar; bundles are gzipped (.tar.gz)'
        : 'a bundle is a gzipped tar (.tar.gz) as `railgate build` or `opa build` writes it',
    });
  }

  const extract = tar.extract();
  let stopped = false;
  const waitForDrain = (): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        extract.off('drain', done);
        extract.off('close', done);
        resolve();
      };
      extract.on('drain', done);
      extract.on('close', done);
    });
  // The producer: inflate into the tar parser. Its failures reach the consumer
  // below as the parser's error.
  const pump = (async (): Promise<void> => {
    try {
      for await (const chunk of inflate(bytes, maxInflatedBytes(lim))) {
        if (stopped || extract.destroyed) return;
        if (!extract.write(chunk)) await waitForDrain();
      }
      if (!stopped && !extract.destroyed) extract.end(null);
    } catch (e) {
      extract.destroy(e instanceof Error ? e : new Error(String(e)));
    }
  })();

  const files: BundleFile[] = [];
  const filePaths = new Set<string>();
  const dirPaths = new Set<string>();
  let entries = 0;
  let total = 0;
  try {
    for await (const entry of extract) {
      const header = entry.header;
      entries++;
      if (entries > lim.maxEntries) throw tooLarge(`the archive has more than ${lim.maxEntries} entries`);
      const name = header.name;
      const normalized = normalizeEntryPath(name);
      if (!normalized.ok) throw unsafe(name, normalized.reason);
      const path = normalized.path;

      if (header.type === 'directory') {
        if (path !== '' && filePaths.has(path)) throw unsafe(name, `${path} is both a file and a directory`);
        if (path !== '') dirPaths.add(path);
        entry.resume();
        continue;
      }
      if (header.type !== 'file') {
        throw unsafe(name, `${describeEntryType(header.type)}; a bundle may hold only regular files and directories`);
      }
      if (path === '') throw unsafe(name, 'a file entry without a name');
      if (filePaths.has(path)) throw unsafe(name, `a second entry named ${path}`, 'each file may appear once in a bundle');
      if (dirPaths.has(path)) throw unsafe(name, `${path} is both a file and a directory`);
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const parent = parts.slice(0, i).join('/');
        if (filePaths.has(parent)) throw unsafe(name, `${parent} is both a file and a directory`);
        dirPaths.add(parent);
      }

      const size = header.size ?? 0;
      if (size > lim.maxFileBytes) {
        throw tooLarge(`${path} is ${size} bytes, more than the ${lim.maxFileBytes}-byte limit for one file`, path);
      }
      if (total + size > lim.maxTotalBytes) {
        throw tooLarge(`the files add up to more than the ${lim.maxTotalBytes}-byte limit (at ${path})`, path);
      }
      const chunks: Buffer[] = [];
      let read = 0;
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        read += chunk.length;
        // tar-stream delivers header.size bytes; counted anyway, so a parser bug
        // cannot turn into unbounded memory
        if (read > size) throw tooLarge(`${path} is longer than its header says`, path);
        chunks.push(chunk);
      }
      total += read;
      filePaths.add(path);
      const buf = Buffer.concat(chunks, read);
      files.push({ path, bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) });
    }
  } catch (e) {
    stopped = true;
    extract.destroy();
    await pump;
    throw archiveError(e);
  }
  await pump;
  return files;
}

/** Tar headers that do not vary: the same files always give the same bytes. */
const FIXED_HEADER = { mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', mtime: new Date(0) } as const;

/** gzip's OS byte; zlib writes the build platform's, which would make output vary by OS. */
const GZIP_OS_UNIX = 3;

/**
 * A gzipped tar of the files, in the order given, named as OPA names them
 * ('/data.json', '/.manifest'). Deterministic: fixed mode, owner and mtime, no
 * directory entries, a fixed gzip header.
 */
export async function writeArchive(files: readonly BundleFile[]): Promise<Uint8Array> {
  const seen = new Set<string>();
  for (const f of files) {
    const n = normalizeEntryPath(f.path);
    if (!n.ok || n.path !== f.path || f.path === '') {
      throw new BundleError('bundle_unsafe_entry', `cannot write ${JSON.stringify(f.path)} into a bundle: ${n.ok ? 'not a normalized path' : n.reason}`, {
        file: f.path,
      });
    }
    if (seen.has(f.path)) throw new BundleError('bundle_unsafe_entry', `cannot write ${f.path} into a bundle twice`, { file: f.path });
    seen.add(f.path);
  }
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  })();
  for (const f of files) {
    await new Promise<void>((resolve, reject) => {
      pack.entry({ ...FIXED_HEADER, name: `/${f.path}`, type: 'file', size: f.bytes.length }, Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength), (err) =>
        err ? reject(err) : resolve(),
      );
    });
  }
  pack.finalize();
  await collected;
  const gz = gzipSync(Buffer.concat(chunks), { level: 9 });
  gz[9] = GZIP_OS_UNIX;
  return new Uint8Array(gz.buffer, gz.byteOffset, gz.byteLength);
}
