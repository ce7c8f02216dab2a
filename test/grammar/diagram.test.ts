import { readFileSync } from 'node:fs';
import { createSyntaxDiagramsCode } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { gateParser } from '../../grammar/parser.js';

describe('grammar/diagram.html', () => {
  it('is up to date with the grammar (regenerate with `npx tsx grammar/diagram.ts`)', () => {
    const expected = createSyntaxDiagramsCode(gateParser().getSerializedGastProductions());
    const actual = readFileSync(new URL('../../grammar/diagram.html', import.meta.url), 'utf8');
    expect(actual === expected).toBe(true);
    for (const rule of ['module', 'rule', 'classifierDecl', 'literal', 'expr', 'term', 'braceLit']) expect(actual).toContain(`"${rule}"`);
  });
});
