import { readFile, stat } from 'node:fs/promises';
import type { Diagnostic } from '../lang/diagnostics.js';
import { describeFsError, ioError } from './location.js';

// Reading policy texts. Parsing is the language's job (pure); this only gets bytes
// off the disk, a bounded number at a time, and reports what could not be read.

export interface SourceSet {
  /** file path → text, in the order the files were given */
  sources: Map<string, string>;
  diagnostics: Diagnostic[];
}

/** A policy larger than this is almost certainly the wrong file. */
export const MAX_POLICY_BYTES = 16 * 1024 * 1024;
const CONCURRENCY = 16;

export type Progress = (done: number, total: number) => void;

export async function readSources(files: readonly string[], onProgress?: Progress): Promise<SourceSet> {
  const texts: Array<string | undefined> = new Array(files.length);
  const errors: Array<Diagnostic | undefined> = new Array(files.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const index = next++;
      const file = files[index]!;
      try {
        const s = await stat(file);
        if (s.size > MAX_POLICY_BYTES) {
          errors[index] = ioError(`${file}: too large for a policy (${s.size} bytes, limit ${MAX_POLICY_BYTES})`);
        } else {
          const text = await readFile(file, 'utf8');
          texts[index] = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
        }
      } catch (e) {
        errors[index] = ioError(describeFsError(file, e));
      }
      done++;
      onProgress?.(done, files.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
  const sources = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  files.forEach((file, i) => {
    const text = texts[i];
    if (text !== undefined) sources.set(file, text);
    const err = errors[i];
    if (err) diagnostics.push(err);
  });
  return { sources, diagnostics };
}
