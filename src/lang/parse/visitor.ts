// CST → AST. The grammar (grammar/parser.ts) decides structure; this visitor builds the
// AST of src/lang/ast.ts and reports what the grammar cannot express: what may be
// assigned, what `some` and `with` accept, rule shapes that are not allowed, literals
// that do not decode. It never throws on a well-formed CST: problems become diagnostics.

import type { CstNode, IToken } from 'chevrotain';
import type {
  Body,
  ClassifierClause,
  ClassifierDecl,
  Comment,
  ElseClause,
  Import,
  Literal,
  Location,
  Module,
  Rule,
  RuleHead,
  Statement,
  StringTerm,
  Term,
  VarTerm,
  WithModifier,
  RefTerm,
} from '../ast.js';
import { error, type Diagnostic } from '../diagnostics.js';
import { firstToken, lastToken, node, nodes, tok, toks, type Kids } from './cst.js';
import { numberProblem, unescapeString } from './literals.js';
import { tokenLoc } from './errors.js';
import { attachKey, calleeName, climb, describeTerm, findNonConstant, isAssignable, isPattern, isScalar, span } from './terms.js';

const ALLOWED_FUTURE_KEYWORDS = new Set(['in', 'if', 'contains', 'every']);

export class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly file: string) {}

  // ------------------------------------------------------------ locations

  tokLoc(t: IToken): Location {
    return tokenLoc(this.file, t);
  }

  /** From the node's first token to its last. */
  nodeLoc(n: CstNode): Location {
    return this.tokSpan(firstToken(n)!, lastToken(n)!);
  }

  tokSpan(first: IToken, last: IToken): Location {
    return {
      file: this.file,
      line: first.startLine!,
      col: first.startColumn!,
      endLine: last.endLine!,
      endCol: last.endColumn! + 1,
      offset: first.startOffset,
      endOffset: last.endOffset! + 1,
    };
  }

  private fail(message: string, loc: Location, hint?: string): void {
    this.diagnostics.push(error('parse_error', message, loc, hint ? { hint } : undefined));
  }

  // ------------------------------------------------------------ module

  module(cst: CstNode, comments: Comment[], text: string): Module {
    const pkg = node(cst, 'packageDecl')!;
    const { parts, loc: packageLoc } = this.packageDecl(pkg);
    const mod: Module = {
      type: 'module',
      file: this.file,
      package: parts,
      packageLoc,
      imports: [],
      rules: [],
      classifiers: [],
      comments,
      loc: this.wholeText(text),
    };
    this.statements(node(cst, 'statements')!, mod);
    return mod;
  }

  private wholeText(text: string): Location {
    let line = 1;
    let lastNl = -1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      line++;
      lastNl = i;
    }
    return { file: this.file, line: 1, col: 1, endLine: line, endCol: text.length - lastNl, offset: 0, endOffset: text.length };
  }

  statements(n: CstNode, mod: Module): void {
    for (const d of nodes(n, 'importDecl')) mod.imports.push(this.importDecl(d));
    for (const c of nodes(n, 'classifierDecl')) mod.classifiers.push(this.classifierDecl(c));
    for (const r of nodes(n, 'rule')) {
      const rule = this.rule(r);
      if (rule) mod.rules.push(rule);
    }
    for (const p of nodes(n, 'packageDecl')) {
      this.fail('a module has exactly one `package` declaration, at its start', this.nodeLoc(p));
    }
  }

  packageDecl(n: CstNode): { parts: string[]; loc: Location } {
    const path = this.path(node(n, 'path')!);
    return { parts: path.parts, loc: this.nodeLoc(n) };
  }

  path(n: CstNode): { parts: string[]; locs: Location[] } {
    const first = tok(n, 'first')!;
    const parts = [first.image];
    const locs = [this.tokLoc(first)];
    for (const p of nodes(n, 'pathPart')) {
      const name = tok(p, 'Name');
      if (name) {
        parts.push(name.image);
        locs.push(this.tokLoc(name));
      } else {
        const s = this.stringToken(tok(p, 'String')!);
        parts.push(s.value);
        locs.push(s.loc);
      }
    }
    return { parts, locs };
  }

  importDecl(n: CstNode): Import {
    const { parts, locs } = this.path(node(n, 'path')!);
    const loc = this.nodeLoc(n);
    const aliasTok = tok(n, 'alias');
    const root = parts[0]!;
    const pathLoc = span(locs[0]!, locs[locs.length - 1]!);
    if (root === 'rego') {
      if (parts.length !== 2 || parts[1] !== 'v1') {
        this.fail(`unsupported import \`${parts.join('.')}\`: only \`import rego.v1\` is supported`, pathLoc);
      }
    } else if (root === 'future') {
      if (parts[1] !== 'keywords' || parts.length > 3) {
        this.fail(`unsupported import \`${parts.join('.')}\`: expected \`future.keywords\` or \`future.keywords.<keyword>\``, pathLoc);
      } else if (parts.length === 3 && !ALLOWED_FUTURE_KEYWORDS.has(parts[2]!)) {
        this.fail(`unsupported future keyword \`${parts[2]}\`: known ones are \`in\`, \`if\`, \`contains\` and \`every\``, locs[2]!);
      }
    } else if (root !== 'data' && root !== 'input') {
      this.fail(`import path must start with \`data\`, \`input\`, \`future\` or \`rego\`, not \`${root}\``, locs[0]!);
    }
    if (aliasTok && (root === 'future' || root === 'rego')) {
      this.fail(`\`import ${parts.join('.')}\` cannot have an alias`, this.tokLoc(aliasTok));
    }
    return aliasTok ? { path: parts, alias: aliasTok.image, loc } : { path: parts, loc };
  }

  // ------------------------------------------------------------ classifiers

  classifierDecl(n: CstNode): ClassifierDecl {
    const name = [tok(n, 'nameFirst')!.image, ...toks(n, 'nameRest').map((t) => t.image)].join('.');
    const clauses: ClassifierClause[] = [];
    let prev: { endLine: number; semi: boolean } | undefined;
    for (const c of nodes(n, 'classifierClause')) {
      const loc = this.nodeLoc(c);
      const keyword = tok(c, 'keyword')!.image;
      const argNode = node(c, 'arg');
      const semi = tok(c, 'Semi') !== undefined;
      if (prev && !prev.semi && prev.endLine === loc.line) {
        this.fail(`classifier clause \`${keyword}\` must start on a new line`, loc, 'write one clause per line: a keyword and at most one value');
      }
      const clauseEnd = argNode ? this.nodeLoc(argNode) : this.tokLoc(tok(c, 'keyword')!);
      prev = { endLine: clauseEnd.endLine, semi };
      const clauseLoc = span(loc, clauseEnd);
      clauses.push(argNode ? { keyword, arg: this.term(argNode), loc: clauseLoc } : { keyword, loc: clauseLoc });
    }
    return { type: 'classifier', name, clauses, loc: this.nodeLoc(n) };
  }

  // ------------------------------------------------------------ rules

  rule(n: CstNode): Rule | undefined {
    const defaultTok = tok(n, 'Default');
    const isDefault = defaultTok !== undefined;
    const headNode = node(n, 'ruleHead')!;
    const head = this.ruleHead(headNode);
    const keyNode = node(n, 'key');
    const valueNode = node(n, 'value');
    if (keyNode) {
      head.key = this.expr(keyNode);
      head.loc = span(head.loc, head.key.loc);
      if (head.args) this.fail('`contains` cannot be used in a function definition', this.tokLoc(tok(n, 'Contains')!));
    } else if (valueNode) {
      head.value = this.expr(valueNode);
      head.assign = tok(n, 'Assign') ? ':=' : '=';
      head.loc = span(head.loc, head.value.loc);
    }
    const bodyNode = node(n, 'ruleBody');
    const { body, hasBody, loc: bodyLoc } = bodyNode ? this.ruleBody(bodyNode) : { body: [], hasBody: false, loc: undefined };
    const elses = nodes(n, 'elseClause').map((e) => this.elseClause(e));
    const start = defaultTok ? this.tokLoc(defaultTok) : head.loc;
    const loc = span(start, elses.length > 0 ? elses[elses.length - 1]!.loc : (bodyLoc ?? head.loc));

    if (isDefault) {
      if (head.key) this.fail('`default` cannot be used with `contains`', head.loc);
      else if (!head.value) this.fail(`a default rule needs a value: \`default ${head.name} := <value>\``, head.loc);
      if (hasBody) this.fail('a default rule cannot have a body', bodyLoc!, 'write `default p := <value>` and put conditions on a separate rule');
      if (head.value) this.checkConstant(head.value, 'default value');
      for (const arg of head.args ?? []) {
        if (arg.type !== 'var') this.fail(`arguments of a default function are variables, not ${describeTerm(arg)}`, arg.loc);
      }
    }
    if (elses.length > 0) {
      const first = elses[0]!.loc;
      if (head.key) this.fail('`else` cannot be used with a partial set rule (`contains`)', first);
      else if (isDefault) this.fail('`else` cannot follow a default rule', first);
      else if (head.ref.some((t) => !isScalar(t))) this.fail('`else` cannot be used on a rule with variables in its head', first);
      else if (!hasBody) this.fail('`else` must follow a rule body (`if ...`)', first);
      for (let i = 0; i < elses.length - 1; i++) {
        if (!elses[i]!.hasBody) this.fail('only the last `else` may omit its body', elses[i]!.loc);
      }
    }
    return { type: 'rule', isDefault, head, body, hasBody, elses, loc };
  }

  /** Default values are constants: no variables, references or calls outside comprehensions. */
  private checkConstant(t: Term, what: string): void {
    const bad = findNonConstant(t);
    if (bad) this.fail(`${what} must be a constant, not ${describeTerm(bad)}`, bad.loc);
  }

  ruleHead(n: CstNode): RuleHead {
    const nameTok = tok(n, 'name')!;
    const ref: Term[] = [];
    const refDotted: boolean[] = [];
    let last = nameTok;
    for (const r of nodes(n, 'headRef')) {
      const name = tok(r, 'Name');
      if (name) {
        ref.push(this.stringFromName(name));
        refDotted.push(true);
        last = name;
      } else {
        ref.push(this.expr(node(r, 'expr')!));
        refDotted.push(false);
        last = tok(r, 'RBrack')!;
      }
    }
    const head: RuleHead = { name: nameTok.image, ref, refDotted, loc: this.tokSpan(nameTok, tok(n, 'RParen') ?? last) };
    if (tok(n, 'LParen')) {
      const argsNode = node(n, 'args');
      head.args = argsNode ? this.args(argsNode) : [];
      for (const arg of head.args) {
        if (!isPattern(arg)) {
          this.fail(`function arguments are variables, constants or array/object patterns, not ${describeTerm(arg)}`, arg.loc);
        }
      }
    }
    return head;
  }

  ruleBody(n: CstNode): { body: Body; hasBody: boolean; loc: Location } {
    const ifTok = tok(n, 'If');
    const brace = node(n, 'braceBody');
    if (brace) {
      const braceLoc = this.tokSpan(tok(brace, 'LCurly')!, tok(brace, 'RCurly')!);
      return { body: this.query(node(brace, 'query')!), hasBody: true, loc: ifTok ? span(this.tokLoc(ifTok), braceLoc) : braceLoc };
    }
    const lit = this.literal(node(n, 'literal')!);
    if (lit.stmt.type === 'term' && lit.stmt.term.type === 'object' && lit.stmt.term.entries.length === 0 && lit.with.length === 0 && !lit.negated) {
      this.fail('empty body: a body needs at least one expression', lit.loc);
    }
    return { body: [lit], hasBody: true, loc: span(this.tokLoc(ifTok!), lit.loc) };
  }

  elseClause(n: CstNode): ElseClause {
    const valueNode = node(n, 'value');
    const bodyNode = node(n, 'ruleBody');
    const elseLoc = this.tokLoc(tok(n, 'Else')!);
    const value = valueNode ? this.expr(valueNode) : undefined;
    const { body, hasBody, loc: bodyLoc } = bodyNode ? this.ruleBody(bodyNode) : { body: [], hasBody: false, loc: undefined };
    const clause: ElseClause = { body, hasBody, loc: span(elseLoc, bodyLoc ?? value?.loc ?? elseLoc) };
    if (value) {
      clause.value = value;
      clause.assign = tok(n, 'Assign') ? ':=' : '=';
    }
    return clause;
  }

  // ------------------------------------------------------------ bodies

  query(n: CstNode): Body {
    return nodes(n, 'literal').map((l) => this.literal(l));
  }

  literal(n: CstNode): Literal {
    const withs = nodes(n, 'withModifier').map((w) => this.withModifier(w));
    const notTok = tok(n, 'Not');
    const negated = notTok !== undefined;
    let stmt: Statement;
    let stmtLoc: Location;
    const some = node(n, 'someDecl');
    const every = node(n, 'everyStmt');
    if (some) {
      stmt = this.someDecl(some);
      stmtLoc = this.tokSpan(tok(some, 'Some')!, lastToken(some)!);
    } else if (every) {
      stmt = this.everyStmt(every);
      stmtLoc = this.tokSpan(tok(every, 'Every')!, tok(node(every, 'braceBody')!, 'RCurly')!);
    } else {
      stmt = this.exprStmt(n, negated);
      stmtLoc = stmt.type === 'term' ? stmt.term.loc : span((stmt as { lhs: Term }).lhs.loc, (stmt as { rhs: Term }).rhs.loc);
    }
    const start = notTok ? this.tokLoc(notTok) : stmtLoc;
    const loc = span(start, withs.length > 0 ? withs[withs.length - 1]!.loc : stmtLoc);
    return { negated, with: withs, stmt, loc };
  }

  someDecl(n: CstNode): Statement {
    const items = nodes(n, 'items').map((v) => this.expr(v));
    const last = items[items.length - 1]!;
    // `some k, v in xs` arrives as [k, (v in xs)]; `some x in xs` as [(x in xs)].
    if (last.type === 'membership' && !last.key && items.length <= 2) {
      for (let i = 0; i < items.length - 1; i++) this.checkNoMembership(items[i]!);
      if (items.length === 2) return { type: 'somein', key: items[0]!, value: last.value, collection: last.collection, };
      return { type: 'somein', value: last.value, collection: last.collection };
    }
    if (last.type === 'membership') {
      this.fail('`some ... in` takes a value or a key and a value: `some x in xs` or `some k, v in xs`', span(items[0]!.loc, last.loc));
      return { type: 'somein', value: last.value, collection: last.collection };
    }
    const declared: VarTerm[] = [];
    for (const v of items) {
      if (v.type === 'var') declared.push(v);
      else this.fail(`\`some\` declares variables: expected a variable name, found ${describeTerm(v)}`, v.loc, 'write `some x, y` or `some x in xs`');
    }
    return { type: 'some', vars: declared };
  }

  private checkNoMembership(t: Term): void {
    if (t.type === 'membership') this.fail('unexpected `in` before `,`: write `some k, v in xs`', t.loc);
  }

  everyStmt(n: CstNode): Statement {
    const first = this.varFromToken(tok(n, 'first')!);
    const secondTok = tok(n, 'second');
    const domain = this.expr(node(n, 'domain')!);
    const body = this.query(node(node(n, 'braceBody')!, 'query')!);
    if (secondTok) return { type: 'every', key: first, value: this.varFromToken(secondTok), domain, body };
    return { type: 'every', value: first, domain, body };
  }

  private exprStmt(n: CstNode, negated: boolean): Statement {
    const lhs = this.expr(node(n, 'lhs')!);
    const rhsNode = node(n, 'rhs');
    if (!rhsNode) return { type: 'term', term: lhs };
    const rhs = this.expr(rhsNode);
    if (tok(n, 'Assign')) {
      if (!isAssignable(lhs)) {
        this.fail(
          `cannot assign to ${describeTerm(lhs)}: the left side of \`:=\` must be a variable or an array/object pattern`,
          lhs.loc,
          'use `==` to compare, or `=` to unify',
        );
      }
      if (negated) this.fail('`not` cannot be applied to an assignment', this.tokLoc(tok(n, 'Assign')!));
      return { type: 'assign', lhs, rhs };
    }
    return { type: 'unify', lhs, rhs };
  }

  withModifier(n: CstNode): WithModifier {
    const target = this.term(node(n, 'target')!);
    const value = this.expr(node(n, 'value')!);
    const loc = span(this.tokLoc(tok(n, 'With')!), value.loc);
    if (target.type === 'var') return { target, value, loc };
    if (target.type === 'ref' && target.head.type === 'var') return { target, value, loc };
    this.fail(`\`with\` target must be a reference such as \`input.x\` or \`data.y\`, not ${describeTerm(target)}`, target.loc);
    return { target: { type: 'var', name: '_', loc: target.loc }, value, loc };
  }

  // ------------------------------------------------------------ expressions

  /** A flat `term (op term)*` chain, with OPA's precedence applied here. */
  expr(n: CstNode): Term {
    const left = this.chain(nodes(n, 'operands'), toks(n, 'ops'));
    const kvOperands = nodes(n, 'kvOperands');
    if (kvOperands.length === 0) return left;
    // `k, v in xs`: the part after the comma must be `v in xs` (possibly chained further).
    const kvOps = toks(n, 'kvOps');
    const right = this.chain(kvOperands, kvOps);
    const kv = attachKey(left, right, kvOps.filter((op) => op.tokenType.name === 'In').length);
    if (!kv) {
      this.fail('expected `in` after `k, v`: write `k, v in xs`', right.loc);
      return left;
    }
    return kv;
  }

  private chain(operandNodes: CstNode[], ops: IToken[]): Term {
    const first = this.term(operandNodes[0]!);
    if (ops.length === 0) return first;
    const operands: Term[] = [first];
    for (let i = 1; i < operandNodes.length; i++) operands.push(this.term(operandNodes[i]!));
    return climb(ops, operands, { i: 0 }, first, 0);
  }

  /** `-x`, a primary term, and its `.a`, `[b]`, `(args)` suffixes. */
  term(n: CstNode): Term {
    const minus = tok(n, 'Minus');
    const suffixes = nodes(n, 'refSuffix');
    if (minus) {
      const minusLoc = this.tokLoc(minus);
      const atom = tok(n, 'Atom');
      const num = atom?.tokenType.name === 'Number' ? atom : undefined;
      // `-1` is a number literal; `-x`, `-(1)` and `-f(x)` are unary minus.
      if (num && suffixes.length === 0) {
        const raw = '-' + num.image;
        const loc = span(minusLoc, this.tokLoc(num));
        const problem = numberProblem(raw);
        if (problem) this.fail(problem, loc);
        return { type: 'number', raw, loc };
      }
      const operand = this.postfix(n, suffixes);
      return { type: 'unary', op: '-', operand, loc: span(minusLoc, operand.loc) };
    }
    return this.postfix(n, suffixes);
  }

  private postfix(n: CstNode, suffixes: CstNode[]): Term {
    let head = this.primary(n);
    if (suffixes.length === 0) return head;
    const start = head.loc;
    let path: Term[] = [];
    let dotted: boolean[] = [];
    let end = start;
    for (const s of suffixes) {
      const sLoc = this.tokLoc(tok(s, 'Name') ?? tok(s, 'RBrack') ?? tok(s, 'RParen')!);
      const name = tok(s, 'Name');
      if (name) {
        path.push(this.stringFromName(name));
        dotted.push(true);
      } else if (tok(s, 'LBrack')) {
        path.push(this.expr(node(s, 'expr')!));
        dotted.push(false);
      } else {
        const callee = path.length > 0 ? this.ref(head, path, dotted, span(start, end)) : head;
        const argsNode = node(s, 'args');
        const args = argsNode ? this.args(argsNode) : [];
        const fn = calleeName(callee);
        const callLoc = span(start, sLoc);
        if (!fn) {
          this.fail(`cannot call ${describeTerm(callee)}: a function is called by name, as in \`f(x)\` or \`a.b.f(x)\``, callee.loc);
          head = { type: 'call', fn: ['_'], fnLoc: callee.loc, args, loc: callLoc };
        } else if (fn.length === 1 && fn[0] === 'set' && args.length === 0) {
          head = { type: 'set', items: [], loc: callLoc };
        } else {
          head = { type: 'call', fn, fnLoc: callee.loc, args, loc: callLoc };
        }
        path = [];
        dotted = [];
      }
      end = sLoc;
    }
    if (path.length === 0) return head;
    if (head.type === 'null' || head.type === 'boolean' || head.type === 'number' || head.type === 'string') {
      this.fail(`a reference cannot start with ${describeTerm(head)}`, head.loc);
    }
    return this.ref(head, path, dotted, span(start, end));
  }

  private ref(head: Term, path: Term[], dotted: boolean[], loc: Location): RefTerm {
    return { type: 'ref', head, path, dotted, loc };
  }

  args(n: CstNode): Term[] {
    return nodes(n, 'items').map((i) => this.expr(i));
  }

  private primary(n: CstNode): Term {
    const kids = n.children as Kids;
    const t = kids.Atom?.[0] as IToken | undefined;
    if (t) {
      switch (t.tokenType.name) {
        case 'Ident':
        case 'Classifier':
        case 'Contains':
          return this.varFromToken(t);
        case 'Number': {
          const loc = this.tokLoc(t);
          const problem = numberProblem(t.image);
          if (problem) this.fail(problem, loc);
          return { type: 'number', raw: t.image, loc };
        }
        case 'True':
          return { type: 'boolean', value: true, loc: this.tokLoc(t) };
        case 'False':
          return { type: 'boolean', value: false, loc: this.tokLoc(t) };
        case 'Null':
          return { type: 'null', loc: this.tokLoc(t) };
        default:
          return this.stringToken(t);
      }
    }
    const arr = kids.arrayLit?.[0] as CstNode | undefined;
    if (arr) return this.arrayLit(arr);
    const brace = kids.braceLit?.[0] as CstNode | undefined;
    if (brace) return this.braceLit(brace);
    return this.expr(kids.paren![0] as CstNode);
  }

  arrayLit(n: CstNode): Term {
    const loc = this.tokSpan(tok(n, 'LBrack')!, tok(n, 'RBrack')!);
    const firstNode = node(n, 'first');
    if (!firstNode) return { type: 'array', items: [], loc };
    const first = this.expr(firstNode);
    const body = node(n, 'body');
    if (body) return { type: 'arraycompr', term: first, body: this.query(body), loc };
    return { type: 'array', items: [first, ...nodes(n, 'items').map((i) => this.expr(i))], loc };
  }

  braceLit(n: CstNode): Term {
    const loc = this.tokSpan(tok(n, 'LCurly')!, tok(n, 'RCurly')!);
    const firstNode = node(n, 'first');
    if (!firstNode) return { type: 'object', entries: [], loc };
    const first = this.expr(firstNode);
    const firstValue = node(n, 'firstValue');
    if (firstValue) {
      const value = this.expr(firstValue);
      const objBody = node(n, 'objBody');
      if (objBody) return { type: 'objectcompr', key: first, value, body: this.query(objBody), loc };
      const entries: Array<[Term, Term]> = [[first, value]];
      const keys = nodes(n, 'keys');
      const values = nodes(n, 'values');
      for (let i = 0; i < keys.length; i++) entries.push([this.expr(keys[i]!), this.expr(values[i]!)]);
      return { type: 'object', entries, loc };
    }
    const setBody = node(n, 'setBody');
    if (setBody) return { type: 'setcompr', term: first, body: this.query(setBody), loc };
    return { type: 'set', items: [first, ...nodes(n, 'items').map((i) => this.expr(i))], loc };
  }

  // ------------------------------------------------------------ leaves

  varFromToken(t: IToken): VarTerm {
    return { type: 'var', name: t.image, loc: this.tokLoc(t) };
  }

  stringFromName(t: IToken): StringTerm {
    return { type: 'string', value: t.image, rawString: false, loc: this.tokLoc(t) };
  }

  stringToken(t: IToken): StringTerm {
    const loc = this.tokLoc(t);
    const kind = t.tokenType.name;
    if (kind === 'RawString') return { type: 'string', value: t.image.slice(1, -1), rawString: true, loc };
    if (kind === 'UnterminatedRawString') return { type: 'string', value: t.image.slice(1), rawString: true, loc };
    if (kind === 'SingleQuotedString') return { type: 'string', value: t.image.slice(1, -1), rawString: false, loc };
    const { value, badEscapeAt } = unescapeString(t.image);
    if (badEscapeAt !== undefined && kind === 'QuotedString') {
      const at = { ...loc, col: loc.col + badEscapeAt, offset: loc.offset + badEscapeAt };
      const esc = t.image.slice(badEscapeAt, badEscapeAt + 2);
      this.fail(`invalid escape \`${esc}\` in string`, { ...at, endLine: at.line, endCol: at.col + 2, endOffset: at.offset + 2 }, 'valid escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; raw strings (`...`) take no escapes');
    }
    return { type: 'string', value, rawString: false, loc };
  }
}
