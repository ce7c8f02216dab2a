import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { error, type Diagnostic } from '../lang/diagnostics.js';
import { describeFsError, fileLocation, ioError, locationAt } from './location.js';
import { parseJson } from './json.js';

// Data documents (`--data file.json`, `-i input.json`): read, parse strictly, and
// report syntax errors with file:line:col like any other diagnostic.

export type DataResult = { ok: true; value: unknown } | { ok: false; diagnostic: Diagnostic };

/** YAML anchors can expand exponentially; this caps alias expansion. */
const MAX_YAML_ALIASES = 1000;

/** Parses a data document's text; `.yaml`/`.yml` as YAML, anything else as JSON. */
export function parseDataText(text: string, file: string): DataResult {
  const ext = extname(file).toLowerCase();
  return ext === '.yaml' || ext === '.yml' ? parseYaml(text, file) : parseJsonText(text, file);
}

function parseJsonText(text: string, file: string): DataResult {
  const r = parseJson(text);
  if (r.ok) return r;
  const loc = locationAt(file, text, r.error.offset);
  return { ok: false, diagnostic: error('parse_error', `invalid JSON: ${r.error.message}`, loc) };
}

function parseYaml(text: string, file: string): DataResult {
  let doc;
  try {
    doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  } catch (e) {
    return { ok: false, diagnostic: error('parse_error', `invalid YAML: ${messageOf(e)}`, fileLocation(file)) };
  }
  const first = doc.errors[0];
  if (first) {
    const message = first.message.split('\n')[0] ?? first.message;
    return { ok: false, diagnostic: error('parse_error', `invalid YAML: ${message}`, locationAt(file, text, first.pos[0])) };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) ?? null };
  } catch (e) {
    return { ok: false, diagnostic: error('parse_error', `invalid YAML: ${messageOf(e)}`, fileLocation(file)) };
  }
}

/** Reads and parses a data file; `text` is returned when it could be read, for showing errors in context. */
export async function readDataFile(file: string): Promise<DataResult & { text?: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { ok: false, diagnostic: ioError(describeFsError(file, e)) };
  }
  return { ...parseDataText(text, file), text };
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export interface DataDocument {
  file: string;
  value: unknown;
}

export type MergeResult = { ok: true; value: Record<string, unknown> } | { ok: false; diagnostic: Diagnostic };

/**
 * Merges data documents into one `data` root, as `opa` does with several data
 * files: objects merge key by key; the same leaf defined twice is an error rather
 * than a silent override, because which file wins would depend on argument order.
 */
export function mergeData(docs: readonly DataDocument[]): MergeResult {
  const root: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const doc of docs) {
    if (!isPlainObject(doc.value)) {
      return {
        ok: false,
        diagnostic: error('io_error', `${doc.file}: a data file must hold an object at the top level`, fileLocation(doc.file), {
          hint: 'wrap the value in an object, e.g. {"name": ...}, to make it data.name',
        }),
      };
    }
    const conflict = mergeInto(root, doc.value, ['data']);
    if (conflict) {
      return {
        ok: false,
        diagnostic: error('io_error', `${doc.file}: ${conflict} is already defined by another data file`, fileLocation(doc.file)),
      };
    }
  }
  return { ok: true, value: root };
}

/** Returns the dotted path of the first conflict, or undefined. Iterative over keys, recursive over depth of the document only. */
function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>, path: string[]): string | undefined {
  for (const key of Object.keys(source)) {
    const incoming = source[key];
    if (!Object.prototype.hasOwnProperty.call(target, key)) {
      Object.defineProperty(target, key, { value: incoming, enumerable: true, writable: true, configurable: true });
      continue;
    }
    const existing = target[key];
    if (isPlainObject(existing) && isPlainObject(incoming)) {
      // Copy before merging so the caller's documents are never mutated.
      const copy = Object.assign(Object.create(null) as Record<string, unknown>, existing);
      const conflict = mergeInto(copy, incoming, [...path, key]);
      if (conflict) return conflict;
      target[key] = copy;
      continue;
    }
    return [...path, key].join('.');
  }
  return undefined;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
