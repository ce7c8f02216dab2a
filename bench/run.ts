// `npm run bench`: runs every benchmark, one after another, each in its own Node
// process so one benchmark's JIT state and garbage cannot skew the next one's
// figures. Each benchmark prints its own table; the exit code is non-zero when any
// benchmark could not run (a missed target is reported, not an error).

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

const BENCHMARKS: Array<{ file: string; title: string }> = [
  { file: 'eval.ts', title: 'evaluation and compilation' },
  { file: 'classify.ts', title: 'classification throughput' },
  { file: 'bundle.ts', title: 'bundles: activation, propagation, WASM versus .gate' },
  { file: 'proxy.ts', title: 'proxy overhead against the mock model server' },
  { file: 'quota.ts', title: 'quota stores: reservation + settlement' },
];

let failed = 0;
for (const b of BENCHMARKS) {
  const path = join(HERE, b.file);
  console.log(`\n== ${b.title} (bench/${b.file})`);
  if (!existsSync(path)) {
    console.log(`skipped: bench/${b.file} does not exist`);
    continue;
  }
  // `--import tsx` runs the TypeScript source directly, as `npx tsx` would.
  const r = spawnSync(process.execPath, ['--import', 'tsx', path], { stdio: 'inherit', env: process.env, timeout: 10 * 60_000 });
  if (r.error || r.status !== 0) {
    failed++;
    console.log(`bench/${b.file} failed (${r.error ? r.error.message : `exit ${r.status ?? r.signal}`})`);
  }
}
if (failed > 0) process.exitCode = 1;
