import { parseModule } from './src/lang/parse.js';
import { Compiler } from './src/compiler/compiler.js';
import { BUILTINS } from './src/runtime/builtins/index.js';
import { generatePolicySet } from './bench/eval.js';
const srcs = generatePolicySet();
const mods = [...srcs].map(([f, s]) => parseModule(s, f).module!);
for (let r = 0; r < 15; r++) {
  const t1 = process.hrtime.bigint();
  const c = new Compiler(mods, BUILTINS); c.compileAll();
  const t2 = process.hrtime.bigint();
  if (r % 3 == 0) console.log('compiler-only ms', Number(t2 - t1) / 1e6, c.diags.length);
}
