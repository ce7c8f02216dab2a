import type { ObjectTerm, Term } from '../ast.js';
import { error } from '../diagnostics.js';
import { checkClassifierName } from './classifiers.js';
import { isConstant, isV0PartialSet, KIND_NAMES, literalType, render, type TypeName } from './terms.js';
import type { CheckContext } from './types.js';
import type { RuleInfo } from './world.js';

// The decision document the proxy reads (DESIGN.md, "The contract between policy and
// proxy"): which rules must be sets, which must be numbers or one of a few strings, and
// which keys a set element written as an object literal must carry. Only what the
// source shows is judged; computed values are the evaluator's business.

const SET_RULES = new Set(['deny', 'approval', 'quota', 'redact', 'mask']);

interface Field {
  types: readonly TypeName[];
  required?: boolean;
  duration?: boolean;
}

const ELEMENT_FIELDS: Record<string, Record<string, Field>> = {
  quota: {
    name: { types: ['string'], required: true },
    key: { types: ['string', 'number', 'boolean', 'null', 'array', 'object', 'set'], required: true },
    limit: { types: ['number'], required: true },
    window: { types: ['string'], required: true, duration: true },
    unit: { types: ['string'] },
  },
  redact: {
    classifier: { types: ['string'], required: true },
    replacement: { types: ['string'] },
  },
  mask: {
    classifier: { types: ['string'], required: true },
    replacement: { types: ['string'] },
    paths: { types: ['array', 'set'] },
    action: { types: ['string'] },
  },
  approval: {
    reason: { types: ['string'], required: true },
    approvers: { types: ['array', 'set'] },
    ttl: { types: ['string'], duration: true },
  },
};

/** Element types other than object literals each set accepts. */
const SCALAR_ELEMENTS: Record<string, readonly TypeName[]> = {
  deny: ['string', 'object'],
  approval: ['string', 'object'],
  quota: ['object'],
  redact: ['string', 'object'],
  mask: ['string', 'object'],
};

/** Decision keys that hold one of a few strings. */
const STRING_CHOICES: Record<string, readonly string[]> = {
  record: ['full', 'metadata'],
  max_tokens_action: ['clamp', 'reject'],
};

/** Go-style durations as used by quota windows and approval TTLs: "24h", "1m", "1h30m", "500ms", "7d". */
const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d))+$/;

export function checkDecisionRule(ctx: CheckContext, info: RuleInfo, known: Set<string> | undefined): void {
  const { rule, shape } = info;
  const name = rule.head.name;
  // `deny[msg] if …` already has its own error (contains is required)
  if (shape.kind === 'function' || isV0PartialSet(rule.head)) return;

  if (SET_RULES.has(name)) {
    if (shape.kind !== 'set' || rule.head.ref.length > 0) {
      const example = rule.head.value ?? rule.head.key;
      ctx.out.push(
        error('type_error', `${name} is a set in the decision document, but this rule makes it ${shape.kind === 'set' ? 'a nested set' : KIND_NAMES[shape.kind]}`, rule.head.loc, {
          hint: `write it as a partial set: ${name} contains ${example ? render(example) : '"reason"'} if { … }`,
        }),
      );
      return;
    }
    if (rule.head.key) checkElement(ctx, name, rule.head.key, known);
    return;
  }

  const choices = STRING_CHOICES[name];
  if (name === 'max_tokens' || choices) {
    if (shape.kind !== 'complete' || rule.head.ref.length > 0) {
      ctx.out.push(
        error('type_error', `${name} must be a single ${choices ? 'string' : 'number'}, but this rule makes it ${KIND_NAMES[shape.kind]}`, rule.head.loc, {
          hint: `write ${name} := ${choices ? JSON.stringify(choices[choices.length - 1]) : '4096'} if { … }`,
        }),
      );
      return;
    }
    const values: Array<{ value?: Term; at: RuleInfo['rule']['head']['loc'] }> = [{ value: rule.head.value, at: rule.head.loc }];
    for (const e of rule.elses) values.push({ value: e.value, at: e.loc });
    for (const { value, at } of values) {
      if (choices) checkChoice(ctx, name, choices, value, at);
      else checkMaxTokens(ctx, value, at);
    }
  }
}

function checkMaxTokens(ctx: CheckContext, value: Term | undefined, at: RuleInfo['rule']['loc']): void {
  const got = value ? literalType(value) : 'boolean';
  if (got && got !== 'number') {
    ctx.out.push(
      error('type_error', `max_tokens must be a number, got ${got}${value ? ` ${render(value)}` : ' (a rule without a value is true)'}`, value?.loc ?? at, {
        hint: value?.type === 'string' && Number.isFinite(Number(value.value)) ? `write max_tokens := ${value.value}` : 'write max_tokens := <number> if { … }',
      }),
    );
  }
}

function checkChoice(ctx: CheckContext, name: string, choices: readonly string[], value: Term | undefined, at: RuleInfo['rule']['loc']): void {
  const got = value ? literalType(value) : 'boolean';
  if (!got) return;
  if (value?.type === 'string' && choices.includes(value.value)) return;
  const quoted = choices.map((c) => JSON.stringify(c));
  ctx.out.push(
    error('type_error', `${name} must be ${quoted.join(' or ')}, got ${value ? render(value) : 'true (a rule without a value)'}`, value?.loc ?? at, {
      hint: `write ${quoted.map((q) => `${name} := ${q}`).join(' or ')}`,
    }),
  );
}

function checkElement(ctx: CheckContext, set: string, el: Term, known: Set<string> | undefined): void {
  const got = literalType(el);
  if (!got) return;
  const accepted = SCALAR_ELEMENTS[set]!;
  if (!accepted.includes(got)) {
    ctx.out.push(
      error(
        'type_error',
        `elements of ${set} must be ${accepted.join(' or ')}, got ${got} ${render(el)}`,
        el.loc,
        ELEMENT_FIELDS[set] ? { hint: `write ${set} contains {${requiredKeys(set).map((k) => `"${k}": …`).join(', ')}}` } : undefined,
      ),
    );
    return;
  }
  if ((set === 'redact' || set === 'mask') && el.type === 'string') checkClassifierName(ctx, known, el);
  if (el.type === 'object' && ELEMENT_FIELDS[set]) checkObject(ctx, set, el, known);
}

function requiredKeys(set: string): string[] {
  return Object.entries(ELEMENT_FIELDS[set] ?? {})
    .filter(([, f]) => f.required)
    .map(([k]) => k);
}

function checkObject(ctx: CheckContext, set: string, obj: ObjectTerm, known: Set<string> | undefined): void {
  const fields = ELEMENT_FIELDS[set]!;
  const present = new Map<string, Term>();
  let computedKeys = false;
  for (const [k, v] of obj.entries) {
    if (k.type === 'string') present.set(k.value, v);
    else computedKeys = true;
  }
  if (!computedKeys) {
    const missing = requiredKeys(set).filter((k) => !present.has(k));
    if (missing.length > 0) {
      ctx.out.push(
        error('type_error', `${set} element is missing ${missing.length === 1 ? 'key' : 'keys'} ${missing.map((k) => `"${k}"`).join(', ')}`, obj.loc, {
          hint: `a ${set} element needs ${requiredKeys(set).map((k) => `"${k}"`).join(', ')}`,
        }),
      );
    }
  }
  for (const [key, value] of present) {
    const field = fields[key];
    if (!field) continue;
    const got = literalType(value);
    if (got && !field.types.includes(got)) {
      ctx.out.push(error('type_error', `${set} element key "${key}" must be ${field.types.join(' or ')}, got ${got} ${render(value)}`, value.loc));
      continue;
    }
    if (field.duration && value.type === 'string' && !DURATION.test(value.value)) {
      ctx.out.push(
        error('type_error', `${set} element key "${key}" must be a duration like "24h", "30m" or "1h30m", got ${render(value)}`, value.loc, {
          hint: 'units: ns, us, ms, s, m, h, d',
        }),
      );
    }
    if (key === 'classifier' && isConstant(value)) checkClassifierName(ctx, known, value);
  }
}
