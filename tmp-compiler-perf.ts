import { readFileSync } from 'node:fs';
import { parseModule } from './src/lang/parse.js';
import { compile } from './src/compiler/index.js';
import { fromJSON } from './src/runtime/value.js';
import { generatePolicySet } from './bench/eval.js';
const m = parseModule(readFileSync('bench/fixtures/rbac.gate', 'utf8'), 'rbac.gate').module!;
const { policy, diagnostics } = compile([m]);
if (!policy) throw new Error(JSON.stringify(diagnostics));
const data = fromJSON(JSON.parse(readFileSync('bench/fixtures/rbac.json', 'utf8')));
const input = fromJSON({ user: 'bob', action: 'update', type: 'cat' });
console.log(policy.evaluate(['app', 'rbac', 'allow'], { input, data }));
for (let r = 0; r < 5; r++) {
  const N = 200000;
  const t = process.hrtime.bigint();
  const P = ['app', 'rbac', 'allow']; for (let i = 0; i < N; i++) policy.evaluate(P, { input, data });
  console.log('rbac ns/op', Number(process.hrtime.bigint() - t) / N);
}
const srcs = generatePolicySet();
for (let r = 0; r < 3; r++) {
  const t0 = process.hrtime.bigint();
  const mods = [...srcs].map(([f, s]) => parseModule(s, f).module!);
  const t1 = process.hrtime.bigint();
  const res = compile(mods);
  const t2 = process.hrtime.bigint();
  console.log('parse ms', Number(t1 - t0) / 1e6, 'compile ms', Number(t2 - t1) / 1e6, res.diagnostics.length);
}
