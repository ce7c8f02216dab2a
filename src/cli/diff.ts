// A small unified diff for `railgate fmt --diff`. Formatting changes are local,
// so the common prefix and suffix are trimmed first and an LCS table is built only
// for the middle; past a size bound the middle is shown as one replacement rather
// than spending quadratic time.

type Op = { kind: ' ' | '-' | '+'; text: string };

const MAX_TABLE_CELLS = 4_000_000;

/** Lines with their terminators, so a missing final newline is a visible change. */
function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      lines.push(text.slice(start));
      break;
    }
    lines.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  return lines;
}

function editScript(a: string[], b: string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const ops: Op[] = a.slice(0, pre).map((text) => ({ kind: ' ', text }));
  const am = a.slice(pre, a.length - suf);
  const bm = b.slice(pre, b.length - suf);
  ops.push(...middle(am, bm));
  ops.push(...a.slice(a.length - suf).map((text): Op => ({ kind: ' ', text })));
  return ops;
}

function middle(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0 || (n + 1) * (m + 1) > MAX_TABLE_CELLS) {
    return [...a.map((text): Op => ({ kind: '-', text })), ...b.map((text): Op => ({ kind: '+', text }))];
  }
  // lcs[i][j] = length of the LCS of a[i..] and b[j..]
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', text: a[i++]! });
      j++;
    } else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) {
      ops.push({ kind: '-', text: a[i++]! });
    } else {
      ops.push({ kind: '+', text: b[j++]! });
    }
  }
  while (i < n) ops.push({ kind: '-', text: a[i++]! });
  while (j < m) ops.push({ kind: '+', text: b[j++]! });
  return ops;
}

function printLine(op: Op): string {
  if (op.text.endsWith('\n')) return `${op.kind}${op.text}`;
  return `${op.kind}${op.text}\n\\ No newline at end of file\n`;
}

/** `--- a/file` / `+++ b/file` and hunks with `context` lines around changes; '' when equal. */
export function unifiedDiff(before: string, after: string, fileA: string, fileB: string = fileA, context = 3): string {
  if (before === after) return '';
  const ops = editScript(splitLines(before), splitLines(after));
  // Positions in a and b (0-based) before each op.
  const posA: number[] = [];
  const posB: number[] = [];
  let ia = 0;
  let ib = 0;
  for (const op of ops) {
    posA.push(ia);
    posB.push(ib);
    if (op.kind !== '+') ia++;
    if (op.kind !== '-') ib++;
  }
  const changed = ops.map((op, k) => (op.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  let out = `--- ${fileA}\n+++ ${fileB}\n`;
  let c = 0;
  while (c < changed.length) {
    const start = Math.max(0, changed[c]! - context);
    let end = changed[c]! + context;
    // Merge changes whose context windows touch into one hunk.
    while (c + 1 < changed.length && changed[c + 1]! - context <= end + 1) end = changed[++c]! + context;
    end = Math.min(end, ops.length - 1);
    c++;
    const hunk = ops.slice(start, end + 1);
    const lenA = hunk.filter((op) => op.kind !== '+').length;
    const lenB = hunk.filter((op) => op.kind !== '-').length;
    const startA = lenA === 0 ? posA[start]! : posA[start]! + 1;
    const startB = lenB === 0 ? posB[start]! : posB[start]! + 1;
    out += `@@ -${startA},${lenA} +${startB},${lenB} @@\n`;
    out += hunk.map(printLine).join('');
  }
  return out;
}
