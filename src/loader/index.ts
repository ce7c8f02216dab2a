import type { Diagnostic } from '../lang/diagnostics.js';
import { mergeData, readDataFile, type DataDocument } from './data.js';
import { discoverFiles } from './files.js';
import { readSources, type Progress } from './sources.js';

export { discoverFiles, isDataFile, isPolicyFile, POLICY_EXT, type FoundFile, type Discovery } from './files.js';
export { mergeData, parseDataText, readDataFile, type DataDocument, type DataResult } from './data.js';
export { readSources, MAX_POLICY_BYTES, type SourceSet, type Progress } from './sources.js';
export { findJsonError, parseJson } from './json.js';
export { lineColAt, locationAt } from './location.js';

export interface Workspace {
  /** policy file → text, in discovery order */
  sources: Map<string, string>;
  /** the merged data documents (null-prototype objects), `{}` when none */
  data: Record<string, unknown>;
  dataFiles: string[];
  /** data file → text, for showing data syntax errors in context */
  dataSources: Map<string, string>;
  /** io and data errors; parse errors come later, from the language */
  diagnostics: Diagnostic[];
}

export interface LoadOptions {
  /** policy or data paths (files or directories) */
  paths: readonly string[];
  /** extra data files (`--data`) */
  dataFiles?: readonly string[];
  /** accept data files among `paths` */
  allowData?: boolean;
  onProgress?: Progress;
}

/** Everything a command needs from disk: the policy texts and the merged data. */
export async function loadWorkspace(opts: LoadOptions): Promise<Workspace> {
  const found = await discoverFiles(opts.paths, { allowData: opts.allowData ?? false });
  const diagnostics = [...found.diagnostics];
  const policyFiles = found.files.filter((f) => f.kind === 'policy').map((f) => f.path);
  const dataFiles = [...found.files.filter((f) => f.kind === 'data').map((f) => f.path), ...(opts.dataFiles ?? [])];
  const read = await readSources(policyFiles, opts.onProgress);
  diagnostics.push(...read.diagnostics);
  const docs: DataDocument[] = [];
  const dataSources = new Map<string, string>();
  for (const file of dataFiles) {
    const r = await readDataFile(file);
    if (r.text !== undefined) dataSources.set(file, r.text);
    if (r.ok) docs.push({ file, value: r.value });
    else diagnostics.push(r.diagnostic);
  }
  let data: Record<string, unknown> = {};
  if (docs.length > 0) {
    const merged = mergeData(docs);
    if (merged.ok) data = merged.value;
    else diagnostics.push(merged.diagnostic);
  }
  return { sources: read.sources, data, dataFiles, dataSources, diagnostics };
}
