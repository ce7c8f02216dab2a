// `npm run conformance [-- -v] [--show] [filter]`: runs every conformance case and prints
// pass / fail / skipped per category and in total, with a reason per failure.

import { loadCases, runCase, type Outcome } from './cases.js';

const args = process.argv.slice(2);
const verbose = args.includes('-v');
const show = args.includes('--show');
const filter = args.find((a) => !a.startsWith('-'));

const cases = loadCases().filter((c) => !filter || c.note.includes(filter) || c.file.includes(filter));
const byCat = new Map<string, { pass: number; fail: number; skip: number }>();
const failures: Array<{ note: string; file: string; o: Outcome & { status: 'fail' }; c: (typeof cases)[number] }> = [];
const skips = new Map<string, number>();
for (const c of cases) {
  const o = runCase(c);
  let row = byCat.get(c.category);
  if (!row) byCat.set(c.category, (row = { pass: 0, fail: 0, skip: 0 }));
  row[o.status]++;
  if (o.status === 'fail') failures.push({ note: c.note, file: c.file, o, c });
  if (o.status === 'skip') skips.set(o.reason, (skips.get(o.reason) ?? 0) + 1);
}

const pad = (s: string | number, n: number) => String(s).padEnd(n);
console.log(`${pad('category', 24)}${pad('pass', 6)}${pad('fail', 6)}skipped`);
const total = { pass: 0, fail: 0, skip: 0 };
for (const [cat, r] of [...byCat].sort()) {
  console.log(`${pad(cat, 24)}${pad(r.pass, 6)}${pad(r.fail, 6)}${r.skip}`);
  total.pass += r.pass;
  total.fail += r.fail;
  total.skip += r.skip;
}
console.log(`${pad('TOTAL', 24)}${pad(total.pass, 6)}${pad(total.fail, 6)}${total.skip}  (${cases.length} cases)`);
if (skips.size > 0) {
  console.log('\nskipped:');
  for (const [why, n] of skips) console.log(`  ${n} × ${why}`);
}
if (failures.length > 0) {
  console.log('\nfailures:');
  for (const f of failures) {
    console.log(`  ${f.note}  (${f.file})\n    ${f.o.reason}`);
    if (verbose && f.o.detail) console.log(`    ${f.o.detail.split('\n').join('\n    ')}`);
    if (show) {
      const r = f.c.raw;
      console.log(`    query: ${r.query}\n    ${(r.modules ?? []).join('\n').split('\n').join('\n    ')}`);
      if (r.input !== undefined) console.log(`    input: ${JSON.stringify(r.input)}`);
      if (r.input_term !== undefined) console.log(`    input_term: ${r.input_term}`);
    }
  }
}
process.exitCode = total.fail > 0 ? 1 : 0;
