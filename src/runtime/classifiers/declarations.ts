import type { ClassifierClause, ClassifierDecl, Location, Term } from '../../lang/ast.js';
import { error, type Diagnostic } from '../../lang/diagnostics.js';
import { Regex } from './engine.js';
import { LIBRARY_DEFS } from './library.js';
import { PatternError } from './program.js';
import type { ClassifierDef, CompiledClassifier } from './set.js';
import { VALIDATORS, type Check } from './validators.js';

// `classifier name { clause... }` declarations: checked here (the checker calls
// validateClassifierDecl, so every rule lives in one place) and turned into compiled
// classifiers.

const CLAUSES = ['pattern', 'keywords', 'validate', 'context', 'ignore_case', 'max_length', 'description'];
/** the largest `max_length`: the hold-back a stream can afford and the work per start */
export const MAX_LENGTH_LIMIT = 65536;

const LIBRARY_NAMES = new Set(LIBRARY_DEFS.map((d) => d.name));

interface Parsed {
  def?: ClassifierDef;
  regex?: Regex;
  diagnostics: Diagnostic[];
}

function where(c: ClassifierClause): Location {
  return c.arg?.loc ?? c.loc;
}

function stringOf(t: Term | undefined): string | undefined {
  return t?.type === 'string' ? t.value : undefined;
}

function stringsOf(t: Term | undefined): string[] | undefined {
  if (t?.type !== 'array' && t?.type !== 'set') return undefined;
  const out: string[] = [];
  for (const item of t.items) {
    if (item.type !== 'string') return undefined;
    out.push(item.value);
  }
  return out;
}

function numberOf(t: Term | undefined): number | undefined {
  if (t?.type !== 'number') return undefined;
  const n = Number(t.raw);
  return Number.isFinite(n) ? n : undefined;
}

/** RE2 syntax for a literal string. */
export function escapeRegex(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** Whole-word alternation of the keywords (a boundary only where a keyword has a word edge). */
export function keywordsPattern(words: readonly string[]): string {
  return words
    .map((w) => {
      const head = /^\w/.test(w) ? '\\b' : '';
      const tail = /\w$/.test(w) ? '\\b' : '';
      return `${head}${escapeRegex(w)}${tail}`;
    })
    .join('|');
}

function knownValidators(): string {
  return [...VALIDATORS.values()].map((v) => (v.arg ? `${v.name}(N)` : v.name)).join(', ');
}

function parseValidator(c: ClassifierClause, diags: Diagnostic[]): Check | undefined {
  const t = c.arg;
  let name: string | undefined;
  let arg: number | undefined;
  let hasArg = false;
  if (t?.type === 'var') name = t.name;
  else if (t?.type === 'call' && t.fn.length === 1) {
    name = t.fn[0];
    hasArg = true;
    if (t.args.length !== 1 || numberOf(t.args[0]) === undefined) {
      diags.push(error('classifier_error', `validator ${name}(...) takes one number`, where(c)));
      return undefined;
    }
    arg = numberOf(t.args[0]);
  } else {
    diags.push(error('classifier_error', 'validate expects a validator name such as luhn or entropy(3.5)', where(c), { hint: `known validators: ${knownValidators()}` }));
    return undefined;
  }
  const spec = name === undefined ? undefined : VALIDATORS.get(name);
  if (!spec) {
    diags.push(error('classifier_error', `unknown validator "${name}"`, where(c), { hint: `known validators: ${knownValidators()}` }));
    return undefined;
  }
  if (spec.arg) {
    if (arg === undefined || arg < spec.arg.min || arg > spec.arg.max) {
      diags.push(error('classifier_error', `validator ${spec.name} needs its ${spec.arg.name} between ${spec.arg.min} and ${spec.arg.max}, as in ${spec.name}(3.5)`, where(c)));
      return undefined;
    }
    return spec.make(arg);
  }
  if (hasArg) {
    diags.push(error('classifier_error', `validator ${spec.name} takes no argument`, where(c)));
    return undefined;
  }
  return spec.make();
}

function parse(decl: ClassifierDecl): Parsed {
  const diags: Diagnostic[] = [];
  if (LIBRARY_NAMES.has(decl.name)) {
    diags.push(error('classifier_error', `classifier "${decl.name}" is already a built-in classifier`, decl.loc, { hint: 'use the built-in by name, or choose another name' }));
  }
  let pattern: { text: string; loc: Location } | undefined;
  let keywords: string[] | undefined;
  let maxLength: number | undefined;
  let description = '';
  let ignoreCase = false;
  const checks: Check[] = [];
  const context: string[] = [];
  const seen = new Set<string>();
  for (const c of decl.clauses) {
    if (!CLAUSES.includes(c.keyword)) {
      diags.push(error('classifier_error', `unknown classifier clause "${c.keyword}"`, c.loc, { hint: `clauses are: ${CLAUSES.join(', ')}` }));
      continue;
    }
    if (c.keyword !== 'validate' && seen.has(c.keyword)) {
      diags.push(error('classifier_error', `clause "${c.keyword}" given twice`, c.loc));
      continue;
    }
    seen.add(c.keyword);
    switch (c.keyword) {
      case 'pattern': {
        const s = stringOf(c.arg);
        if (s === undefined) diags.push(error('classifier_error', 'pattern expects a string, usually a raw `...` string', where(c)));
        else pattern = { text: s, loc: where(c) };
        break;
      }
      case 'keywords': {
        const ws = stringsOf(c.arg);
        if (!ws || ws.length === 0 || ws.some((w) => w.length === 0)) diags.push(error('classifier_error', 'keywords expects a non-empty array of non-empty strings', where(c)));
        else keywords = ws;
        break;
      }
      case 'validate': {
        const check = parseValidator(c, diags);
        if (check) checks.push(check);
        break;
      }
      case 'context': {
        const ws = stringsOf(c.arg);
        if (!ws || ws.length === 0 || ws.some((w) => w.trim().length === 0)) diags.push(error('classifier_error', 'context expects a non-empty array of words', where(c)));
        else context.push(...ws.map((w) => w.trim().toLowerCase()));
        break;
      }
      case 'ignore_case':
        if (c.arg) diags.push(error('classifier_error', 'ignore_case takes no argument', where(c)));
        ignoreCase = true;
        break;
      case 'max_length': {
        const n = numberOf(c.arg);
        if (n === undefined || !Number.isInteger(n) || n < 1 || n > MAX_LENGTH_LIMIT) {
          diags.push(error('classifier_error', `max_length expects a whole number from 1 to ${MAX_LENGTH_LIMIT}`, where(c)));
        } else maxLength = n;
        break;
      }
      case 'description': {
        const s = stringOf(c.arg);
        if (s === undefined) diags.push(error('classifier_error', 'description expects a string', where(c)));
        else description = s;
        break;
      }
    }
  }
  if (pattern && keywords) {
    diags.push(error('classifier_error', `classifier "${decl.name}" has both pattern and keywords`, decl.loc, { hint: 'declare two classifiers, or fold the keywords into the pattern' }));
    return { diagnostics: diags };
  }
  if (!pattern && !keywords) {
    if (!diags.some((d) => d.message.startsWith('pattern') || d.message.startsWith('keywords'))) {
      diags.push(error('classifier_error', `classifier "${decl.name}" needs a pattern or keywords`, decl.loc));
    }
    return { diagnostics: diags };
  }
  const source = pattern ? pattern.text : keywordsPattern(keywords!);
  const loc = pattern?.loc ?? decl.clauses.find((c) => c.keyword === 'keywords')?.loc ?? decl.loc;
  const text = ignoreCase ? `(?i)${source}` : source;
  let regex: Regex;
  try {
    regex = new Regex(text);
  } catch (e) {
    const reason = e instanceof PatternError ? e.message : String(e);
    diags.push(error('classifier_error', `invalid pattern: ${reason}`, loc, { hint: 'patterns use RE2 syntax' }));
    return { diagnostics: diags };
  }
  if (regex.matchesEmpty) {
    diags.push(error('classifier_error', 'pattern can match the empty string', loc, { hint: 'make at least one character required' }));
  }
  let cap = regex.maxLength;
  if (!Number.isFinite(cap)) {
    if (maxLength === undefined) {
      diags.push(
        error('classifier_error', 'pattern has no bounded match length (it uses *, + or {n,})', loc, {
          hint: 'add `max_length N` to cap matches at N characters, or bound the repetitions ({1,64})',
        }),
      );
      return { diagnostics: diags };
    }
    cap = maxLength;
  } else if (maxLength !== undefined) cap = Math.min(cap, maxLength);
  if (cap > MAX_LENGTH_LIMIT) {
    diags.push(error('classifier_error', `pattern can match ${cap} characters, more than ${MAX_LENGTH_LIMIT}`, loc, { hint: `add \`max_length N\` with N ≤ ${MAX_LENGTH_LIMIT}` }));
  }
  if (diags.some((d) => d.severity === 'error')) return { diagnostics: diags };
  const def: ClassifierDef = {
    name: decl.name,
    description,
    pattern: text,
    maxLength: cap,
    checks,
    ...(context.length > 0 ? { context } : {}),
    origin: 'policy',
  };
  return { def, regex, diagnostics: diags };
}

/** Every problem with one classifier declaration (empty when it is valid). */
export function validateClassifierDecl(decl: ClassifierDecl): Diagnostic[] {
  return parse(decl).diagnostics;
}

/** Compiles the valid declarations, reporting the invalid ones and names declared twice. */
export function compileDecls(decls: readonly ClassifierDecl[]): { classifiers: CompiledClassifier[]; diagnostics: Diagnostic[] } {
  const classifiers: CompiledClassifier[] = [];
  const diagnostics: Diagnostic[] = [];
  const names = new Set<string>();
  for (const decl of decls) {
    if (names.has(decl.name)) {
      diagnostics.push(error('classifier_error', `classifier "${decl.name}" is declared more than once`, decl.loc));
      continue;
    }
    names.add(decl.name);
    const p = parse(decl);
    diagnostics.push(...p.diagnostics);
    if (p.def && p.regex) classifiers.push({ def: p.def, regex: p.regex });
  }
  return { classifiers, diagnostics };
}
