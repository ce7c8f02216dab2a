import { readFileSync } from 'node:fs';
import { parseModule } from './src/lang/parse.js';
import { compile } from './src/compiler/index.js';
import { fromJSON } from './src/runtime/value.js';
const m = parseModule(readFileSync('bench/fixtures/rbac.gate', 'utf8'), 'rbac.gate').module!;
const m2 = parseModule(`package triv
p := 1
q if input.user == "bob"
r if { some x in input.xs; x == 3 }
arr if { some grant in data.role_grants.employee; input.action == grant.action; input.type == grant.type }
st if { some grant in sgrants; input.action == grant.action; input.type == grant.type }
sgrants contains g if some g in data.role_grants.employee
both if { sgrants; data.app.rbac.user_is_admin }
`, 'x.gate').module!;
const { policy } = compile([m, m2]);
const data = fromJSON(JSON.parse(readFileSync('bench/fixtures/rbac.json', 'utf8')));
const input = fromJSON({ user: 'bob', action: 'update', type: 'cat', xs: [1, 2, 3] });
function bench(name: string, path: string[]) {
  const N = 300000; const res: number[] = [];
  for (let r = 0; r < 7; r++) { const t = process.cpuUsage(); for (let i = 0; i < N; i++) policy!.evaluate(path, { input, data }); const u = process.cpuUsage(t); res.push((u.user + u.system) * 1000 / N); }
  res.sort((a, b) => a - b); console.log(name.padEnd(20), res[3]!.toFixed(0), 'ns cpu');
}
const paths: Array<[string, string[]]> = [['arr', ['triv','arr']], ['sgrants', ['triv','sgrants']], ['st', ['triv','st']], ['both', ['triv','both']], ['trivial', ['triv', 'p']], ['q', ['triv', 'q']], ['r', ['triv', 'r']], ['admin', ['app', 'rbac', 'user_is_admin']], ['granted', ['app', 'rbac', 'user_is_granted']], ['allow', ['app', 'rbac', 'allow']]];
for (let k = 0; k < 2; k++) for (const [n, p] of paths) bench(n, p);
