import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BundleError } from './errors.js';
import { sha256Hex } from './persist.js';

// A cheap watch for a local bundle (development): a fingerprint of sizes and
// modification times, compared between polls, so an unchanged file or directory is
// not read, verified and compiled again every second. A directory's own mtime does
// not change when a file inside it is edited, so the walk covers every entry the
// directory reader (dir.ts) would read.

/** More entries than any bundle directory has; past it the fingerprint gives up. */
const MAX_ENTRIES = 20_000;
const MAX_DEPTH = 32;
/** hidden files the directory reader takes (dir.ts) */
const TOP_LEVEL = new Set(['.manifest', '.signatures.json']);

export interface LocalFingerprint {
  kind: 'file' | 'directory';
  /** equal fingerprints: nothing changed that a stat can see */
  fingerprint: string;
  /** the file's size (directories: the sum of their files) */
  size: number;
}

function statLine(rel: string, st: { size: number; mtimeMs: number; ino: number; mode: number }): string {
  return `${rel}\0${st.mode}\0${st.size}\0${st.mtimeMs}\0${st.ino}`;
}

/** Throws bundle_io_error when the path cannot be read. */
export async function fingerprintLocal(path: string): Promise<LocalFingerprint> {
  const fail = (e: unknown): BundleError =>
    new BundleError(
      'bundle_io_error',
      `cannot read the bundle at ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : e instanceof Error ? e.message : String(e)}`,
      { file: path, hint: 'give an existing .tar.gz file or bundle directory', cause: e },
    );
  let root;
  try {
    root = await lstat(path);
    // the path given may itself be a link to the bundle; entries inside may not
    if (root.isSymbolicLink()) root = await stat(path);
  } catch (e) {
    throw fail(e);
  }
  if (root.isFile()) return { kind: 'file', fingerprint: statLine('', root), size: root.size };
  if (!root.isDirectory()) throw fail(new Error('not a regular file or a directory'));

  const lines: string[] = [];
  let size = 0;
  const stack: { dir: string; rel: string; depth: number }[] = [{ dir: path, rel: '', depth: 0 }];
  try {
    while (stack.length > 0) {
      const { dir, rel, depth } = stack.pop()!;
      const names = (await readdir(dir)).sort();
      for (const name of names) {
        if (lines.length >= MAX_ENTRIES) {
          throw new BundleError('bundle_too_large', `the bundle directory ${path} has more than ${MAX_ENTRIES} entries`, {
            file: path,
            hint: 'point the client at the bundle directory itself, not a parent',
          });
        }
        // the entries the directory reader skips cannot change the bundle
        if ((name.startsWith('.') && !(rel === '' && TOP_LEVEL.has(name))) || name === 'node_modules') continue;
        const childRel = rel === '' ? name : `${rel}/${name}`;
        // a link the reader follows changes the bundle when its target does
        const st = await stat(join(dir, name)).catch(() => lstat(join(dir, name)));
        lines.push(statLine(childRel, st));
        if (st.isFile()) size += st.size;
        if (st.isDirectory() && depth < MAX_DEPTH) stack.push({ dir: join(dir, name), rel: childRel, depth: depth + 1 });
      }
    }
  } catch (e) {
    if (e instanceof BundleError) throw e;
    throw fail(e);
  }
  return { kind: 'directory', fingerprint: sha256Hex(lines.join('\n')), size };
}
