import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseModule } from './src/lang/parse.js';
import { compile } from './src/compiler/index.js';
import { fromJSON } from './src/runtime/value.js';
import { readPolicies, chatInput } from './bench/eval.js';
const mods = [...readPolicies('policies')].map(([f, s]) => parseModule(s, f).module!);
const { policy, diagnostics } = compile(mods);
if (!policy) throw new Error(JSON.stringify(diagnostics));
const input = fromJSON(chatInput());
const P = ['railgate', 'chat'];
for (let r = 0; r < 5; r++) {
  const N = 2000;
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) policy.evaluate(P, { input });
  console.log('chat us/op', Number(process.hrtime.bigint() - t) / N / 1000);
}
