import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { Diagnostic } from '../lang/diagnostics.js';
import { describeFsError, ioError } from './location.js';

// Finding the files a command works on: every `.gate` file under the directories
// given (recursively), plus files named explicitly. Hidden entries and
// node_modules are skipped when walking, never when named explicitly.

export type FileKind = 'policy' | 'data';

export interface FoundFile {
  /** the path to show the user: relative when the argument was relative */
  path: string;
  kind: FileKind;
}

export interface Discovery {
  files: FoundFile[];
  diagnostics: Diagnostic[];
}

export interface DiscoverOptions {
  /** accept explicitly named .json/.yaml/.yml files as data documents */
  allowData?: boolean;
  /** stop with an error past this many files (guards against walking `/`) */
  maxFiles?: number;
}

export const POLICY_EXT = '.gate';
const DATA_EXTS = new Set(['.json', '.yaml', '.yml']);
const DEFAULT_MAX_FILES = 100_000;

export function isDataFile(path: string): boolean {
  return DATA_EXTS.has(extname(path).toLowerCase());
}

export function isPolicyFile(path: string): boolean {
  return extname(path) === POLICY_EXT;
}

function skippedWhenWalking(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

export async function discoverFiles(paths: readonly string[], opts: DiscoverOptions = {}): Promise<Discovery> {
  const maxFiles = opts.maxFiles ?? DEFAULT_MAX_FILES;
  const files: FoundFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  let overflow = false;

  const add = async (path: string, kind: FileKind): Promise<void> => {
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      real = path;
    }
    if (seenFiles.has(real)) return;
    if (files.length >= maxFiles) {
      overflow = true;
      return;
    }
    seenFiles.add(real);
    files.push({ path, kind });
  };

  const walk = async (dir: string): Promise<void> => {
    let real: string;
    try {
      real = await realpath(dir);
    } catch (e) {
      diagnostics.push(ioError(describeFsError(dir, e)));
      return;
    }
    // A symlink back up the tree would otherwise walk forever.
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      diagnostics.push(ioError(describeFsError(dir, e)));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (overflow) return;
      if (skippedWhenWalking(entry.name)) continue;
      const child = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const s = await stat(child);
          isDir = s.isDirectory();
          isFile = s.isFile();
        } catch {
          continue; // a dangling link inside a tree is not the user's request
        }
      }
      if (isDir) await walk(child);
      else if (isFile && isPolicyFile(entry.name)) await add(child, 'policy');
    }
  };

  for (const given of paths) {
    if (overflow) break;
    const path = normalize(given);
    let s;
    try {
      s = await stat(path);
    } catch (e) {
      diagnostics.push(ioError(describeFsError(given, e)));
      continue;
    }
    if (s.isDirectory()) {
      await walk(path);
    } else if (isPolicyFile(path)) {
      await add(path, 'policy');
    } else if (isDataFile(path)) {
      if (opts.allowData) await add(path, 'data');
      else diagnostics.push(ioError(`${given}: is a data file, not a policy`, `policy files end in ${POLICY_EXT}`));
    } else {
      const accepted = opts.allowData ? `${POLICY_EXT} policy or a .json/.yaml data file` : `${POLICY_EXT} policy file`;
      diagnostics.push(ioError(`${given}: not a ${accepted}`));
    }
  }
  if (overflow) {
    diagnostics.push(ioError(`more than ${maxFiles} files under ${paths.join(', ')}`, 'point railgate at the policy directory itself'));
  }
  return { files, diagnostics };
}
