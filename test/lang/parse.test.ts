import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseModule } from '../../src/lang/parse.js';
import { b, body, call, lit, mod, n, ref, rules, s, strip, term, termStmt, v } from './parse-helpers.js';

describe('terms', () => {
  it.each([
    ['null', { type: 'null' }],
    ['true', { type: 'boolean', value: true }],
    ['false', { type: 'boolean', value: false }],
    ['42', n('42')],
    ['3.25e-2', n('3.25e-2')],
    ['-1', n('-1')],
    ['- 2.5', n('-2.5')],
    ['"a\\"b\\\\c\\/\\n\\t"', s('a"b\\c/\n\t')],
    ['"\\u00e9\\ud83d\\ude00"', s('é😀')],
    ['`raw \\n ${x}`', { type: 'string', value: 'raw \\n ${x}', rawString: true }],
    ['`two\nlines`', { type: 'string', value: 'two\nlines', rawString: true }],
    ['x', v('x')],
    ['_', v('_')],
    ['input', v('input')],
    ['[]', { type: 'array', items: [] }],
    ['[1, "a", [x]]', { type: 'array', items: [n('1'), s('a'), { type: 'array', items: [v('x')] }] }],
    ['[1, 2,]', { type: 'array', items: [n('1'), n('2')] }],
    ['{}', { type: 'object', entries: [] }],
    ['{x}', { type: 'set', items: [v('x')] }],
    ['{1, 2,}', { type: 'set', items: [n('1'), n('2')] }],
    ['set()', { type: 'set', items: [] }],
    ['{"a": 1, 2: [3], x: y,}', { type: 'object', entries: [[s('a'), n('1')], [n('2'), { type: 'array', items: [n('3')] }], [v('x'), v('y')]] }],
    ['{[1]: {2}}', { type: 'object', entries: [[{ type: 'array', items: [n('1')] }, { type: 'set', items: [n('2')] }]] }],
    ['count(x)', call('count', v('x'))],
    ['regex.match(`a`, s)', call('regex.match', { type: 'string', value: 'a', rawString: true }, v('s'))],
    ['data.lib.f(1, 2,)', call('data.lib.f', n('1'), n('2'))],
    ['time.now_ns()', call('time.now_ns')],
    ['contains("abc", "b")', call('contains', s('abc'), s('b'))],
    ['-x', { type: 'unary', op: '-', operand: v('x') }],
    ['-x.y', { type: 'unary', op: '-', operand: ref(v('x'), 'y') }],
    ['-(1)', { type: 'unary', op: '-', operand: n('1') }],
    ['(1)', n('1')],
  ])('%s', (src, want) => {
    expect(term(src)).toEqual(want);
  });

  it('parses refs with dots, brackets, wildcards and keywords after dots', () => {
    expect(term('a.b[c]["d"][_].e')).toEqual(ref(v('a'), 'b', v('c'), s('d'), v('_'), 'e'));
    expect(term('input.in.if.contains.some')).toEqual(ref(v('input'), 'in', 'if', 'contains', 'some'));
    expect(term('data["x-y"][0]')).toEqual(ref(v('data'), s('x-y'), n('0')));
  });

  it('parses refs on composite, call and comprehension heads', () => {
    expect(term('f(x).y[0]')).toEqual(ref(call('f', v('x')), 'y', n('0')));
    expect(term('[1, 2][0]')).toEqual(ref({ type: 'array', items: [n('1'), n('2')] }, n('0')));
    expect(term('{"a": 1}["a"]')).toEqual(ref({ type: 'object', entries: [[s('a'), n('1')]] }, s('a')));
    expect(term('[x | x := 1][0]')).toMatchObject({ type: 'ref', head: { type: 'arraycompr' }, path: [n('0')] });
    expect(term('a.b.c(x).d')).toEqual(ref(call('a.b.c', v('x')), 'd'));
  });

  it('parses comprehensions', () => {
    expect(term('[x | x := xs[_]]')).toEqual({
      type: 'arraycompr',
      term: v('x'),
      body: [lit({ type: 'assign', lhs: v('x'), rhs: ref(v('xs'), v('_')) })],
    });
    expect(term('{x | some x in xs}')).toEqual({
      type: 'setcompr',
      term: v('x'),
      body: [lit({ type: 'somein', value: v('x'), collection: v('xs') })],
    });
    expect(term('{k: v | some k, v in o; v > 1}')).toEqual({
      type: 'objectcompr',
      key: v('k'),
      value: v('v'),
      body: [lit({ type: 'somein', key: v('k'), value: v('v'), collection: v('o') }), lit(termStmt(b('>', v('v'), n('1'))))],
    });
  });

  it('reads `|` after the first item as a comprehension, elsewhere as union', () => {
    expect(term('{a | b}')).toMatchObject({ type: 'setcompr', term: v('a') });
    expect(term('[(a | b), c | d]')).toEqual({ type: 'array', items: [b('|', v('a'), v('b')), b('|', v('c'), v('d'))] });
    expect(term('a | b')).toEqual(b('|', v('a'), v('b')));
  });
});

describe('operators', () => {
  it('applies OPA precedence: in < comparison < | < & < + - < * / % < unary', () => {
    expect(term('a | b == c & d + e * -f')).toEqual(
      b('==', b('|', v('a'), v('b')), b('&', v('c'), b('+', v('d'), b('*', v('e'), { type: 'unary', op: '-', operand: v('f') })))),
    );
    expect(term('x in xs == true')).toEqual({ type: 'membership', value: v('x'), collection: b('==', v('xs'), { type: 'boolean', value: true }) });
    expect(term('1 + 2 * 3 - 4 / 5 % 6')).toEqual(b('-', b('+', n('1'), b('*', n('2'), n('3'))), b('%', b('/', n('4'), n('5')), n('6'))));
  });

  it('is left-associative', () => {
    expect(term('a - b - c')).toEqual(b('-', b('-', v('a'), v('b')), v('c')));
    expect(term('a == b != c')).toEqual(b('!=', b('==', v('a'), v('b')), v('c')));
    expect(term('a in b in c')).toEqual({ type: 'membership', value: { type: 'membership', value: v('a'), collection: v('b') }, collection: v('c') });
  });

  it('treats minus after a term as subtraction and at a term start as a negative literal', () => {
    expect(term('x-1')).toEqual(b('-', v('x'), n('1')));
    expect(term('x - -1')).toEqual(b('-', v('x'), n('-1')));
    expect(term('[1, -1]')).toEqual({ type: 'array', items: [n('1'), n('-1')] });
  });

  it('parses every comparison operator', () => {
    for (const op of ['==', '!=', '<', '<=', '>', '>=']) expect(term(`a ${op} b`)).toEqual(b(op, v('a'), v('b')));
  });

  it('parses membership with key and value', () => {
    expect(body('k, v in obj')).toEqual([lit(termStmt({ type: 'membership', key: v('k'), value: v('v'), collection: v('obj') }))]);
    expect(body('k, v in a in b')).toEqual([
      lit(termStmt({ type: 'membership', value: { type: 'membership', key: v('k'), value: v('v'), collection: v('a') }, collection: v('b') })),
    ]);
    // Parentheses keep an inner `in` as the value (OPA's aggregates/member cases).
    expect(body('"foo", (2 in o) in t')).toEqual([
      lit(termStmt({ type: 'membership', key: s('foo'), value: { type: 'membership', value: n('2'), collection: v('o') }, collection: v('t') })),
    ]);
    expect(body('("foo", 2 in o) in t')).toEqual([
      lit(termStmt({ type: 'membership', value: { type: 'membership', key: s('foo'), value: n('2'), collection: v('o') }, collection: v('t') })),
    ]);
    expect(body('x := "a" in xs')).toEqual([lit({ type: 'assign', lhs: v('x'), rhs: { type: 'membership', value: s('a'), collection: v('xs') } })]);
  });
});

describe('bodies', () => {
  it('parses assignment, unification, negation and expressions', () => {
    expect(body('data.a.b = x; y := count(x)\nnot f(y)')).toEqual([
      lit({ type: 'unify', lhs: ref(v('data'), 'a', 'b'), rhs: v('x') }),
      lit({ type: 'assign', lhs: v('y'), rhs: call('count', v('x')) }),
      lit(termStmt(call('f', v('y'))), { negated: true }),
    ]);
  });

  it('accepts array and object patterns on the left of :=', () => {
    expect(body('[a, [b, 1]] := x')).toEqual([
      lit({ type: 'assign', lhs: { type: 'array', items: [v('a'), { type: 'array', items: [v('b'), n('1')] }] }, rhs: v('x') }),
    ]);
    expect(body('{"k": v} := o')).toEqual([lit({ type: 'assign', lhs: { type: 'object', entries: [[s('k'), v('v')]] }, rhs: v('o') })]);
  });

  it('parses some declarations', () => {
    expect(body('some x, y')).toEqual([lit({ type: 'some', vars: [v('x'), v('y')] })]);
    expect(body('some x in xs')).toEqual([lit({ type: 'somein', value: v('x'), collection: v('xs') })]);
    expect(body('some k, v in input.o')).toEqual([lit({ type: 'somein', key: v('k'), value: v('v'), collection: ref(v('input'), 'o') })]);
    expect(body('some [a, _] in pairs')).toEqual([
      lit({ type: 'somein', value: { type: 'array', items: [v('a'), v('_')] }, collection: v('pairs') }),
    ]);
  });

  it('parses every', () => {
    expect(body('every x in xs { x > 0 }')).toEqual([
      lit({ type: 'every', value: v('x'), domain: v('xs'), body: [lit(termStmt(b('>', v('x'), n('0'))))] }),
    ]);
    expect(body('every k, v in o {\n  k != v\n  v\n}')).toEqual([
      lit({ type: 'every', key: v('k'), value: v('v'), domain: v('o'), body: [lit(termStmt(b('!=', v('k'), v('v')))), lit(termStmt(v('v')))] }),
    ]);
  });

  it('parses with modifiers, several per literal, also on new lines', () => {
    expect(body('count(deny) == 1 with input as {"a": 1}\n  with data.x.y as 2 with f as g')).toEqual([
      lit(termStmt(b('==', call('count', v('deny')), n('1'))), {
        with: [
          { target: v('input'), value: { type: 'object', entries: [[s('a'), n('1')]] } },
          { target: ref(v('data'), 'x', 'y'), value: n('2') },
          { target: v('f'), value: v('g') },
        ],
      }),
    ]);
    expect(body('not p with input.x as 1')).toEqual([lit(termStmt(v('p')), { negated: true, with: [{ target: ref(v('input'), 'x'), value: n('1') }] })]);
  });
});

describe('newlines', () => {
  it('are insignificant inside calls, arrays, objects and sets', () => {
    expect(body('x := f(\n  1,\n  2,\n)\ny := [\n 1,\n 2\n]\nz := {\n "a": 1,\n "b": {1,\n 2}}')).toEqual([
      lit({ type: 'assign', lhs: v('x'), rhs: call('f', n('1'), n('2')) }),
      lit({ type: 'assign', lhs: v('y'), rhs: { type: 'array', items: [n('1'), n('2')] } }),
      lit({ type: 'assign', lhs: v('z'), rhs: { type: 'object', entries: [[s('a'), n('1')], [s('b'), { type: 'set', items: [n('1'), n('2')] }]] } }),
    ]);
  });

  it('are insignificant after an operator', () => {
    expect(body('x := 1 +\n  2 ==\n  3')).toEqual([lit({ type: 'assign', lhs: v('x'), rhs: b('==', b('+', n('1'), n('2')), n('3')) })]);
  });

  it('separate literals in comprehension bodies', () => {
    expect(term('[y |\n  some y in xs\n  y > 1\n]')).toEqual({
      type: 'arraycompr',
      term: v('y'),
      body: [lit({ type: 'somein', value: v('y'), collection: v('xs') }), lit(termStmt(b('>', v('y'), n('1'))))],
    });
  });

  it('end a term: a `[` or `(` on the next line starts a new literal', () => {
    expect(body('x := y\n[a, b] := z')).toEqual([
      lit({ type: 'assign', lhs: v('x'), rhs: v('y') }),
      lit({ type: 'assign', lhs: { type: 'array', items: [v('a'), v('b')] }, rhs: v('z') }),
    ]);
    expect(body('x := y\n(z)')).toEqual([lit({ type: 'assign', lhs: v('x'), rhs: v('y') }), lit(termStmt(v('z')))]);
  });

  it('are required between literals on one line (or `;`)', () => {
    expect(parseModule('package a\np if { x y }', 'f').diagnostics).toHaveLength(1);
    expect(body('x; y')).toEqual([lit(termStmt(v('x'))), lit(termStmt(v('y')))]);
  });

  it('accept CRLF line endings', () => {
    const m = mod('package a\r\n\r\np if {\r\n  x := 1\r\n  x > 0\r\n}\r\n# done\r\n');
    expect(m.rules[0]!.body).toHaveLength(2);
    expect(m.comments[0]!.text).toBe(' done');
  });
});

describe('rules', () => {
  it('parses complete rules, default and bodiless rules', () => {
    expect(rules('default allow := false\nallow := true if input.ok\np = 5\nq := {"a": [1]}')).toEqual([
      { type: 'rule', isDefault: true, head: { name: 'allow', ref: [], refDotted: [], value: { type: 'boolean', value: false }, assign: ':=' }, body: [], hasBody: false, elses: [] },
      {
        type: 'rule',
        isDefault: false,
        head: { name: 'allow', ref: [], refDotted: [], value: { type: 'boolean', value: true }, assign: ':=' },
        body: [lit(termStmt(ref(v('input'), 'ok')))],
        hasBody: true,
        elses: [],
      },
      { type: 'rule', isDefault: false, head: { name: 'p', ref: [], refDotted: [], value: n('5'), assign: '=' }, body: [], hasBody: false, elses: [] },
      {
        type: 'rule',
        isDefault: false,
        head: { name: 'q', ref: [], refDotted: [], value: { type: 'object', entries: [[s('a'), { type: 'array', items: [n('1')] }]] }, assign: ':=' },
        body: [],
        hasBody: false,
        elses: [],
      },
    ]);
  });

  it('parses `p if { ... }` and `p if expr`', () => {
    const [braced, single] = rules('p if {\n  x := 1\n  x > 0\n}\nq if count(input.xs) > 1');
    expect(braced).toMatchObject({ head: { name: 'p' }, hasBody: true, body: [{ stmt: { type: 'assign' } }, { stmt: { type: 'term' } }] });
    expect(braced.head.value).toBeUndefined();
    expect(single).toMatchObject({ head: { name: 'q' }, hasBody: true, body: [lit(termStmt(b('>', call('count', ref(v('input'), 'xs')), n('1'))))] });
  });

  it('parses partial sets, partial objects and ref heads', () => {
    const [set, deep, obj, refHead, bracketOnly] = rules(
      'deny contains msg if { msg := "no" }\np.q.r contains x if some x in [1]\nr[k] := v if { some k, v in {"a": 1} }\na.b[x].c := 1 if x := "k"\nk[x] if x := 1',
    );
    expect(set.head).toEqual({ name: 'deny', ref: [], refDotted: [], key: v('msg') });
    expect(deep.head).toEqual({ name: 'p', ref: [s('q'), s('r')], refDotted: [true, true], key: v('x') });
    expect(obj.head).toEqual({ name: 'r', ref: [v('k')], refDotted: [false], value: v('v'), assign: ':=' });
    expect(refHead.head).toEqual({ name: 'a', ref: [s('b'), v('x'), s('c')], refDotted: [true, false, true], value: n('1'), assign: ':=' });
    expect(bracketOnly.head).toEqual({ name: 'k', ref: [v('x')], refDotted: [false] });
  });

  it('parses a partial set without a body', () => {
    expect(rules('redact contains {"classifier": "pii.email"}')[0]).toMatchObject({
      head: { name: 'redact', key: { type: 'object' } },
      hasBody: false,
      body: [],
    });
  });

  it('parses functions', () => {
    const [f, g, h, i] = rules('f(x, y) := z if { z := x + y }\ng(x) if x > 1\nh(_) := 1\ndefault i(_) := 0');
    expect(f.head).toEqual({ name: 'f', ref: [], refDotted: [], args: [v('x'), v('y')], value: v('z'), assign: ':=' });
    expect(g.head).toEqual({ name: 'g', ref: [], refDotted: [], args: [v('x')] });
    expect(h).toMatchObject({ head: { args: [v('_')], value: n('1') }, hasBody: false });
    expect(i).toMatchObject({ isDefault: true, head: { args: [v('_')], value: n('0') } });
  });

  it('parses else chains, with and without bodies', () => {
    const [r] = rules('e := 1 if { false } else := 2 if { true }\nelse = 3 if x\nelse := 4');
    expect(r.elses).toEqual([
      { value: n('2'), assign: ':=', body: [lit(termStmt({ type: 'boolean', value: true }))], hasBody: true },
      { value: n('3'), assign: '=', body: [lit(termStmt(v('x')))], hasBody: true },
      { value: n('4'), assign: ':=', body: [], hasBody: false },
    ]);
    const [bare] = rules('f(x) := 1 if x > 0 else if { true }');
    expect(bare.elses).toEqual([{ body: [lit(termStmt({ type: 'boolean', value: true }))], hasBody: true }]);
  });

  it('lets classifier and keywords after dots serve as ordinary names', () => {
    const [a, c] = rules('classifier := 1\ncontext := input.context.classifier');
    expect(a.head.name).toBe('classifier');
    expect(c.head).toMatchObject({ name: 'context', value: ref(v('input'), 'context', 'classifier') });
    expect(body('classifier := 1; some classifier in xs')).toEqual([
      lit({ type: 'assign', lhs: v('classifier'), rhs: n('1') }),
      lit({ type: 'somein', value: v('classifier'), collection: v('xs') }),
    ]);
    expect(rules('classifier.a[x] := 1 if x := 2')[0].head).toMatchObject({ name: 'classifier', ref: [s('a'), v('x')] });
  });

  it('accepts several statements on one line, as OPA does', () => {
    expect(rules('p := 1 q := 2').map((r) => r.head.name)).toEqual(['p', 'q']);
  });
});

describe('modules', () => {
  it('parses package, imports and comments', () => {
    const m = mod(
      '# header\npackage a.b["c-d"]\n\nimport data.x.y\nimport data.x as z # why\nimport input.a\nimport rego.v1\nimport future.keywords.in\nimport future.keywords\n\np := 1\n',
    );
    expect(m.package).toEqual(['a', 'b', 'c-d']);
    expect(m.imports.map((i) => [i.path, i.alias])).toEqual([
      [['data', 'x', 'y'], undefined],
      [['data', 'x'], 'z'],
      [['input', 'a'], undefined],
      [['rego', 'v1'], undefined],
      [['future', 'keywords', 'in'], undefined],
      [['future', 'keywords'], undefined],
    ]);
    expect(m.comments.map((c) => c.text)).toEqual([' header', ' why']);
    expect(m.file).toBe('test.gate');
  });

  it('parses classifier declarations generically', () => {
    const m = mod(
      'package a\n\nclassifier card {\n  pattern `\\b\\d{13,16}\\b`\n  validate luhn\n  validate entropy(3.5)\n  context ["card", "visa"]\n  ignore_case\n  max_length 64\n  description "cards"\n}\n\nclassifier pii.custom { keywords ["X"]; ignore_case }\n',
    );
    expect(strip(m.classifiers)).toEqual([
      {
        type: 'classifier',
        name: 'card',
        clauses: [
          { keyword: 'pattern', arg: { type: 'string', value: '\\b\\d{13,16}\\b', rawString: true } },
          { keyword: 'validate', arg: v('luhn') },
          { keyword: 'validate', arg: call('entropy', n('3.5')) },
          { keyword: 'context', arg: { type: 'array', items: [s('card'), s('visa')] } },
          { keyword: 'ignore_case' },
          { keyword: 'max_length', arg: n('64') },
          { keyword: 'description', arg: s('cards') },
        ],
      },
      { type: 'classifier', name: 'pii.custom', clauses: [{ keyword: 'keywords', arg: { type: 'array', items: [s('X')] } }, { keyword: 'ignore_case' }] },
    ]);
    expect(m.rules).toHaveLength(0);
  });

  it('parses the DESIGN.md example policy', () => {
    const m = mod(DESIGN_EXAMPLE);
    expect(m.package).toEqual(['railgate', 'chat']);
    expect(m.classifiers.map((c) => c.name)).toEqual(['card', 'codename']);
    expect(m.rules.map((r) => r.head.name)).toEqual(['max_tokens', 'max_tokens', 'deny', 'redact', 'mask', 'quota', 'approval', 'test_card_is_denied']);
  });
});

describe('locations', () => {
  const src = 'package a\n\np := [1, 2] if {\n  x := input.y[0]\n  not f(x)\n}\n';
  const m = mod(src, 'loc.gate');
  const text = (loc: { offset: number; endOffset: number }) => src.slice(loc.offset, loc.endOffset);

  it('fills file, lines, columns and offsets', () => {
    const r = m.rules[0]!;
    expect(r.loc).toEqual({ file: 'loc.gate', line: 3, col: 1, endLine: 6, endCol: 2, offset: 11, endOffset: src.length - 1 });
    expect(text(r.head.loc)).toBe('p := [1, 2]');
    expect(text(m.packageLoc)).toBe('package a');
  });

  it('spans exactly the source of every node', () => {
    const r = m.rules[0]!;
    expect(text(r.head.value!.loc)).toBe('[1, 2]');
    const [assign, negated] = r.body;
    expect(text(assign!.loc)).toBe('x := input.y[0]');
    expect(text(negated!.loc)).toBe('not f(x)');
    const rhs = (assign!.stmt as { rhs: { loc: { offset: number; endOffset: number }; path: Array<{ loc: { offset: number; endOffset: number } }> } }).rhs;
    expect(text(rhs.loc)).toBe('input.y[0]');
    expect(text(rhs.path[0]!.loc)).toBe('y');
    const callTerm = (negated!.stmt as { term: { fnLoc: { offset: number; endOffset: number }; loc: { offset: number; endOffset: number } } }).term;
    expect(text(callTerm.fnLoc)).toBe('f');
    expect(text(callTerm.loc)).toBe('f(x)');
    expect(negated!.loc).toMatchObject({ line: 5, col: 3, endLine: 5, endCol: 11 });
  });

  it('covers negative literals, binary terms, with and else', () => {
    const src2 = 'package a\np := -1 + x if y with input as 2 else := 3\n';
    const r = mod(src2).rules[0]!;
    const t = (loc: { offset: number; endOffset: number }) => src2.slice(loc.offset, loc.endOffset);
    expect(t(r.head.value!.loc)).toBe('-1 + x');
    expect(t((r.head.value as { left: { loc: { offset: number; endOffset: number } } }).left.loc)).toBe('-1');
    expect(t(r.body[0]!.with[0]!.loc)).toBe('with input as 2');
    expect(t(r.body[0]!.loc)).toBe('y with input as 2');
    expect(t(r.elses[0]!.loc)).toBe('else := 3');
    expect(t(r.loc)).toBe('p := -1 + x if y with input as 2 else := 3');
  });

  it('tracks multi-line raw strings and comments', () => {
    const src3 = 'package a\n# c1\np := `x\ny` # c2\n';
    const m3 = mod(src3);
    expect(m3.rules[0]!.head.value!.loc).toMatchObject({ line: 3, col: 6, endLine: 4, endCol: 3 });
    expect(m3.comments.map((c) => [c.text, c.loc.line, c.loc.col])).toEqual([
      [' c1', 2, 1],
      [' c2', 4, 4],
    ]);
  });
});

const DESIGN_EXAMPLE = readFileSync(new URL('../fixtures/design-example.gate', import.meta.url), 'utf8');
