import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { resolveLimits, type ArchiveLimits } from './archive.js';
import { BundleError } from './errors.js';
import { MANIFEST_FILE, SIGNATURES_FILE } from './manifest.js';
import type { BundleFile } from './types.js';

// A bundle laid out in a directory, for development: the files an archive would
// hold, read under the same limits. Hidden entries and node_modules are skipped
// (except `.manifest` and `.signatures.json` at the top); a symbolic link is
// followed only when it resolves inside the directory; anything that is not a
// regular file or a directory (a FIFO, a socket, a device) is refused.

function ioError(message: string, file?: string, cause?: unknown): BundleError {
  return new BundleError('bundle_io_error', message, { ...(file !== undefined ? { file } : {}), ...(cause !== undefined ? { cause } : {}) });
}

function fsMessage(path: string, e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return `${path}: no such file or directory`;
  if (code === 'EACCES' || code === 'EPERM') return `${path}: permission denied`;
  if (code === 'ENOTDIR') return `${path}: not a directory`;
  return `${path}: ${e instanceof Error ? e.message : String(e)}`;
}

function skipped(name: string, atTop: boolean): boolean {
  if (atTop && (name === MANIFEST_FILE || name === SIGNATURES_FILE)) return false;
  return name.startsWith('.') || name === 'node_modules';
}

function tooLarge(message: string, file?: string): BundleError {
  return new BundleError('bundle_too_large', message, {
    ...(file !== undefined ? { file } : {}),
    hint: 'point railgate at the bundle directory itself, or raise the bundle size limits',
  });
}

/** Every file of the directory as bundle files (paths relative, '/'-separated, sorted per directory). */
export async function readDirFiles(dir: string, limits?: Partial<ArchiveLimits>): Promise<BundleFile[]> {
  const lim = resolveLimits(limits);
  let root: string;
  try {
    root = await realpath(dir);
    if (!(await stat(root)).isDirectory()) throw ioError(`${dir}: not a directory`, dir);
  } catch (e) {
    if (e instanceof BundleError) throw e;
    throw ioError(fsMessage(dir, e), dir, e);
  }
  const inside = (real: string): boolean => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);

  const files: BundleFile[] = [];
  const seenDirs = new Set<string>([root]);
  let entries = 0;
  let total = 0;
  // explicit stack, depth-first, names in order, so the result does not depend on readdir order
  const stack: Array<{ disk: string; rel: string }> = [{ disk: root, rel: '' }];
  while (stack.length > 0) {
    const { disk, rel } = stack.pop()!;
    let list: Dirent[];
    try {
      list = await readdir(disk, { withFileTypes: true });
    } catch (e) {
      throw ioError(fsMessage(join(dir, rel), e), rel || dir, e);
    }
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: Array<{ disk: string; rel: string }> = [];
    for (const entry of list) {
      if (skipped(entry.name, rel === '')) continue;
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const childDisk = join(disk, entry.name);
      entries++;
      if (entries > lim.maxEntries) throw tooLarge(`${dir} has more than ${lim.maxEntries} entries`);
      if (entry.name.includes('\\')) {
        throw new BundleError('bundle_unsafe_entry', `${childRel}: the name contains a backslash`, { file: childRel });
      }
      let real = childDisk;
      if (entry.isSymbolicLink()) {
        try {
          real = await realpath(childDisk);
        } catch (e) {
          throw new BundleError('bundle_unsafe_entry', `${childRel}: a symbolic link that does not resolve`, { file: childRel, cause: e });
        }
        if (!inside(real)) {
          throw new BundleError('bundle_unsafe_entry', `${childRel}: a symbolic link to ${real}, outside ${dir}`, {
            file: childRel,
            hint: 'copy the file into the bundle directory instead of linking to it',
          });
        }
      }
      let s;
      try {
        s = await stat(real);
      } catch (e) {
        throw ioError(fsMessage(join(dir, childRel), e), childRel, e);
      }
      if (s.isDirectory()) {
        // a link back up the tree would otherwise be walked forever
        if (seenDirs.has(real)) continue;
        seenDirs.add(real);
        subdirs.push({ disk: real, rel: childRel });
        continue;
      }
      if (!s.isFile()) {
        throw new BundleError('bundle_unsafe_entry', `${childRel}: not a regular file; a bundle may hold only files and directories`, {
          file: childRel,
        });
      }
      if (s.size > lim.maxFileBytes) throw tooLarge(`${childRel} is ${s.size} bytes, more than the ${lim.maxFileBytes}-byte limit for one file`, childRel);
      if (total + s.size > lim.maxTotalBytes) throw tooLarge(`the files add up to more than the ${lim.maxTotalBytes}-byte limit (at ${childRel})`, childRel);
      let bytes: Buffer;
      try {
        bytes = await readFile(real);
      } catch (e) {
        throw ioError(fsMessage(join(dir, childRel), e), childRel, e);
      }
      // the file may have grown since stat
      if (bytes.length > lim.maxFileBytes || total + bytes.length > lim.maxTotalBytes) {
        throw tooLarge(`${childRel} grew past the size limit while it was read`, childRel);
      }
      total += bytes.length;
      files.push({ path: childRel, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    }
    // reversed onto the stack so that the first directory is walked first
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
  return files;
}
