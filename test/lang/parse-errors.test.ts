import { describe, expect, it } from 'vitest';
import { parseBody, parseModule, parseTerm } from '../../src/lang/parse.js';
import { formatDiagnostic } from '../../src/lang/diagnostics.js';

function errors(src: string) {
  const r = parseModule(src, 'e.gate');
  expect(r.module).toBeUndefined();
  return r.diagnostics.map((d) => ({ code: d.code, line: d.loc?.line, col: d.loc?.col, message: d.message, expected: d.expected, hint: d.hint }));
}

describe('syntax errors', () => {
  it.each([
    ['p if', 2, 5, 'expected a rule body after `if`'],
    ['p if {\n  x := \n}', 4, 1, 'unexpected `}`'],
    ['p if {\n  x := 1\n', 3, 9, 'unexpected end of file: missing `}`'],
    ['p if { x y }', 2, 10, 'unexpected `y`'],
    ['p if {}', 2, 6, 'empty body: a body needs at least one expression'],
    ['every := 1', 2, 1, 'unexpected keyword `every`: expected a rule, import or classifier declaration'],
    ['}', 2, 1, 'unexpected `}`: expected a rule, import or classifier declaration'],
    ['p := 1 2', 2, 8, 'unexpected number `2`: expected a rule, import or classifier declaration'],
    ['p', 2, 1, 'incomplete rule `p`'],
    ['default p', 2, 10, 'unexpected end of file'],
    ['p := f(1, 2\nq := 1', 3, 1, 'unexpected `q`'],
    ['p := "abc', 2, 6, 'unterminated string'],
    ['p := "abc\nq := 1', 2, 6, 'unterminated string'],
    ['p := `abc', 2, 6, 'unterminated raw string'],
    ["p := 'x'", 2, 6, 'strings are written with double quotes'],
    ['p := 1 @', 2, 8, 'unexpected character `@`'],
    ['p if { !x }', 2, 8, 'unexpected character `!`'],
    ['p := "a\\qb"', 2, 8, 'invalid escape `\\q` in string'],
    ['p := 007', 2, 6, 'invalid number `007`: leading zeros are not allowed'],
    ['p := 1e999999', 2, 6, 'number `1e999999` is too big'],
  ])('%j', (body, line, col, message) => {
    const [first] = errors(`package a\n${body}\n`);
    expect(first).toMatchObject({ code: 'parse_error', line, col, message });
  });

  it('says what was expected, in readable names', () => {
    const [d] = errors('package a\np := f(1, 2\nq := 1\n');
    expect(d!.expected).toEqual(['`)`']);
    const [e] = errors('package a\np if\n');
    expect(e!.expected).toContain('an expression');
    expect(e!.expected).toContain('`some`');
    const [f] = errors('package a\np\n');
    expect(f!.expected).toEqual(['`:=`', '`=`', '`contains`', '`if`']);
    expect(f!.hint).toContain('p if { ... }');
  });

  it('hints at the separator when two expressions share a line', () => {
    const [d] = errors('package a\np if { x y }\n');
    expect(d!.hint).toMatch(/newline or `;`/);
    expect(parseBody('x y').diagnostics[0]!.hint).toMatch(/newline or `;`/);
  });

  it('reports one error per broken rule and goes on with the next', () => {
    const diags = errors('package a\n\np if {\n  x := \n}\n\nq := 1\n\nr if {\n  y ==\n}\n\ns := 2 +\n');
    expect(diags.map((d) => [d.line, d.message])).toEqual([
      [5, 'unexpected `}`'],
      [11, 'unexpected `}`'],
      [13, 'unexpected end of file'],
    ]);
  });

  it('stops after 50 syntax errors', () => {
    const diags = errors(`package a\n${'p if {\n  1 +\n}\n'.repeat(200)}`);
    expect(diags).toHaveLength(51);
    expect(diags[50]!.message).toBe('too many syntax errors: stopped after 50');
  });

  it('reports lexer errors together with syntax errors elsewhere', () => {
    const diags = errors('package a\np := "abc\nq if {\n  1 +\n}\nr := 1 ^ 2\n');
    expect(diags.map((d) => [d.line, d.message])).toEqual([
      [2, 'unterminated string'],
      [5, 'unexpected `}`'],
      [6, 'unexpected character `^`'],
    ]);
  });

  it('requires a package declaration, and still checks the rest', () => {
    expect(errors('p := 1\nq if {\n}\n').map((d) => [d.line, d.message])).toEqual([
      [1, 'a module must start with a `package` declaration'],
      [2, 'empty body: a body needs at least one expression'],
    ]);
    expect(errors('')[0]!.message).toBe('a module must start with a `package` declaration');
    expect(errors('# only a comment\n')[0]!.line).toBe(1);
  });

  it('formats with file:line:col, source line and caret', () => {
    const src = 'package a\np if { x y }\n';
    const d = parseModule(src, 'e.gate').diagnostics[0]!;
    expect(formatDiagnostic(d, new Map([['e.gate', src]]))).toBe(
      'e.gate:2:10: parse_error: unexpected `y`\n  p if { x y }\n           ^\n  expected `}`\n  hint: expressions in a body are separated by a newline or `;`',
    );
  });
});

describe('Rego v0 syntax', () => {
  it('rejects a rule body without `if`, with a hint', () => {
    const [d] = errors('package a\np { true }\n');
    expect(d).toMatchObject({ line: 2, col: 3, message: 'expected `if` before the rule body' });
    expect(d!.hint).toContain('`p if { ... }`');
  });

  it('suggests `contains` for v0 partial sets', () => {
    const [d] = errors('package a\nq[x] { x := 1 }\n');
    expect(d!.hint).toContain('`q contains x if { ... }`');
  });

  it('rejects v0 else bodies', () => {
    expect(errors('package a\np := 1 if { false } else := 2 { true }\n')[0]!.message).toBe('expected `if` before the rule body');
  });
});

describe('semantic syntax errors', () => {
  it.each([
    ['p if { 1 := x }', 'cannot assign to the number `1`: the left side of `:=` must be a variable or an array/object pattern'],
    ['p if { input.x := 1 }', 'cannot assign to a reference: the left side of `:=` must be a variable or an array/object pattern'],
    ['p if { not x := 1 }', '`not` cannot be applied to an assignment'],
    ['p if { some x.y }', '`some` declares variables: expected a variable name, found a reference'],
    ['p if { some a, b, c in xs }', '`some ... in` takes a value or a key and a value: `some x in xs` or `some k, v in xs`'],
    ['p if { x with 1 as 2 }', '`with` target must be a reference such as `input.x` or `data.y`, not the number `1`'],
    ['p := [1](2)', 'cannot call an array: a function is called by name, as in `f(x)` or `a.b.f(x)`'],
    ['p := "s".x', 'a reference cannot start with a string'],
    ['p if { k, v }', 'expected `in` after `k, v`: write `k, v in xs`'],
    ['default p := x', 'default value must be a constant, not the variable `x`'],
    ['default p := input.x', 'default value must be a constant, not a reference'],
    ['default f(x) := 1 if { x }', 'a default rule cannot have a body'],
    ['default p if { true }', 'a default rule needs a value: `default p := <value>`'],
    ['default p contains 1', '`default` cannot be used with `contains`'],
    ['f(x) contains 1', '`contains` cannot be used in a function definition'],
    ['f(x + 1) := 2', 'function arguments are variables, constants or array/object patterns, not a `+` expression'],
    ['f(g(x)) := 2', 'function arguments are variables, constants or array/object patterns, not a call to `g`'],
    ['default f([x]) := 2', 'arguments of a default function are variables, not an array'],
    ['p contains 1 if { true } else := 2', '`else` cannot be used with a partial set rule (`contains`)'],
    ['p := 1 else := 2', '`else` must follow a rule body (`if ...`)'],
    ['p[x] := 1 if { x := 1 } else := 2', '`else` cannot be used on a rule with variables in its head'],
    ['p := 1 if { a } else := 2 else := 3', 'only the last `else` may omit its body'],
    ['import foo.bar', 'import path must start with `data`, `input`, `future` or `rego`, not `foo`'],
    ['import rego.v2', 'unsupported import `rego.v2`: only `import rego.v1` is supported'],
    ['import future.keywords.not', 'unsupported future keyword `not`: known ones are `in`, `if`, `contains` and `every`'],
    ['import rego.v1 as r', '`import rego.v1` cannot have an alias'],
    ['package b', 'a module has exactly one `package` declaration, at its start'],
    ['classifier c {\n  pattern `x` ignore_case\n}', 'classifier clause `ignore_case` must start on a new line'],
  ])('%j', (body, message) => {
    const diags = errors(`package a\n${body}\n`);
    expect(diags.map((d) => d.message)).toContain(message);
    expect(diags.every((d) => d.code === 'parse_error' && d.line !== undefined)).toBe(true);
  });

  it('still reports import problems when a later rule is broken', () => {
    const diags = errors('package a\nimport rego.v2\np if { x ; }\n');
    expect(diags.map((d) => d.line)).toEqual([2, 3]);
  });
});

describe('parseBody and parseTerm', () => {
  it('return diagnostics, not a value, on errors', () => {
    const b = parseBody('x := ');
    expect(b.body).toBeUndefined();
    expect(b.diagnostics[0]).toMatchObject({ code: 'parse_error', message: 'unexpected end of file' });
    const t = parseTerm('{1, 2');
    expect(t.term).toBeUndefined();
    expect(t.diagnostics[0]!.message).toBe('unexpected end of file: missing `}`');
    expect(parseTerm('1 2').diagnostics[0]!.message).toBe('unexpected number `2`');
  });

  it('name the given file in locations', () => {
    expect(parseBody('x :=', 'query.rego').diagnostics[0]!.loc!.file).toBe('query.rego');
  });
});
