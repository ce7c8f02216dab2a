import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/cli/diff.js';

/** Applies a unified diff produced by unifiedDiff (the test's own, minimal patch). */
function applyPatch(before: string, patch: string): string {
  const src = before.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const lines = patch.split('\n');
  const out: string[] = [];
  let pos = 0; // next unread line of src
  let i = 2; // skip --- and +++
  while (i < lines.length && lines[i] !== '') {
    const m = /^@@ -(\d+),(\d+) \+\d+,\d+ @@$/.exec(lines[i]!);
    if (!m) throw new Error(`bad hunk header: ${lines[i]}`);
    const start = Number(m[2]) === 0 ? Number(m[1]) : Number(m[1]) - 1;
    while (pos < start) out.push(src[pos++]!);
    i++;
    while (i < lines.length && lines[i] !== '' && !lines[i]!.startsWith('@@')) {
      const kind = lines[i]![0];
      let text = `${lines[i]!.slice(1)}\n`;
      if (lines[i + 1] === '\\ No newline at end of file') {
        text = text.slice(0, -1);
        i++;
      }
      if (kind === ' ' || kind === '-') {
        if (src[pos] !== text) throw new Error(`context mismatch at line ${pos + 1}`);
        pos++;
      }
      if (kind === ' ' || kind === '+') out.push(text);
      i++;
    }
  }
  while (pos < src.length) out.push(src[pos++]!);
  return out.join('');
}

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', 'f')).toBe('');
  });

  it('prints hunks with three lines of context', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'].join('\n') + '\n';
    const after = before.replace('2\n', 'two\n').replace('11\n', '');
    expect(unifiedDiff(before, after, 'a/x.gate', 'b/x.gate')).toBe(
      [
        '--- a/x.gate',
        '+++ b/x.gate',
        '@@ -1,5 +1,5 @@',
        ' 1',
        '-2',
        '+two',
        ' 3',
        ' 4',
        ' 5',
        '@@ -8,5 +8,4 @@',
        ' 8',
        ' 9',
        ' 10',
        '-11',
        ' 12',
        '',
      ].join('\n'),
    );
  });

  it('marks a missing final newline', () => {
    expect(unifiedDiff('a\nb', 'a\nb\n', 'f')).toBe('--- f\n+++ f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n');
  });

  it('round-trips: applying the diff to the old text gives the new text', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'c', '', '  x'), { maxLength: 25 }).chain((ls) =>
      fc.boolean().map((nl) => ls.join('\n') + (nl && ls.length > 0 ? '\n' : '')),
    );
    fc.assert(
      fc.property(text, text, (a, b) => {
        const patch = unifiedDiff(a, b, 'a/f', 'b/f');
        expect(patch === '' ? a : applyPatch(a, patch)).toBe(b);
      }),
      { numRuns: 400 },
    );
  });
});
