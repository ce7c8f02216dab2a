import type { BinaryTerm, CallTerm, Term, UnaryTerm } from '../ast.js';
import { error } from '../diagnostics.js';
import { OPERATORS } from '../operators.js';
import { resolveCall, type CallTarget, type Scope } from './resolve.js';
import { suggestFunctions } from './candidates.js';
import { displayPath, KIND_NAMES, literalType, render, type TypeName } from './terms.js';
import type { BuiltinSignature, CheckContext } from './types.js';

// Calls: the function exists, gets as many arguments as it takes, and no argument is
// a literal of a type the builtin rejects.

const TYPE_NAMES: ReadonlySet<string> = new Set(['null', 'boolean', 'number', 'string', 'array', 'object', 'set']);

export function checkCall(ctx: CheckContext, scope: Scope, call: CallTerm, statement: boolean): CallTarget {
  const target = resolveCall(call, scope, ctx.opts.builtins);
  const name = call.fn.join('.');
  switch (target.kind) {
    case 'undefined': {
      const suggestion = suggestFunctions(ctx, scope, name);
      ctx.out.push(
        error('undefined_function', `undefined function ${name}`, call.fnLoc, {
          hint: suggestion ? `did you mean ${suggestion}?` : 'define it as a function in a loaded package, or check the builtin name in docs/language.md',
        }),
      );
      break;
    }
    case 'notfunction': {
      const r = target.rules[0]!;
      ctx.out.push(
        error('undefined_function', `${name} is ${KIND_NAMES[r.shape.kind]}, not a function (${r.module.file}:${r.rule.loc.line})`, call.fnLoc, {
          hint: `refer to it without arguments: ${name}`,
        }),
      );
      break;
    }
    case 'user': {
      const arities = new Set(target.rules.map((r) => r.rule.head.args!.length));
      if (!arities.has(call.args.length) && !(statement && arities.has(call.args.length - 1))) {
        const n = Math.min(...arities);
        reportArity(ctx, call, `function ${displayPath(target.rules[0]!.shape.path)}`, n, n, statement);
      }
      break;
    }
    case 'builtin': {
      const max = target.sig.args.length;
      const min = Math.min(target.sig.minArgs ?? max, max);
      const k = call.args.length;
      if ((k < min || k > max) && !(statement && k === max + 1)) reportArity(ctx, call, name, min, max, statement);
      checkArgTypes(ctx, scope, name, target.sig, call.args);
      break;
    }
    case 'unknown':
      break;
  }
  return target;
}

function reportArity(ctx: CheckContext, call: CallTerm, what: string, min: number, max: number, statement: boolean): void {
  const k = call.args.length;
  const takes = min === max ? plural(max, 'argument') : `${min} to ${max} arguments`;
  const name = call.fn.join('.');
  let hint: string | undefined;
  if (k === max + 1 && !statement) {
    const out = call.args[k - 1]!;
    hint = `the output-argument form ${name}(…, ${render(out)}) is only valid as a whole statement; write ${render(out)} := ${name}(${call.args.slice(0, max).map((a) => render(a)).join(', ')}) instead`;
  }
  ctx.out.push(error('arity_error', `${what} takes ${takes} but got ${k}`, call.fnLoc, hint ? { hint } : undefined));
}

function checkArgTypes(ctx: CheckContext, scope: Scope, name: string, sig: BuiltinSignature, args: Term[]): void {
  const n = Math.min(args.length, sig.args.length);
  for (let i = 0; i < n; i++) {
    const allowed = parseType(sig.args[i]!);
    if (!allowed) continue;
    const arg = args[i]!;
    const got = staticType(arg, scope, ctx);
    if (got && !allowed.has(got)) {
      ctx.out.push(
        error('type_error', `${name}: argument ${i + 1} must be ${[...allowed].join(' or ')}, got ${got} ${render(arg)}`, arg.loc, {
          hint: hintFor(allowed, got),
        }),
      );
    }
  }
}

function hintFor(allowed: ReadonlySet<string>, got: TypeName): string {
  if (allowed.size === 1 && allowed.has('string') && got === 'number') return 'convert with format_int(x, 10) or sprintf("%v", [x])';
  if (allowed.size === 1 && allowed.has('number') && got === 'string') return 'convert with to_number(x)';
  return `pass a value of type ${[...allowed].join(' or ')}`;
}

/** The accepted types of a parameter, or undefined for `any` or a type the checker does not know. */
const typeCache = new Map<string, Set<string> | undefined>();

export function parseType(t: string): Set<string> | undefined {
  if (typeCache.has(t)) return typeCache.get(t);
  const parsed = parseTypeUncached(t);
  if (typeCache.size < 1000) typeCache.set(t, parsed);
  return parsed;
}

function parseTypeUncached(t: string): Set<string> | undefined {
  const parts = t.split('|').map((p) => p.trim());
  if (parts.some((p) => !TYPE_NAMES.has(p))) return undefined;
  return new Set(parts);
}

/** The type of a term when syntax or a builtin's declared result fixes it. */
export function staticType(t: Term, scope: Scope, ctx: CheckContext): TypeName | undefined {
  const lit = literalType(t);
  if (lit) return lit;
  if (t.type === 'call') {
    const target = resolveCall(t, scope, ctx.opts.builtins);
    if (target.kind === 'builtin' && TYPE_NAMES.has(target.sig.result)) return target.sig.result as TypeName;
  }
  return undefined;
}

// ---------------------------------------------------------------- operators


/** Used when the builtin table does not describe an operator. */
const OPERATOR_FALLBACK: Record<string, string> = {
  plus: 'number',
  minus: 'number|set',
  mul: 'number',
  div: 'number',
  rem: 'number',
  and: 'set',
  or: 'set',
};

export function checkOperator(ctx: CheckContext, scope: Scope, t: BinaryTerm): void {
  const fn = OPERATORS[t.op];
  const sig = ctx.opts.builtins.get(fn);
  const types = [sig?.args[0] ?? OPERATOR_FALLBACK[fn] ?? 'any', sig?.args[1] ?? OPERATOR_FALLBACK[fn] ?? 'any'];
  [t.left, t.right].forEach((operand, i) => {
    const allowed = parseType(types[i]!);
    if (!allowed) return;
    const got = staticType(operand, scope, ctx);
    if (got && !allowed.has(got)) {
      ctx.out.push(
        error('type_error', `operator ${t.op} expects ${[...allowed].join(' or ')} operands, got ${got} ${render(operand)}`, operand.loc, {
          hint: t.op === '+' && got === 'string' ? 'join strings with concat("", [a, b]) or sprintf' : hintFor(allowed, got),
        }),
      );
    }
  });
}

export function checkUnary(ctx: CheckContext, scope: Scope, t: UnaryTerm): void {
  const got = staticType(t.operand, scope, ctx);
  if (got && got !== 'number') {
    ctx.out.push(error('type_error', `unary minus expects a number, got ${got} ${render(t.operand)}`, t.operand.loc));
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
