// The abstract syntax tree of a .gate module. It is the contract between the parser
// (src/lang/parse.ts), the checker, the formatter and the compiler: every stage reads
// these shapes and nothing else. Locations are 1-based lines and columns; offsets are
// 0-based indexes into the source text (end exclusive).

export interface Location {
  file: string;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  offset: number;
  endOffset: number;
}

// ---------------------------------------------------------------- terms

export type Term =
  | NullTerm
  | BooleanTerm
  | NumberTerm
  | StringTerm
  | VarTerm
  | RefTerm
  | ArrayTerm
  | SetTerm
  | ObjectTerm
  | ArrayComprehension
  | SetComprehension
  | ObjectComprehension
  | CallTerm
  | BinaryTerm
  | UnaryTerm
  | MembershipTerm;

export interface NullTerm {
  type: 'null';
  loc: Location;
}
export interface BooleanTerm {
  type: 'boolean';
  value: boolean;
  loc: Location;
}
/** `raw` is the literal as written (kept for big numbers and the formatter). */
export interface NumberTerm {
  type: 'number';
  raw: string;
  loc: Location;
}
/** `rawString` is true for backtick strings (`...`), which have no escapes. */
export interface StringTerm {
  type: 'string';
  value: string;
  rawString: boolean;
  loc: Location;
}
/** `_` is a wildcard: each occurrence is a fresh, distinct variable. */
export interface VarTerm {
  type: 'var';
  name: string;
  loc: Location;
}
/**
 * A reference `head.a[b]["c"]`. `head` is a var (`input`, `data`, a local, a rule
 * name, an import alias), or a composite / call / comprehension term. Each path
 * element is a term: `.a` becomes a string term with `dot: true` in `dotted`.
 */
export interface RefTerm {
  type: 'ref';
  head: Term;
  path: Term[];
  /** parallel to path: true where the element was written `.name` */
  dotted: boolean[];
  loc: Location;
}
export interface ArrayTerm {
  type: 'array';
  items: Term[];
  loc: Location;
}
/** `set()` and `{1, 2}` */
export interface SetTerm {
  type: 'set';
  items: Term[];
  loc: Location;
}
export interface ObjectTerm {
  type: 'object';
  entries: Array<[Term, Term]>;
  loc: Location;
}
export interface ArrayComprehension {
  type: 'arraycompr';
  term: Term;
  body: Body;
  loc: Location;
}
export interface SetComprehension {
  type: 'setcompr';
  term: Term;
  body: Body;
  loc: Location;
}
export interface ObjectComprehension {
  type: 'objectcompr';
  key: Term;
  value: Term;
  body: Body;
  loc: Location;
}
/**
 * A function call. `fn` is the dotted name as written: `["count"]`,
 * `["regex", "match"]`, `["data", "lib", "f"]`, `["groups", "is_admin"]` (via import).
 * OPA's older form with the output as an extra last argument (`count(x, n)`) is
 * kept as written; the compiler recognises it by arity.
 */
export interface CallTerm {
  type: 'call';
  fn: string[];
  fnLoc: Location;
  args: Term[];
  loc: Location;
}
export type BinaryOp =
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '&'
  | '|';
export interface BinaryTerm {
  type: 'binary';
  op: BinaryOp;
  left: Term;
  right: Term;
  loc: Location;
}
/** Only unary minus on a non-literal (`-x`); `-1` is a number literal. */
export interface UnaryTerm {
  type: 'unary';
  op: '-';
  operand: Term;
  loc: Location;
}
/** `x in xs` or `k, v in obj` used as an expression (true/false). */
export interface MembershipTerm {
  type: 'membership';
  key?: Term;
  value: Term;
  collection: Term;
  loc: Location;
}

// ---------------------------------------------------------------- bodies

export type Body = Literal[];

export interface WithModifier {
  /** the target as written: `input`, `input.user`, `data.x.y`, `time.now_ns`, `f` */
  target: RefTerm | VarTerm;
  value: Term;
  loc: Location;
}

export interface Literal {
  negated: boolean;
  with: WithModifier[];
  stmt: Statement;
  loc: Location;
}

export type Statement =
  | TermStatement
  | AssignStatement
  | UnifyStatement
  | SomeDecl
  | SomeInDecl
  | EveryStatement;

/** A bare expression: true when defined and not `false`. */
export interface TermStatement {
  type: 'term';
  term: Term;
}
/** `x := e` declares local(s); the lhs may be a var or an array/object pattern. */
export interface AssignStatement {
  type: 'assign';
  lhs: Term;
  rhs: Term;
}
/** `a = b` unification. */
export interface UnifyStatement {
  type: 'unify';
  lhs: Term;
  rhs: Term;
}
/** `some x, y` */
export interface SomeDecl {
  type: 'some';
  vars: VarTerm[];
}
/** `some x in xs` / `some k, v in xs`; key and value may be patterns. */
export interface SomeInDecl {
  type: 'somein';
  key?: Term;
  value: Term;
  collection: Term;
}
/** `every x in xs { ... }` / `every k, v in xs { ... }` */
export interface EveryStatement {
  type: 'every';
  key?: VarTerm;
  value: VarTerm;
  domain: Term;
  body: Body;
}

// ---------------------------------------------------------------- rules

export interface RuleHead {
  /** the first name of the head: `p` in `p.q[x] := 1` */
  name: string;
  /** the rest of a ref head: `.q` is a string term, `[x]` any term; empty for `p` */
  ref: Term[];
  /** parallel to ref, true for `.name` elements */
  refDotted: boolean[];
  /** function arguments (`f(x, y)`); present only on functions */
  args?: Term[];
  /** `contains` key: `p contains x` / `p.q contains x` */
  key?: Term;
  /** the value after `:=` or `=`; absent means `true` */
  value?: Term;
  assign?: ':=' | '=';
  loc: Location;
}

export interface ElseClause {
  value?: Term;
  assign?: ':=' | '=';
  body: Body;
  /** true when the body was written with `if` (bodyless `else := v` is allowed) */
  hasBody: boolean;
  loc: Location;
}

export interface Rule {
  type: 'rule';
  isDefault: boolean;
  head: RuleHead;
  /** empty when the rule has no body (`p := 1`) */
  body: Body;
  /** true when written with a body (`if ...`); false for `p := 1` */
  hasBody: boolean;
  elses: ElseClause[];
  loc: Location;
}

// ---------------------------------------------------------------- classifiers

/**
 * `classifier name { clause... }`. Clauses are kept generic so the checker owns the
 * rules of what is valid: `pattern` `...`, `keywords [...]`, `validate luhn`,
 * `validate entropy(3.5)`, `context [...]`, `ignore_case`, `max_length 64`,
 * `description "..."`. A clause is a keyword and at most one term on the same line.
 */
export interface ClassifierClause {
  keyword: string;
  arg?: Term;
  loc: Location;
}

export interface ClassifierDecl {
  type: 'classifier';
  name: string;
  clauses: ClassifierClause[];
  loc: Location;
}

// ---------------------------------------------------------------- modules

export interface Import {
  /** `data.x.y`, `input.a`, `rego.v1`, `future.keywords.in` */
  path: string[];
  alias?: string;
  loc: Location;
}

export interface Comment {
  /** the text after `#` */
  text: string;
  loc: Location;
}

export interface Module {
  type: 'module';
  file: string;
  /** `package a.b` → ["a", "b"] */
  package: string[];
  packageLoc: Location;
  imports: Import[];
  rules: Rule[];
  classifiers: ClassifierDecl[];
  comments: Comment[];
  loc: Location;
}
