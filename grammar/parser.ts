// The .gate grammar as a Chevrotain CST parser. It only recognises structure; the AST
// (src/lang/ast.ts) is built by the visitor in src/lang/parse/visitor.ts, which also
// reports the problems a grammar cannot express (what may be assigned, etc.).
//
// Expressions are parsed as a flat `term (op term)*` chain (one CST node, not one
// per precedence level: much faster) and the visitor applies OPA's precedence,
// lowest first:
//   := =   (literal level)
//   in     (`x in xs`, `k, v in xs`)
//   == != < <= > >=
//   |
//   &
//   + -
//   * / %
//   unary -, then refs and calls (`a.b[c]`, `f(x).y`)
//
// Errors: Chevrotain's in-rule recovery is off. Its re-sync cannot find its footing in
// a newline-sensitive language where a name may start a statement or an expression,
// and it invents cascades of errors. src/lang/parse.ts instead restarts at the next
// statement after an error, so each broken rule is reported once.
//
// Newlines: see grammar/lexer.ts. Two gates use token positions:
//   - body literals are separated by `;` or a newline;
//   - a ref/call suffix (`.x`, `[x]`, `(x)`) must touch the term before it, so that a
//     literal on the next line starting with `[` or `(` is not read as an index or call.

import { CstParser, EOF, type CstNode, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import * as T from './lexer.js';

/** Flags of an `expr`: where it sits decides what `,` and `|` mean after it. */
export const KV = 1; // `k, v in xs` allowed (not inside lists, where `,` separates items)
export const NOBAR = 2; // a top-level `|` ends the term: it starts a comprehension body

function tokenLabel(t: TokenType): string {
  if (t === EOF) return 'end of file';
  return t.LABEL ?? t.name;
}

/**
 * Chevrotain builds error messages through this provider. We encode what is known
 * (expected token labels, rule) as JSON; src/lang/parse turns it into a plain-words
 * diagnostic, so the wording lives in one place.
 */
export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, ruleName }) {
    return JSON.stringify({ expected: [tokenLabel(expected)], rule: ruleName });
  },
  buildNotAllInputParsedMessage({ ruleName }) {
    return JSON.stringify({ expected: [], rule: ruleName, redundant: true });
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, ruleName }) {
    const expected: string[] = [];
    for (const alt of expectedPathsPerAlt) for (const path of alt) if (path[0]) expected.push(tokenLabel(path[0]));
    return JSON.stringify({ expected, rule: ruleName });
  },
  buildEarlyExitMessage({ expectedIterationPaths, ruleName }) {
    const expected: string[] = [];
    for (const path of expectedIterationPaths) if (path[0]) expected.push(tokenLabel(path[0]));
    return JSON.stringify({ expected, rule: ruleName });
  },
};

/** A problem the grammar notices while parsing without being a syntax error. */
export interface SoftError {
  message: string;
  token: IToken;
  hint?: string;
}

export class GateParser extends CstParser {
  /** Problems found during the parse that do not stop it (v0 syntax). Reset per parse. */
  softErrors: SoftError[] = [];
  /** Import declarations parsed so far, so their problems are reported even when a later statement is broken. */
  importNodes: CstNode[] = [];
  /** The rule being parsed, for hints. */
  private currentRuleName = 'p';
  private currentRuleBracket = false;

  /** Resets per-parse state and sets the tokens. */
  begin(tokens: IToken[]): void {
    this.input = tokens;
    this.exprFlags = 0;
    this.softErrors = [];
    this.importNodes = [];
  }

  constructor() {
    super(T.ALL_TOKENS, {
      recoveryEnabled: false,
      // Node locations are derived from tokens by the visitor where needed: tracking
      // them for every CST node costs a third of the parse time.
      nodeLocationTracking: 'none',
      maxLookahead: 3,
      errorMessageProvider,
    });
    this.performSelfAnalysis();
  }

  /** True when a newline separates LA(1) from the token consumed before it. */
  private newlineBefore(): boolean {
    const prev = this.LA(0);
    const next = this.LA(1);
    if (prev.tokenType === EOF) return true;
    return next.startLine! > prev.endLine!;
  }

  /** True when LA(1) starts right where the previous token ended (no whitespace). */
  private adjacent(): boolean {
    const prev = this.LA(0);
    const next = this.LA(1);
    return prev.tokenType !== EOF && next.startOffset === prev.endOffset! + 1;
  }

  // ------------------------------------------------------------ entry points

  public module = this.RULE('module', () => {
    this.SUBRULE(this.packageDecl);
    this.SUBRULE(this.statements);
  });

  /** Also an entry point: parsing resumes here after a syntax error. */
  public statements = this.RULE('statements', () => {
    this.MANY(() => {
      this.OR({
        IGNORE_AMBIGUITIES: true,
        DEF: [
          {
            ALT: () => {
              const imp = this.SUBRULE(this.importDecl);
              this.ACTION(() => this.importNodes.push(imp));
            },
          },
          {
            // `classifier name {` declares a classifier; otherwise `classifier` names a rule.
            GATE: () => this.LA(1).tokenType === T.Classifier && (this.LA(2).tokenType === T.Ident || this.LA(2).tokenType === T.Classifier),
            ALT: () => this.SUBRULE(this.classifierDecl),
          },
          { ALT: () => this.SUBRULE(this.rule) },
          // A second `package` is reported by the visitor with a clear message.
          { ALT: () => this.SUBRULE2(this.packageDecl) },
        ],
      });
    });
  });

  public queryEntry = this.RULE('queryEntry', () => {
    this.SUBRULE(this.query);
  });

  public termEntry = this.RULE('termEntry', () => {
    this.SUBRULE(this.expr, { ARGS: [KV] });
  });

  // ------------------------------------------------------------ package, import

  public packageDecl = this.RULE('packageDecl', () => {
    this.CONSUME(T.Package);
    this.SUBRULE(this.path);
  });

  public importDecl = this.RULE('importDecl', () => {
    this.CONSUME(T.Import);
    this.SUBRULE(this.path);
    this.OPTION(() => {
      this.CONSUME(T.As);
      this.CONSUME(T.Ident, { LABEL: 'alias' });
    });
  });

  /** `a.b["c"]` in package and import declarations. */
  public path = this.RULE('path', () => {
    this.CONSUME(T.Name, { LABEL: 'first' });
    this.MANY(() => this.SUBRULE(this.pathPart));
  });

  public pathPart = this.RULE('pathPart', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Dot);
          this.CONSUME(T.Name);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBrack);
          this.CONSUME(T.StringTok);
          this.CONSUME(T.RBrack);
        },
      },
    ]);
  });

  // ------------------------------------------------------------ classifiers

  public classifierDecl = this.RULE('classifierDecl', () => {
    this.CONSUME(T.Classifier);
    this.CONSUME(T.Ident, { LABEL: 'nameFirst' });
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Name, { LABEL: 'nameRest' });
    });
    this.CONSUME(T.LCurly);
    this.MANY2(() => this.SUBRULE(this.classifierClause));
    this.CONSUME(T.RCurly);
  });

  /** A keyword and at most one term on the same line. */
  public classifierClause = this.RULE('classifierClause', () => {
    this.CONSUME(T.Name, { LABEL: 'keyword' });
    this.OPTION({
      GATE: () => !this.newlineBefore(),
      DEF: () => this.SUBRULE(this.term, { LABEL: 'arg' }),
    });
    this.OPTION2(() => this.CONSUME(T.Semi));
  });

  // ------------------------------------------------------------ rules

  public rule = this.RULE('rule', () => {
    this.OPTION(() => this.CONSUME(T.Default));
    this.SUBRULE(this.ruleHead);
    this.OR(this.ruleAlts);
    this.MANY(() => this.SUBRULE(this.elseClause));
  });

  // Alternatives of frequently used rules are built once, not on every invocation
  // (Chevrotain's advice for speed).
  private readonly assignOrUnify = [{ ALT: () => this.CONSUME(T.Assign) }, { ALT: () => this.CONSUME(T.Unify) }];
  private readonly ruleAlts = [
    {
      ALT: () => {
        this.CONSUME(T.Contains);
        this.SUBRULE(this.expr, { ARGS: [KV], LABEL: 'key' });
        this.OPTION2(() => this.SUBRULE(this.ruleBody));
      },
    },
    {
      ALT: () => {
        this.OR2(this.assignOrUnify);
        this.SUBRULE2(this.expr, { ARGS: [KV], LABEL: 'value' });
        this.OPTION3(() => this.SUBRULE2(this.ruleBody));
      },
    },
    { ALT: () => this.SUBRULE3(this.ruleBody) },
  ];

  /** `p`, `p.q[r]`, `f(x, y)`, `a.b.f(x)` */
  public ruleHead = this.RULE('ruleHead', () => {
    const name = this.CONSUME(T.Ident, { LABEL: 'name' });
    this.ACTION(() => {
      this.currentRuleName = name.image;
      this.currentRuleBracket = false;
    });
    this.MANY(() => {
      const ref = this.SUBRULE(this.headRef);
      this.ACTION(() => {
        if (ref.children.LBrack) this.currentRuleBracket = true;
      });
    });
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.OPTION2(() => this.SUBRULE(this.args));
      this.CONSUME(T.RParen);
    });
  });

  public headRef = this.RULE('headRef', () => {
    this.OR(this.headRefAlts);
  });

  private readonly headRefAlts = [
    {
      ALT: () => {
        this.CONSUME(T.Dot);
        this.CONSUME(T.Name);
      },
    },
    {
      ALT: () => {
        this.CONSUME(T.LBrack);
        this.SUBRULE(this.expr, { ARGS: [KV] });
        this.CONSUME(T.RBrack);
      },
    },
  ];

  /** `if { ... }`, `if <literal>`, or the v0 form `{ ... }` (reported, then parsed on). */
  public ruleBody = this.RULE('ruleBody', () => {
    this.OR(this.ruleBodyAlts);
  });

  /** After `if`, a `{` always opens a body (never a set or object literal). */
  private readonly afterIf = {
    IGNORE_AMBIGUITIES: true,
    DEF: [{ ALT: () => this.SUBRULE(this.braceBody) }, { ALT: () => this.SUBRULE(this.literal) }],
  };
  private readonly ruleBodyAlts = [
    {
      ALT: () => {
        this.CONSUME(T.If);
        this.OR2(this.afterIf);
      },
    },
    {
      ALT: () => {
        const brace = this.SUBRULE2(this.braceBody);
        this.ACTION(() => {
          const name = this.currentRuleName;
          this.softErrors.push({
            message: 'expected `if` before the rule body',
            token: brace.children.LCurly![0] as IToken,
            hint: `Rego v1 syntax: write \`${name} if { ... }\`` + (this.currentRuleBracket ? ` (or \`${name} contains x if { ... }\` for a partial set)` : ''),
          });
        });
      },
    },
  ];

  public braceBody = this.RULE('braceBody', () => {
    this.CONSUME(T.LCurly);
    this.SUBRULE(this.query);
    this.CONSUME(T.RCurly);
  });

  public elseClause = this.RULE('elseClause', () => {
    this.CONSUME(T.Else);
    this.OR(this.elseAlts);
  });

  private readonly elseAlts = [
    {
      ALT: () => {
        this.OR2(this.assignOrUnify);
        this.SUBRULE(this.expr, { ARGS: [KV], LABEL: 'value' });
        this.OPTION(() => this.SUBRULE(this.ruleBody));
      },
    },
    { ALT: () => this.SUBRULE2(this.ruleBody) },
  ];

  // ------------------------------------------------------------ bodies

  /** Literals separated by `;` or newlines. */
  public query = this.RULE('query', () => {
    this.SUBRULE(this.literal);
    this.MANY(this.nextLiteral);
  });

  private readonly nextLiteral = {
    GATE: () => this.LA(1).tokenType === T.Semi || this.newlineBefore(),
    DEF: () => {
      this.OPTION(() => this.CONSUME(T.Semi));
      this.SUBRULE2(this.literal);
    },
  };

  public literal = this.RULE('literal', () => {
    this.OR(this.literalAlts);
    this.MANY(() => this.SUBRULE(this.withModifier));
  });

  private readonly literalAlts = [
    { ALT: () => this.SUBRULE(this.someDecl) },
    { ALT: () => this.SUBRULE(this.everyStmt) },
    {
      ALT: () => {
        this.OPTION(() => this.CONSUME(T.Not));
        this.SUBRULE(this.expr, { ARGS: [KV], LABEL: 'lhs' });
        this.OPTION2(() => {
          this.OR2(this.assignOrUnify);
          this.SUBRULE2(this.expr, { ARGS: [KV], LABEL: 'rhs' });
        });
      },
    },
  ];

  /** `some x, y` or `some x in xs` / `some k, v in xs` (the visitor tells them apart). */
  public someDecl = this.RULE('someDecl', () => {
    this.CONSUME(T.Some);
    this.SUBRULE(this.expr, { ARGS: [0], LABEL: 'items' });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expr, { ARGS: [0], LABEL: 'items' });
    });
  });

  /** `every x in xs { ... }` / `every k, v in xs { ... }` */
  public everyStmt = this.RULE('everyStmt', () => {
    this.CONSUME(T.Every);
    this.CONSUME(T.Ident, { LABEL: 'first' });
    this.OPTION(() => {
      this.CONSUME(T.Comma);
      this.CONSUME2(T.Ident, { LABEL: 'second' });
    });
    this.CONSUME(T.In);
    this.SUBRULE(this.expr, { ARGS: [0], LABEL: 'domain' });
    this.SUBRULE(this.braceBody);
  });

  public withModifier = this.RULE('withModifier', () => {
    this.CONSUME(T.With);
    this.SUBRULE(this.term, { LABEL: 'target' });
    this.CONSUME(T.As);
    this.SUBRULE(this.expr, { ARGS: [KV], LABEL: 'value' });
  });

  // ------------------------------------------------------------ expressions

  /**
   * A flat chain `term (op term)*`; the visitor applies precedence. One CST node per
   * expression instead of one per precedence level keeps parsing fast. With KV,
   * `k, v in xs` continues after the comma (the visitor checks the `in`).
   */
  public expr = this.RULE('expr', (flags: number = 0) => {
    const saved = this.exprFlags;
    this.exprFlags = flags;
    this.SUBRULE(this.term, { LABEL: 'operands' });
    this.MANY(this.opLoop);
    this.OPTION(this.kvTail);
    this.exprFlags = saved;
  });

  // Hot paths of the grammar are built once, not per invocation (Chevrotain's advice
  // for speed); they read the current expression's flags from `exprFlags`.
  private exprFlags = 0;
  private readonly opLoop = {
    // `|` ends the first item of a collection literal: it starts a comprehension.
    GATE: () => (this.exprFlags & NOBAR) === 0 || this.LA(1).tokenType !== T.Bar,
    DEF: () => {
      this.CONSUME(T.BinOp, { LABEL: 'ops' });
      this.SUBRULE2(this.term, { LABEL: 'operands' });
    },
  };
  private readonly kvTail = {
    GATE: () => (this.exprFlags & KV) !== 0,
    DEF: () => {
      this.CONSUME(T.Comma, { LABEL: 'kvComma' });
      this.SUBRULE3(this.term, { LABEL: 'kvOperands' });
      this.MANY2(this.kvOpLoop);
    },
  };
  private readonly kvOpLoop = () => {
    this.CONSUME2(T.BinOp, { LABEL: 'kvOps' });
    this.SUBRULE4(this.term, { LABEL: 'kvOperands' });
  };

  /**
   * An optional unary minus, a primary term, then touching `.name`, `[expr]` and
   * `(args)` suffixes.
   */
  public term = this.RULE('term', () => {
    this.OPTION(this.minus);
    this.OR(this.primaryAlts);
    this.MANY(this.suffixLoop);
  });

  private readonly minus = () => {
    this.CONSUME(T.Minus);
  };
  private readonly primaryAlts = [
    // null, booleans, numbers, strings, variables (and `contains`, the builtin)
    { ALT: () => this.CONSUME(T.Atom) },
    { ALT: () => this.SUBRULE(this.arrayLit) },
    { ALT: () => this.SUBRULE(this.braceLit) },
    {
      ALT: () => {
        this.CONSUME(T.LParen);
        this.SUBRULE(this.expr, { ARGS: [KV], LABEL: 'paren' });
        this.CONSUME(T.RParen);
      },
    },
  ];
  private readonly suffixLoop = {
    GATE: () => this.adjacent(),
    DEF: () => {
      this.SUBRULE(this.refSuffix);
    },
  };

  public refSuffix = this.RULE('refSuffix', () => {
    this.OR(this.suffixAlts);
  });

  private readonly suffixAlts = [
    {
      ALT: () => {
        this.CONSUME(T.Dot);
        this.CONSUME(T.Name);
      },
    },
    {
      ALT: () => {
        this.CONSUME(T.LBrack);
        this.SUBRULE(this.expr, { ARGS: [KV] });
        this.CONSUME(T.RBrack);
      },
    },
    {
      ALT: () => {
        this.CONSUME(T.LParen);
        this.OPTION(() => this.SUBRULE(this.args));
        this.CONSUME(T.RParen);
      },
    },
  ];

  /** Call or function-head arguments; a trailing comma is allowed. */
  public args = this.RULE('args', () => {
    this.SUBRULE(this.expr, { ARGS: [0], LABEL: 'items' });
    this.MANY(this.nextArg);
    this.OPTION(() => this.CONSUME2(T.Comma));
  });

  private readonly nextArg = {
    GATE: () => this.LA(2).tokenType !== T.RParen,
    DEF: () => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expr, { ARGS: [0], LABEL: 'items' });
    },
  };

  /** `[]`, `[a, b]`, `[x | body]` — a `|` after the first item starts a comprehension. */
  public arrayLit = this.RULE('arrayLit', () => {
    this.CONSUME(T.LBrack);
    this.OPTION(() => {
      this.SUBRULE(this.expr, { ARGS: [NOBAR], LABEL: 'first' });
      this.OR(this.arrayRest);
    });
    this.CONSUME(T.RBrack);
  });

  private readonly arrayRest = [
    {
      ALT: () => {
        this.CONSUME(T.Bar);
        this.SUBRULE(this.query, { LABEL: 'body' });
      },
    },
    {
      ALT: () => {
        this.MANY(this.nextArrayItem);
        this.OPTION2(() => this.CONSUME2(T.Comma));
      },
    },
  ];
  private readonly nextArrayItem = {
    GATE: () => this.LA(2).tokenType !== T.RBrack,
    DEF: () => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.expr, { ARGS: [0], LABEL: 'items' });
    },
  };

  /** `{}` (object), `{x, y}` (set), `{k: v}` (object), `{x | body}`, `{k: v | body}`. */
  public braceLit = this.RULE('braceLit', () => {
    this.CONSUME(T.LCurly);
    this.OPTION(() => {
      this.SUBRULE(this.expr, { ARGS: [NOBAR], LABEL: 'first' });
      this.OR(this.braceRest);
    });
    this.CONSUME(T.RCurly);
  });

  private readonly braceRest = [
    {
      ALT: () => {
        this.CONSUME(T.Colon);
        this.SUBRULE2(this.expr, { ARGS: [NOBAR], LABEL: 'firstValue' });
        this.OR2(this.objectRest);
      },
    },
    {
      ALT: () => {
        this.CONSUME2(T.Bar, { LABEL: 'setBar' });
        this.SUBRULE2(this.query, { LABEL: 'setBody' });
      },
    },
    {
      ALT: () => {
        this.MANY2(this.nextSetItem);
        this.OPTION3(() => this.CONSUME4(T.Comma, { LABEL: 'setTrailing' }));
      },
    },
  ];
  private readonly objectRest = [
    {
      ALT: () => {
        this.CONSUME(T.Bar, { LABEL: 'objBar' });
        this.SUBRULE(this.query, { LABEL: 'objBody' });
      },
    },
    {
      ALT: () => {
        this.MANY(this.nextEntry);
        this.OPTION2(() => this.CONSUME2(T.Comma, { LABEL: 'objTrailing' }));
      },
    },
  ];
  private readonly nextEntry = {
    GATE: () => this.LA(2).tokenType !== T.RCurly,
    DEF: () => {
      this.CONSUME(T.Comma, { LABEL: 'objComma' });
      this.SUBRULE3(this.expr, { ARGS: [0], LABEL: 'keys' });
      this.CONSUME2(T.Colon);
      this.SUBRULE4(this.expr, { ARGS: [0], LABEL: 'values' });
    },
  };
  private readonly nextSetItem = {
    GATE: () => this.LA(2).tokenType !== T.RCurly,
    DEF: () => {
      this.CONSUME3(T.Comma, { LABEL: 'setComma' });
      this.SUBRULE5(this.expr, { ARGS: [0], LABEL: 'items' });
    },
  };
}

/** One parser for the process: Chevrotain's self-analysis is costly; parsing is not. */
let instance: GateParser | undefined;
export function gateParser(): GateParser {
  instance ??= new GateParser();
  return instance;
}
