// Tokens of the .gate language (a Rego v1 core plus `classifier` declarations).
//
// Newlines are not tokens: whitespace is skipped and the parser asks whether a newline
// separates two tokens by comparing their lines (see GateParser.newlineBefore). That
// keeps newlines insignificant everywhere (inside ( ) [ ], object and set literals,
// after operators) except where the grammar explicitly asks for a separator: between
// body literals and between classifier clauses. OPA's parser does the same with its
// `skippedNL` flag.

import { createToken, Lexer, type TokenType } from 'chevrotain';

/** Any name: an identifier or a keyword (keywords are valid after `.` in refs and paths). */
export const Name = createToken({ name: 'Name', pattern: Lexer.NA });
/** A token that is a whole term by itself: scalar literals and variables. */
export const Atom = createToken({ name: 'Atom', pattern: Lexer.NA, label: 'a term' });
/** Any binary operator, `in` included (precedence is applied by the AST builder). */
export const BinOp = createToken({ name: 'BinOp', pattern: Lexer.NA, label: 'an operator' });
export const Ident = createToken({ name: 'Ident', pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [Name, Atom], label: 'a name' });

function keyword(word: string, categories: TokenType[] = [Name]): TokenType {
  const name = word[0]!.toUpperCase() + word.slice(1);
  return createToken({ name, pattern: new RegExp(word), longer_alt: Ident, categories, label: `\`${word}\`` });
}

export const Package = keyword('package');
export const Import = keyword('import');
export const As = keyword('as');
export const Default = keyword('default');
export const If = keyword('if');
export const Else = keyword('else');
// `contains` is a keyword in rule heads only; in terms it names the builtin.
export const Contains = keyword('contains', [Name, Atom]);
export const Some = keyword('some');
export const In = keyword('in', [Name, BinOp]);
export const Every = keyword('every');
export const Not = keyword('not');
export const With = keyword('with');
export const True = keyword('true', [Name, Atom]);
export const False = keyword('false', [Name, Atom]);
export const Null = keyword('null', [Name, Atom]);
/** Not reserved: `classifier` is an ordinary identifier except at the start of a declaration. */
export const Classifier = keyword('classifier', [Ident]);

export const Comment = createToken({ name: 'Comment', pattern: /#[^\n\r]*/, group: 'comments' });
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f\v]+/, group: Lexer.SKIPPED, line_breaks: true });

export const StringTok = createToken({ name: 'String', pattern: Lexer.NA, categories: [Atom], label: 'a string' });
export const QuotedString = createToken({ name: 'QuotedString', pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/, categories: [StringTok], label: 'a string' });
/** A string missing its closing quote; parsed as a string so one mistake makes one diagnostic. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*\\?/, categories: [StringTok], label: 'a string' });
export const RawString = createToken({ name: 'RawString', pattern: /`[^`]*`/, categories: [StringTok], line_breaks: true, label: 'a string' });
export const UnterminatedRawString = createToken({ name: 'UnterminatedRawString', pattern: /`[^`]*/, categories: [StringTok], line_breaks: true, label: 'a string' });

/** `'...'` is not a string in Rego; lexed as one so the mistake is reported once, clearly. */
export const SingleQuotedString = createToken({ name: 'SingleQuotedString', pattern: /'[^'\n\r]*'/, categories: [StringTok], label: 'a string' });

export const NumberTok = createToken({ name: 'Number', pattern: /(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/, categories: [Atom], label: 'a number' });

export const Assign = createToken({ name: 'Assign', pattern: /:=/, label: '`:=`' });
export const Colon = createToken({ name: 'Colon', pattern: /:/, label: '`:`' });

export const RelOp = createToken({ name: 'RelOp', pattern: Lexer.NA, categories: [BinOp], label: 'a comparison' });
export const Eq = createToken({ name: 'Eq', pattern: /==/, categories: [RelOp], label: '`==`' });
export const Neq = createToken({ name: 'Neq', pattern: /!=/, categories: [RelOp], label: '`!=`' });
export const Lte = createToken({ name: 'Lte', pattern: /<=/, categories: [RelOp], label: '`<=`' });
export const Gte = createToken({ name: 'Gte', pattern: />=/, categories: [RelOp], label: '`>=`' });
export const Lt = createToken({ name: 'Lt', pattern: /</, categories: [RelOp], label: '`<`' });
export const Gt = createToken({ name: 'Gt', pattern: />/, categories: [RelOp], label: '`>`' });
export const Unify = createToken({ name: 'Unify', pattern: /=/, label: '`=`' });

export const AddOp = createToken({ name: 'AddOp', pattern: Lexer.NA, categories: [BinOp], label: '`+` or `-`' });
export const Plus = createToken({ name: 'Plus', pattern: /\+/, categories: [AddOp], label: '`+`' });
export const Minus = createToken({ name: 'Minus', pattern: /-/, categories: [AddOp], label: '`-`' });
export const MulOp = createToken({ name: 'MulOp', pattern: Lexer.NA, categories: [BinOp], label: '`*`, `/` or `%`' });
export const Star = createToken({ name: 'Star', pattern: /\*/, categories: [MulOp], label: '`*`' });
export const Slash = createToken({ name: 'Slash', pattern: /\//, categories: [MulOp], label: '`/`' });
export const Percent = createToken({ name: 'Percent', pattern: /%/, categories: [MulOp], label: '`%`' });
export const Amp = createToken({ name: 'Amp', pattern: /&/, categories: [BinOp], label: '`&`' });
export const Bar = createToken({ name: 'Bar', pattern: /\|/, categories: [BinOp], label: '`|`' });

export const Comma = createToken({ name: 'Comma', pattern: /,/, label: '`,`' });
export const Semi = createToken({ name: 'Semi', pattern: /;/, label: '`;`' });
export const Dot = createToken({ name: 'Dot', pattern: /\./, label: '`.`' });
export const LBrack = createToken({ name: 'LBrack', pattern: /\[/, label: '`[`' });
export const RBrack = createToken({ name: 'RBrack', pattern: /]/, label: '`]`' });
export const LCurly = createToken({ name: 'LCurly', pattern: /{/, label: '`{`' });
export const RCurly = createToken({ name: 'RCurly', pattern: /}/, label: '`}`' });
export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: '`(`' });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: '`)`' });

export const KEYWORDS: readonly TokenType[] = [
  Package, Import, As, Default, If, Else, Contains, Some, In, Every, Not, With, True, False, Null, Classifier,
];

/** Order matters: longer operators before their prefixes, keywords before Ident. */
export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  Comment,
  QuotedString,
  UnterminatedString,
  RawString,
  UnterminatedRawString,
  SingleQuotedString,
  NumberTok,
  Assign,
  Colon,
  Eq,
  Neq,
  Lte,
  Gte,
  Lt,
  Gt,
  Unify,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Amp,
  Bar,
  Comma,
  Semi,
  Dot,
  LBrack,
  RBrack,
  LCurly,
  RCurly,
  LParen,
  RParen,
  ...KEYWORDS,
  Ident,
  // abstract categories last (pattern NA)
  Name,
  Atom,
  BinOp,
  StringTok,
  RelOp,
  AddOp,
  MulOp,
];

export const gateLexer = new Lexer(ALL_TOKENS, {
  positionTracking: 'full',
  ensureOptimizations: false,
  skipValidations: true,
});
