import { parseDataText } from '../loader/index.js';
import { BundleError } from './errors.js';
import { checkDataRoots, dataPathText } from './manifest.js';
import type { BundleFile } from './types.js';

// A bundle's base documents: every data.json / data.yaml / data.yml, at any depth,
// placed under its directory's path (`a/b/data.json` → data.a.b) and merged, as
// OPA does. Objects merge key by key; the same key given a value by two files is
// an error naming both, never a silent override that depends on archive order.

const DATA_NAMES = new Set(['data.json', 'data.yaml', 'data.yml']);

export function isBundleDataFile(path: string): boolean {
  const slash = path.lastIndexOf('/');
  return DATA_NAMES.has(slash < 0 ? path : path.slice(slash + 1));
}

/** The data path a data file is placed at: its directory's segments. */
export function dataFileKey(path: string): string[] {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? [] : path.slice(0, slash).split('/');
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function dataError(file: string, message: string, hint?: string): BundleError {
  return new BundleError('bundle_data_error', message, { file, ...(hint ? { hint } : {}) });
}

/** Parses one data file; syntax errors name file:line:col. */
export function parseBundleDataFile(file: BundleFile): unknown {
  let text: string;
  try {
    text = decoder.decode(file.bytes);
  } catch {
    throw dataError(file.path, `${file.path} is not valid UTF-8`, 'save data files as UTF-8');
  }
  const r = parseDataText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file.path);
  if (!r.ok) {
    const loc = r.diagnostic.loc;
    const where = loc ? `${loc.file}:${loc.line}:${loc.col}` : file.path;
    throw dataError(file.path, `${where}: ${r.diagnostic.message}`, 'fix the data file and rebuild the bundle');
  }
  return r.value;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, not assignment: a "__proto__" key in data is data, not a prototype
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function emptyObject(): Record<string, unknown> {
  return Object.create(null) as Record<string, unknown>;
}

/** Deeper object nesting than this is refused rather than risking the call stack. */
export const MAX_DATA_DEPTH = 1000;

function tooDeep(file: string): BundleError {
  return dataError(file, `${file} nests objects more than ${MAX_DATA_DEPTH} levels deep`, 'flatten the data document');
}

/** A copy of an object tree as null-prototype objects (arrays and scalars shared). */
function ownTree(value: unknown, file: string, depth: number): unknown {
  if (!isPlainObject(value)) return value;
  if (depth > MAX_DATA_DEPTH) throw tooDeep(file);
  const out = emptyObject();
  for (const k of Object.keys(value)) define(out, k, ownTree(value[k], file, depth + 1));
  return out;
}

export interface PlacedData {
  file: string;
  /** data path segments the value is placed at */
  at: string[];
  value: unknown;
}

/**
 * Merges placed documents into one data root (null-prototype objects). Each
 * conflict names both files. Iterative over keys; recursion follows only the
 * depth at which two documents overlap.
 */
export function mergePlacedData(docs: readonly PlacedData[]): Record<string, unknown> {
  const root = emptyObject();
  // data path → the file that first put a value there (only where documents meet)
  const owners = new Map<string, string>();
  const ownerOf = (path: readonly string[]): string => {
    for (let n = path.length; n >= 0; n--) {
      const owner = owners.get(JSON.stringify(path.slice(0, n)));
      if (owner !== undefined) return owner;
    }
    return 'another data file';
  };
  const conflict = (path: readonly string[], file: string): BundleError =>
    dataError(file, `${dataPathText(path)} is defined by both ${ownerOf(path)} and ${file}`, 'each data path may come from one data file only');

  for (const doc of docs) {
    if (doc.at.length === 0 && !isPlainObject(doc.value)) {
      throw dataError(doc.file, `${doc.file} must hold an object at the top level (it becomes data)`, 'wrap the value in an object, e.g. {"name": ...}');
    }
    // walk (creating objects) to the parent of the placement point
    let node = root;
    const at = doc.at;
    for (let i = 0; i < at.length - 1; i++) {
      const key = at[i]!;
      const existing = Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
      if (existing === undefined) {
        const child = emptyObject();
        define(node, key, child);
        owners.set(JSON.stringify(at.slice(0, i + 1)), doc.file);
        node = child;
      } else if (isPlainObject(existing)) {
        node = existing;
      } else {
        throw conflict(at.slice(0, i + 1), doc.file);
      }
    }
    if (at.length === 0) {
      mergeInto(root, doc.value as Record<string, unknown>, [], doc.file, owners, conflict);
      continue;
    }
    const placeInto = node;
    const last = at[at.length - 1]!;
    if (!Object.prototype.hasOwnProperty.call(placeInto, last)) {
      define(placeInto, last, ownTree(doc.value, doc.file, at.length));
      owners.set(JSON.stringify(at), doc.file);
    } else {
      const existing = placeInto[last];
      if (isPlainObject(existing) && isPlainObject(doc.value)) mergeInto(existing, doc.value, at, doc.file, owners, conflict);
      else throw conflict(at, doc.file);
    }
  }
  return root;
}

function mergeInto(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  path: readonly string[],
  file: string,
  owners: Map<string, string>,
  conflict: (path: readonly string[], file: string) => BundleError,
): void {
  for (const key of Object.keys(source)) {
    const incoming = source[key];
    const at = [...path, key];
    if (!Object.prototype.hasOwnProperty.call(target, key)) {
      define(target, key, ownTree(incoming, file, at.length));
      owners.set(JSON.stringify(at), file);
      continue;
    }
    const existing = target[key];
    if (isPlainObject(existing) && isPlainObject(incoming)) {
      if (at.length > MAX_DATA_DEPTH) throw tooDeep(file);
      mergeInto(existing, incoming, at, file, owners, conflict);
      continue;
    }
    throw conflict(at, file);
  }
}

/**
 * The bundle's data document from its files: each data file parsed, checked
 * against the roots (naming the file), placed and merged.
 */
export function bundleData(files: readonly BundleFile[], roots: readonly string[]): Record<string, unknown> {
  const docs: PlacedData[] = [];
  for (const f of files) {
    if (!isBundleDataFile(f.path)) continue;
    const value = parseBundleDataFile(f);
    const at = dataFileKey(f.path);
    checkDataRoots(roots, at, value, f.path);
    docs.push({ file: f.path, at, value });
  }
  return mergePlacedData(docs);
}
