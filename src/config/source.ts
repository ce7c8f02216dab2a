import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { ConfigIssue } from './errors.js';
import { pointer, type Segment } from './path.js';

// Reading the file's text: YAML (JSON is YAML too) into a plain value, plus the
// line:col of every key and list item, so that a problem found later in the value
// can name the line it came from.

/** line:col of a key (for a mapping entry) or of the item (for a list item), by JSON pointer */
export type Places = Map<string, { line: number; col: number }>;

export type SourceResult = { ok: true; value: unknown; places: Places } | { ok: false; issues: ConfigIssue[] };

/** A config file is a few kilobytes; this is not one. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** YAML anchors can expand exponentially; a config has a handful. */
const MAX_ALIASES = 200;
/** Positions are recorded this deep; deeper values (free-form claims) use their ancestor's line. */
const MAX_DEPTH = 32;

export function parseSource(text: string, file: string | undefined): SourceResult {
  const where = file === undefined ? {} : { file };
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) {
    return { ok: false, issues: [{ ...where, message: `the configuration is larger than ${MAX_CONFIG_BYTES / 1024} KiB; this is not a railgate.yaml` }] };
  }
  const lineCounter = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: true });
  } catch (e) {
    return { ok: false, issues: [{ ...where, message: `invalid YAML: ${messageOf(e)}` }] };
  }
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((err) => ({
        ...where,
        ...lineCounter.linePos(err.pos[0]),
        message: `invalid YAML: ${firstLine(err.message)}`,
      })),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? null;
  } catch (e) {
    return { ok: false, issues: [{ ...where, message: `invalid YAML: ${messageOf(e)}` }] };
  }
  const places: Places = new Map();
  record(doc.contents, [], places, lineCounter, 0);
  return { ok: true, value, places };
}

function record(node: unknown, path: Segment[], places: Places, lc: LineCounter, depth: number): void {
  if (depth > MAX_DEPTH || node === null || isAlias(node)) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = pair.key;
      if (!isScalar(key) || key.value === null || key.value === undefined) continue;
      const name = String(key.value);
      if (name === '<<') continue; // a merge: its keys keep the lines where they were written
      const child = [...path, name];
      if (key.range) places.set(pointer(child), lc.linePos(key.range[0]));
      record(pair.value, child, places, lc, depth + 1);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const child = [...path, i];
      const range = (item as Node | null)?.range;
      if (range) places.set(pointer(child), lc.linePos(range[0]));
      record(item, child, places, lc, depth + 1);
    });
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

function messageOf(e: unknown): string {
  return firstLine(e instanceof Error ? e.message : String(e));
}
