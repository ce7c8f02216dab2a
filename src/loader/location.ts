import type { Location } from '../lang/ast.js';
import { error, type Diagnostic } from '../lang/diagnostics.js';

// Helpers to turn "something went wrong at offset N of this file" into the
// Location every diagnostic carries, so load errors print like parse errors.

/** The 1-based line and column of a 0-based offset into text. */
export function lineColAt(text: string, offset: number): { line: number; col: number } {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: end - lineStart + 1 };
}

/** A one-character location at offset (or at line/col when the offset is unknown). */
export function locationAt(file: string, text: string, offset: number): Location {
  const { line, col } = lineColAt(text, offset);
  return { file, line, col, endLine: line, endCol: col + 1, offset, endOffset: offset + 1 };
}

/** A location naming only the file (for errors that are not about a position). */
export function fileLocation(file: string): Location {
  return { file, line: 1, col: 1, endLine: 1, endCol: 1, offset: 0, endOffset: 0 };
}

export function ioError(message: string, hint?: string): Diagnostic {
  return error('io_error', message, undefined, hint ? { hint } : undefined);
}

/** Node's fs errors carry a code; turn the common ones into plain words. */
export function describeFsError(path: string, e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return `${path}: no such file or directory`;
    case 'EACCES':
    case 'EPERM':
      return `${path}: permission denied`;
    case 'EISDIR':
      return `${path}: is a directory`;
    case 'ENOTDIR':
      return `${path}: not a directory`;
    case 'ELOOP':
      return `${path}: too many levels of symbolic links`;
    default:
      return `${path}: ${e instanceof Error ? e.message : String(e)}`;
  }
}
