import type { Body, Literal, Location, Module, Rule, Term } from '../../src/lang/ast.js';

// Hand-built AST fragments for the tester's unit tests: only locations and shapes
// matter to the runner and to coverage, so terms are kept trivial.

export function at(file: string, line: number, col = 1): Location {
  return { file, line, col, endLine: line, endCol: col + 1, offset: 0, endOffset: 1 };
}

export function t(file: string, line: number): Term {
  return { type: 'boolean', value: true, loc: at(file, line) };
}

export function lit(file: string, line: number, term: Term = t(file, line)): Literal {
  return { negated: false, with: [], stmt: { type: 'term', term }, loc: at(file, line, 2) };
}

export function rule(file: string, line: number, name: string, body: Body = []): Rule {
  return {
    type: 'rule',
    isDefault: false,
    head: { name, ref: [], refDotted: [], loc: at(file, line) },
    body,
    hasBody: body.length > 0,
    elses: [],
    loc: at(file, line),
  };
}

export function mod(file: string, pkg: string[], rules: Rule[]): Module {
  return {
    type: 'module',
    file,
    package: pkg,
    packageLoc: at(file, 1),
    imports: [],
    rules,
    classifiers: [],
    comments: [],
    loc: at(file, 1),
  };
}
