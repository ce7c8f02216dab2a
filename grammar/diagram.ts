// Writes grammar/diagram.html: railroad diagrams of the .gate grammar, the reference
// picture of what the parser accepts. Run with `npx tsx grammar/diagram.ts` after a
// grammar change and commit the result.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createSyntaxDiagramsCode } from 'chevrotain';
import { gateParser } from './parser.js';

const out = fileURLToPath(new URL('./diagram.html', import.meta.url));
writeFileSync(out, createSyntaxDiagramsCode(gateParser().getSerializedGastProductions()));
console.log(`wrote ${out}`);
