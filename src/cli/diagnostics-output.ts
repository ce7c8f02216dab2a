import { formatDiagnostic, type Diagnostic, type Sources } from '../lang/diagnostics.js';

// Showing diagnostics: sorted by place, each in the standard text form, and a
// one-line count; or as JSON for editors and CI annotations.

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort((a, b) => {
    const fa = a.loc?.file ?? '';
    const fb = b.loc?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    return (a.loc?.line ?? 0) - (b.loc?.line ?? 0) || (a.loc?.col ?? 0) - (b.loc?.col ?? 0);
  });
}

/** Every diagnostic, a blank line between them, ending in a newline ('' when none). */
export function formatDiagnostics(diags: readonly Diagnostic[], sources: Sources): string {
  if (diags.length === 0) return '';
  return `${sortDiagnostics(diags)
    .map((d) => formatDiagnostic(d, sources))
    .join('\n\n')}\n`;
}

/** `2 errors in 1 file`, `1 error in 2 files, 3 warnings`, `1 warning`. */
export function countLine(diags: readonly Diagnostic[]): string {
  const errors = diags.filter((d) => d.severity === 'error');
  const warnings = diags.length - errors.length;
  const parts: string[] = [];
  if (errors.length > 0) {
    const files = new Set(errors.flatMap((d) => (d.loc ? [d.loc.file] : [])));
    parts.push(files.size > 0 ? `${plural(errors.length, 'error')} in ${plural(files.size, 'file')}` : plural(errors.length, 'error'));
  }
  if (warnings > 0) parts.push(plural(warnings, 'warning'));
  return parts.join(', ');
}

export interface DiagnosticJSON {
  code: string;
  severity: string;
  message: string;
  file: string | null;
  line: number | null;
  col: number | null;
  end_line: number | null;
  end_col: number | null;
  expected?: string[];
  hint?: string;
}

export function diagnosticToJSON(d: Diagnostic): DiagnosticJSON {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.loc?.file ?? null,
    line: d.loc?.line ?? null,
    col: d.loc?.col ?? null,
    end_line: d.loc?.endLine ?? null,
    end_col: d.loc?.endCol ?? null,
    ...(d.expected && d.expected.length > 0 ? { expected: d.expected } : {}),
    ...(d.hint ? { hint: d.hint } : {}),
  };
}

export { plural };
