import { describe, expect, it } from 'vitest';
import { format, formatSource } from '../../src/lang/format.js';
import { parseModule } from '../../src/lang/parse.js';
import { checkRoundTrip } from './format.helpers.js';

// Exact-output cases: each input must format to exactly the expected text, and the
// expected text must itself be a fixed point with the same AST and comments.

function fmt(text: string): string {
  const { module, diagnostics } = parseModule(text, 'case.gate');
  if (!module) throw new Error(`case does not parse: ${diagnostics.map((d) => d.message).join('; ')}`);
  return format(module, text);
}

const cases: Array<[name: string, input: string, expected: string]> = [
  [
    'normalizes spacing, indentation and blank lines',
    'package  a.b\nimport data.x.y as z\nimport input.q\np:=1\nq = 2\n\n\n\nr if {input.x==1\n    input.y!=2}\n',
    'package a.b\n\nimport data.x.y as z\nimport input.q\n\np := 1\nq = 2\n\nr if {\n\tinput.x == 1\n\tinput.y != 2\n}\n',
  ],
  [
    'keeps a one-literal body on one line when written so, braced otherwise',
    'package t\n\np if input.x\n\nq if {\n  input.y\n}\n\nr if { input.z }\n',
    'package t\n\np if input.x\n\nq if {\n\tinput.y\n}\n\nr if input.z\n',
  ],
  [
    'never unwraps a body whose only literal starts with a brace',
    'package t\n\np if { {false} }\n',
    'package t\n\np if {\n\t{false}\n}\n',
  ],
  [
    'writes collections canonically',
    "package t\n\na := [1,2,3]\ns := {1,2}\ne := set()\no := {\"a\":1,'b':[]}\n".replace("'b'", '"b"'),
    'package t\n\na := [1, 2, 3]\ns := {1, 2}\ne := set()\no := {"a": 1, "b": []}\n',
  ],
  [
    'breaks a collection whose first item starts on a later line, one item per line',
    'package t\n\nx := [\n  1, 2,\n  3]\ny := {"a": [\n1, 2], "b": 1}\nz := [1,\n2]\n',
    'package t\n\nx := [\n\t1,\n\t2,\n\t3,\n]\n\ny := {"a": [\n\t1,\n\t2,\n], "b": 1}\n\nz := [1, 2]\n',
  ],
  [
    'breaks a collection that would pass 100 columns',
    `package t\n\nlong := [${Array.from({ length: 20 }, (_, i) => `"item${i}"`).join(', ')}]\n`,
    `package t\n\nlong := [\n${Array.from({ length: 20 }, (_, i) => `\t"item${i}",\n`).join('')}]\n`,
  ],
  [
    're-escapes strings, keeps raw strings and numbers as written',
    'package t\n\na := "tab\\there \\u0041 \\/"\nb := `\\d+\\s*`\nc := 1.50e3\nd := -0.0\n',
    'package t\n\na := "tab\\there A /"\nb := `\\d+\\s*`\nc := 1.50e3\nd := -0.0\n',
  ],
  [
    'parenthesizes only where precedence requires',
    'package t\n\na := (1 + 2) * 3\nb := 1 + (2 * 3)\nc := (1 - 2) - 3\nd := 1 - (2 - 3)\ne := -(x + 1)\n',
    'package t\n\na := (1 + 2) * 3\nb := 1 + 2 * 3\nc := 1 - 2 - 3\nd := 1 - (2 - 3)\ne := -(x + 1)\n',
  ],
  [
    'writes some, every, not, with and comprehensions',
    'package t\n\np if {\nsome x in input.xs\nsome k,v in input.o\nevery y in input.ys { y > 1 ; y < 9 }\nnot input.z\nc := count([a | some a in input.xs; a > 1])\ns := {a | some a in input.xs}\no := {k2: v2 | some k2, v2 in input.o}\n}\n\ntest_p if {\np with input as {"xs": []} with data.d as 1\n}\n',
    'package t\n\np if {\n\tsome x in input.xs\n\tsome k, v in input.o\n\tevery y in input.ys {\n\t\ty > 1\n\t\ty < 9\n\t}\n\tnot input.z\n\tc := count([a | some a in input.xs; a > 1])\n\ts := {a | some a in input.xs}\n\to := {k2: v2 | some k2, v2 in input.o}\n}\n\ntest_p if {\n\tp with input as {"xs": []} with data.d as 1\n}\n',
  ],
  [
    'writes multi-line comprehensions one literal per line',
    'package t\n\nxs := [x |\n  some x in input.xs\n  x > 1\n]\n',
    'package t\n\nxs := [x |\n\tsome x in input.xs\n\tx > 1\n]\n',
  ],
  [
    'writes rule forms: default, contains, ref heads, functions, else',
    'package t\n\ndefault allow := false\nallow if input.ok\ndeny contains msg if { msg := "no" }\nobj[k] := 1 if { some k in input.ks }\na.b.c := 2\nf(x, y) := x + y\ng(x) := 1 if {\n x > 0\n} else := 2 if {\n  x < 0\n} else := 3\n',
    'package t\n\ndefault allow := false\nallow if input.ok\ndeny contains msg if msg := "no"\nobj[k] := 1 if some k in input.ks\na.b.c := 2\nf(x, y) := x + y\n\ng(x) := 1 if {\n\tx > 0\n} else := 2 if {\n\tx < 0\n} else := 3\n',
  ],
  [
    'keeps comments: header, leading, trailing, inside bodies and collections, at the end',
    '# header\n\n# about the package\npackage t # pkg\n\n# about p\np := 1 # one\n\nq if { # why\n  # first\n  input.x # x\n  # last\n} # end\n\nl := [\n  1, # a\n  # before 2\n  2,\n]\n\n# trailing 1\n\n# trailing 2\n',
    '# header\n\n# about the package\npackage t # pkg\n\n# about p\np := 1 # one\n\nq if { # why\n\t# first\n\tinput.x # x\n\t# last\n} # end\n\nl := [\n\t1, # a\n\t# before 2\n\t2,\n]\n\n# trailing 1\n\n# trailing 2\n',
  ],
  [
    'moves a comment out of a one-line body so it survives',
    'package t\n\np if { input.x # a\n}\n',
    'package t\n\np if {\n\tinput.x # a\n}\n',
  ],
  [
    'writes classifier declarations one clause per line',
    'package t\n\nclassifier card {\n  pattern `\\b(?:\\d[ -]?){12,18}\\d\\b`\n    validate luhn\n  context ["card","visa"]\n}\n\nclassifier kw { keywords ["ORION"]\n ignore_case\n}\n',
    'package t\n\nclassifier card {\n\tpattern `\\b(?:\\d[ -]?){12,18}\\d\\b`\n\tvalidate luhn\n\tcontext ["card", "visa"]\n}\n\nclassifier kw {\n\tkeywords ["ORION"]\n\tignore_case\n}\n',
  ],
  [
    'brackets `in` only where the grammar needs it',
    'package t\n\np if {\n\tx := 1 in {2}\n\ty := [1, (1 in [2])]\n\t(1 + 1) in [2]\n\t"k", 2 in {"k": 2}\n\tz := ("k", 2 in {"k": 2})\n\t(1 in [1]) == true\n\t({1} in [{1}]) in [true]\n}\n',
    'package t\n\np if {\n\tx := 1 in {2}\n\ty := [1, 1 in [2]]\n\t1 + 1 in [2]\n\t"k", 2 in {"k": 2}\n\tz := ("k", 2 in {"k": 2})\n\t(1 in [1]) == true\n\t{1} in [{1}] in [true]\n}\n',
  ],
  [
    'brackets a `|` in the first item of a collection, where it would start a comprehension',
    'package t\n\na := [(x | y), x | y]\nb := {(x | y) == z}\n',
    'package t\n\na := [(x | y), x | y]\nb := {(x | y) == z}\n',
  ],
  [
    'brackets a literal that would start a line with `-` after another literal',
    'package t\n\np if {\n\t-1 < 0; -x == 1; x := 2\n}\n',
    'package t\n\np if {\n\t-1 < 0\n\t(-x) == 1\n\tx := 2\n}\n',
  ],
  [
    'keeps `with` chains one per line when written so',
    'package t\n\ntest_a if {\n\tallow with input as {} with data.x as 1\n}\n\ntest_b if {\n\tallow with input as {}\n\t\twith data.x as 1 # x\n    with f as g\n}\n',
    'package t\n\ntest_a if {\n\tallow with input as {} with data.x as 1\n}\n\ntest_b if {\n\tallow with input as {}\n\t\twith data.x as 1 # x\n\t\twith f as g\n}\n',
  ],
  [
    'joins `else` to the closing brace',
    'package t\n\nq if {\n\tfalse\n}\n\nelse := true\n\nr := 1 if {\n\tinput.a\n} else = 2 if input.b\n',
    'package t\n\nq if {\n\tfalse\n} else := true\n\nr := 1 if {\n\tinput.a\n} else = 2 if {\n\tinput.b\n}\n',
  ],
  [
    'moves a comment that sat inside an expression to its own line after it',
    'package t\n\np if {\n\tx := 1 + # why\n\t\t2\n\ty := x\n}\n',
    'package t\n\np if {\n\tx := 1 + 2\n\t# why\n\ty := x\n}\n',
  ],
  [
    'breaks a `with` chain that would pass 100 columns',
    `package t\n\ntest_x if {\n\tallow with input as {"user": {"name": "alice", "groups": ["admins"]}} with data.roles as {"admins": ["read"]}\n}\n`,
    `package t\n\ntest_x if {\n\tallow with input as {"user": {"name": "alice", "groups": ["admins"]}}\n\t\twith data.roles as {"admins": ["read"]}\n}\n`,
  ],
  [
    'keeps a one-line body after a multi-line head',
    'package t\n\nfoo := sprintf(\n\t"%d",\n\t1,\n) if allow\n',
    'package t\n\nfoo := sprintf(\n\t"%d",\n\t1,\n) if allow\n',
  ],
  [
    'writes empty classifiers, dotted names and import paths that need brackets',
    'package a["b-c"].d\nimport data.x["y-z"]\nclassifier acme.code {}\nclassifier other {\n  # nothing yet\n}\n',
    'package a["b-c"].d\n\nimport data.x["y-z"]\n\nclassifier acme.code {}\n\nclassifier other {\n\t# nothing yet\n}\n',
  ],
  [
    'keeps comments between a closing brace and `else` in place',
    'package t\n\np := 1 if {\n\tfalse\n} # c1\n# c2\nelse := 2 # c3\n',
    'package t\n\np := 1 if {\n\tfalse\n} # c1\n# c2\nelse := 2 # c3\n',
  ],
];

describe('format: exact output', () => {
  for (const [name, input, expected] of cases) {
    it(name, () => {
      expect(fmt(input)).toBe(expected);
      checkRoundTrip(input);
      expect(fmt(expected)).toBe(expected);
    });
  }
});

describe('formatSource', () => {
  it('formats text that parses', () => {
    const r = formatSource('package t\np:=1\n', 'a.gate');
    expect(r.diagnostics).toEqual([]);
    expect(r.output).toBe('package t\n\np := 1\n');
  });

  it('returns the parse diagnostics and no output when the text does not parse', () => {
    const r = formatSource('package t\n\np := \n', 'bad.gate');
    expect(r.output).toBeUndefined();
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics[0]!.code).toBe('parse_error');
    expect(r.diagnostics).toEqual(parseModule('package t\n\np := \n', 'bad.gate').diagnostics);
  });
});
