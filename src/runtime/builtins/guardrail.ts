import { countTokens } from '../tokens.js';
import { redactText } from '../classifiers/set.js';
import { ClassifierError, type ClassifierSet, type Match } from '../classifiers/types.js';
import { RObject, RSet, typeOf, type Value } from '../value.js';
import { BuiltinError, type Builtin, type BuiltinContext } from './types.js';

// The guardrail builtins: classification, positions, redaction and token counts.
// Positions are code point offsets (what a policy author counts); a matched value is
// never put into a result or an error message, so it cannot leak into logs.

function typeError(fn: string, pos: number, want: string, got: Value): BuiltinError {
  return new BuiltinError('eval_type_error', `${fn}: operand ${pos} must be ${want} but got ${typeOf(got)}`);
}

function text(fn: string, args: Value[], pos = 1): string {
  const v = args[pos - 1]!;
  if (typeof v !== 'string') throw typeError(fn, pos, 'string', v);
  return v;
}

/** Classifier names from an array or set of strings (a single string is accepted too). */
function names(fn: string, v: Value, pos: number): string[] {
  if (typeof v === 'string') return [v];
  let items: Iterable<Value>;
  if (Array.isArray(v)) items = v as readonly Value[];
  else if (v instanceof RSet) items = v;
  else throw typeError(fn, pos, 'array or set of classifier names', v);
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') throw typeError(fn, pos, 'array or set of strings', item);
    out.push(item);
  }
  return out;
}

/**
 * Scans of one evaluation, by text: a decision often asks about the same text several
 * times (`classify(t)`, then `find(t, name)`, then `redact(t, …)`), and each scan after
 * the first is then free. Kept in the evaluation's cache, so nothing is shared between
 * requests.
 */
interface ScanMemo {
  set: ClassifierSet;
  texts: Map<string, { all?: readonly Match[]; some: Map<string, readonly Match[]> }>;
}

const MEMO_KEY = 'guardrail.scans';

function memoOf(ctx: BuiltinContext): ScanMemo {
  let memo = ctx.cache.get(MEMO_KEY) as ScanMemo | undefined;
  if (!memo || memo.set !== ctx.classifiers) {
    memo = { set: ctx.classifiers, texts: new Map() };
    ctx.cache.set(MEMO_KEY, memo);
  }
  return memo;
}

/** The matches of the wanted classifiers (all when omitted); the result is shared: do not modify it. */
function scan(fn: string, ctx: BuiltinContext, t: string, wanted?: readonly string[]): readonly Match[] {
  const set: ClassifierSet = ctx.classifiers;
  if (wanted) {
    for (const n of wanted) {
      if (!set.has(n)) throw new BuiltinError('eval_builtin_error', `${fn}: unknown classifier "${n}"`);
    }
  }
  const texts = memoOf(ctx).texts;
  let entry = texts.get(t);
  if (!entry) {
    entry = { some: new Map() };
    texts.set(t, entry);
  }
  try {
    if (!wanted) return (entry.all ??= set.scan(t));
    // each classifier's matches do not depend on which others are scanned with it
    if (entry.all) {
      const names = new Set(wanted);
      return entry.all.filter((m) => names.has(m.classifier));
    }
    const key = [...new Set(wanted)].sort().join('\n');
    let found = entry.some.get(key);
    if (!found) {
      found = set.scan(t, wanted);
      entry.some.set(key, found);
    }
    return found;
  } catch (e) {
    if (e instanceof ClassifierError) throw new BuiltinError('eval_builtin_error', `${fn}: ${e.message}`);
    throw e;
  }
}

/** The classifier set as seen through this evaluation's memo (for redaction). */
function memoised(fn: string, ctx: BuiltinContext): ClassifierSet {
  const set = ctx.classifiers;
  return {
    has: (name) => set.has(name),
    names: () => set.names(),
    maxLength: (name) => set.maxLength(name),
    scan: (t, wanted) => [...scan(fn, ctx, t, wanted)],
  };
}

/** Maps UTF-16 indexes of `s` to code point offsets (identity when there are no surrogates). */
function codePointOffsets(s: string): (i: number) => number {
  if (!/[\uD800-\uDFFF]/.test(s)) return (i) => i;
  const prefix = new Int32Array(s.length + 1);
  let cp = 0;
  for (let i = 0; i < s.length; i++) {
    prefix[i] = cp;
    const c = s.charCodeAt(i);
    const pairStart = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (pairStart) prefix[++i] = cp;
    cp++;
  }
  prefix[s.length] = cp;
  return (i) => prefix[i]!;
}

export const builtins: Builtin[] = [
  {
    name: 'classify',
    args: ['string', 'array|set'],
    minArgs: 1,
    result: 'set',
    category: 'guardrail',
    description: 'The set of classifier names that match the text; with a second argument, only among those classifiers.',
    fn: (args, ctx) => {
      const t = text('classify', args);
      const wanted = args.length > 1 ? names('classify', args[1]!, 2) : undefined;
      return RSet.from(scan('classify', ctx, t, wanted).map((m) => m.classifier));
    },
  },
  {
    name: 'find',
    args: ['string', 'string'],
    result: 'array',
    category: 'guardrail',
    description: 'The positions of a classifier\'s matches in the text, as {"start": s, "end": e} code point offsets (never the values).',
    fn: (args, ctx) => {
      const t = text('find', args);
      const name = args[1]!;
      if (typeof name !== 'string') throw typeError('find', 2, 'string', name);
      const at = codePointOffsets(t);
      return scan('find', ctx, t, [name]).map((m) => RObject.from([['start', at(m.start)], ['end', at(m.end)]]));
    },
  },
  {
    name: 'redact',
    args: ['string', 'array|set', 'string'],
    result: 'string',
    category: 'guardrail',
    description: 'The text with every match of the named classifiers replaced; "{name}" in the replacement stands for the classifier name.',
    fn: (args, ctx) => {
      const t = text('redact', args);
      const wanted = names('redact', args[1]!, 2);
      const replacement = args[2]!;
      if (typeof replacement !== 'string') throw typeError('redact', 3, 'string', replacement);
      for (const n of wanted) {
        if (!ctx.classifiers.has(n)) throw new BuiltinError('eval_builtin_error', `redact: unknown classifier "${n}"`);
      }
      return redactText(memoised('redact', ctx), t, wanted, replacement);
    },
  },
  {
    name: 'tokens',
    args: ['string', 'string'],
    minArgs: 1,
    result: 'number',
    category: 'guardrail',
    description: "The number of tokens in the text with the model's tokenizer (o200k_base by default; cl100k_base for GPT-3.5 and GPT-4).",
    fn: (args) => {
      const t = text('tokens', args);
      if (args.length === 1) return countTokens(t);
      const model = args[1]!;
      if (typeof model !== 'string') throw typeError('tokens', 2, 'string', model);
      return countTokens(t, model);
    },
  },
];
