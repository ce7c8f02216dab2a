import { describe, expect, it } from 'vitest';
import { error, formatDiagnostic } from '../../src/lang/diagnostics.js';
import type { Location } from '../../src/lang/ast.js';

const at = (line: number, col: number, endCol: number): Location => ({ file: 'p.gate', line, col, endLine: line, endCol, offset: 0, endOffset: 0 });

describe('formatDiagnostic', () => {
  it('names file:line:col and code, shows the line with a caret under the span, then expected and hint', () => {
    const text = 'package p\n\nallow if {\n\tx > 1\n}\n';
    const d = error('unsafe_var', 'var x is unsafe', at(4, 2, 3), { expected: ['a', 'b', 'c'], hint: 'bind x first' });
    expect(formatDiagnostic(d, new Map([['p.gate', text]]))).toBe(
      ['p.gate:4:2: unsafe_var: var x is unsafe', '  \tx > 1', '  \t^', '  expected a, b or c', '  hint: bind x first'].join('\n'),
    );
  });

  it('prints only the header when the source is not known', () => {
    expect(formatDiagnostic(error('parse_error', 'unexpected `}`', at(1, 1, 2)))).toBe('p.gate:1:1: parse_error: unexpected `}`');
  });

  it('shows a window of a very long line around the column, with the caret still under it', () => {
    const line = `p := ${'x'.repeat(5000)}!${'y'.repeat(5000)}`;
    const col = line.indexOf('!') + 1;
    const out = formatDiagnostic(error('parse_error', 'bad', at(1, col, col + 1)), new Map([['p.gate', line]])).split('\n');
    expect(out[1]!.length).toBeLessThan(200);
    expect(out[1]).toMatch(/^ {2}….*!.*…$/);
    expect(out[1]!.indexOf('!')).toBe(out[2]!.indexOf('^'));
  });
});
