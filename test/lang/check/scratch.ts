import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { check } from '../../../src/lang/check/index.js';
import { formatDiagnostic } from '../../../src/lang/diagnostics.js';
import { parseModule } from '../../../src/lang/parse.js';
import { BUILTINS } from '../../../src/runtime/builtins/index.js';
import { libraryDefinitions, validateClassifierDecl } from '../../../src/runtime/classifiers/index.js';
const files = execSync('find policies -name "*.gate"').toString().trim().split('\n');
const sources = new Map(files.map(f => [f, readFileSync(f, 'utf8')]));
const mods = [];
for (const [f, t] of sources) { const r = parseModule(t, f); if (r.module) mods.push(r.module); else console.log(r.diagnostics.map(d => formatDiagnostic(d, sources)).join('\n')); }
const d = check(mods, { builtins: BUILTINS, validateClassifier: validateClassifierDecl, classifierNames: new Set(libraryDefinitions().map(d => d.name)) });
console.log(d.map(x => formatDiagnostic(x, sources)).join('\n'));
