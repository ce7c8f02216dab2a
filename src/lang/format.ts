import { error, hasErrors, type Diagnostic } from './diagnostics.js';
import { sameModule } from './format/equal.js';
import { format } from './format/module.js';
import { parseModule } from './parse.js';

// `railgate fmt`'s core: the canonical text of a module (see format/module.ts for the
// layout rules) and a parse-then-format entry point for the command line.

export { format } from './format/module.js';
export { sameModule } from './format/equal.js';

export interface FormatResult {
  output?: string;
  diagnostics: Diagnostic[];
}

/**
 * Parses and formats `text`. Parse errors come back untouched (no output). As a
 * safety net the output is parsed again and compared with the input's AST: if the
 * formatter ever changed the meaning, no output is returned and the file is left as
 * it was.
 */
export function formatSource(text: string, file: string): FormatResult {
  const parsed = parseModule(text, file);
  if (!parsed.module || hasErrors(parsed.diagnostics)) return { diagnostics: parsed.diagnostics };
  let output: string;
  try {
    output = format(parsed.module, text);
  } catch (e) {
    // Only a stack overflow on an absurdly nested module can end up here.
    if (!(e instanceof RangeError)) throw e;
    return { diagnostics: [error('parse_error', 'this module is nested too deeply to format; the file was left unchanged', parsed.module.loc)] };
  }
  const again = parseModule(output, file);
  if (!again.module || hasErrors(again.diagnostics) || !sameModule(parsed.module, again.module)) {
    return {
      diagnostics: [
        error('parse_error', 'the formatter could not keep this module’s meaning; the file was left unchanged', parsed.module.loc, {
          hint: 'please report this as a railgate fmt bug, with the file',
        }),
      ],
    };
  }
  return { output, diagnostics: parsed.diagnostics };
}
