import { describe, expect, it } from 'vitest';
import type { Location } from '../../../src/lang/ast.js';
import { builtins } from '../../../src/runtime/builtins/guardrail.js';
import { encodingForModel } from '../../../src/runtime/tokens.js';
import { BuiltinError, type BuiltinContext } from '../../../src/runtime/builtins/types.js';
import { compileClassifiers, type ClassifierSet } from '../../../src/runtime/classifiers/index.js';
import { RObject, RSet, toJSON, type Value } from '../../../src/runtime/value.js';

const loc: Location = { file: 'p.gate', line: 1, col: 1, endLine: 1, endCol: 2, offset: 0, endOffset: 1 };
const { set } = compileClassifiers([
  {
    type: 'classifier',
    name: 'codename',
    clauses: [{ keyword: 'keywords', arg: { type: 'array', items: [{ type: 'string', value: 'ORION', rawString: false, loc }], loc }, loc }],
    loc,
  },
]);
const ctx: BuiltinContext = { nowNs: 0, classifiers: set, strict: true, cache: new Map() };

function call(name: string, ...args: Value[]): Value | undefined {
  const b = builtins.find((x) => x.name === name && args.length >= (x.minArgs ?? x.args.length) && args.length <= x.args.length);
  if (!b) throw new Error(`no builtin ${name}/${args.length}`);
  return b.fn(args, ctx);
}

function thrown(f: () => unknown): BuiltinError {
  try {
    f();
  } catch (e) {
    if (e instanceof BuiltinError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

const SECRET = 'AKIAIOSFODNN7EXAMPLE';
const TEXT = `mail bob@example.com, key ${SECRET}, project ORION`;

describe('guardrail builtins', () => {
  it('are declared in the guardrail category with documented arities', () => {
    expect(builtins.map((b) => b.name).sort()).toEqual(['classify', 'find', 'redact', 'tokens']);
    for (const b of builtins) {
      expect(b.category).toBe('guardrail');
      expect(b.description.length).toBeGreaterThan(10);
    }
  });

  it('classify(text) returns the set of classifier names found', () => {
    const r = call('classify', TEXT);
    expect(r).toBeInstanceOf(RSet);
    expect(toJSON(r!)).toEqual(['codename', 'pii.email', 'secret.aws_access_key']);
    expect((call('classify', 'nothing to see') as RSet).size).toBe(0);
  });

  it('classify(text, names) looks only for the named classifiers, given as array or set', () => {
    expect(toJSON(call('classify', TEXT, ['pii.email', 'pii.phone'])!)).toEqual(['pii.email']);
    expect(toJSON(call('classify', TEXT, RSet.from(['codename']))!)).toEqual(['codename']);
    expect(toJSON(call('classify', TEXT, [])!)).toEqual([]);
  });

  it('find returns code point offsets as objects, never the value', () => {
    const r = call('find', `😀 ${SECRET}`, 'secret.aws_access_key') as Value[];
    expect(r).toHaveLength(1);
    expect(r[0]).toBeInstanceOf(RObject);
    expect(toJSON(r[0]!)).toEqual({ start: 2, end: 22 });
    expect(JSON.stringify(toJSON(r as Value))).not.toContain(SECRET);
    expect(call('find', 'none here', 'pii.email')).toEqual([]);
  });

  it('redact replaces every match, with {name} standing for the classifier', () => {
    expect(call('redact', TEXT, ['pii.email', 'secret.aws_access_key'], '[{name}]')).toBe(
      'mail [pii.email], key [secret.aws_access_key], project ORION',
    );
    expect(call('redact', TEXT, RSet.from(['codename']), '***')).toBe(`mail bob@example.com, key ${SECRET}, project ***`);
    expect(call('redact', TEXT, [], 'x')).toBe(TEXT);
  });

  it('redact merges overlapping matches into one replacement', () => {
    const t = 'token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 end';
    expect(call('redact', `api_key=${t.slice(6)}`, ['secret.github_token', 'secret.generic_api_key'], '<{name}>')).toBe(
      'api_key=<secret.generic_api_key> end',
    );
  });

  it('names an unknown classifier in an eval_builtin_error, without the text', () => {
    for (const f of [
      () => call('classify', TEXT, ['pii.nope']),
      () => call('find', TEXT, 'pii.nope'),
      () => call('redact', TEXT, ['pii.nope'], 'x'),
    ]) {
      const e = thrown(f);
      expect(e.code).toBe('eval_builtin_error');
      expect(e.message).toContain('unknown classifier "pii.nope"');
      expect(e.message).not.toContain(SECRET);
    }
  });

  it('rejects operands of the wrong type with eval_type_error', () => {
    expect(thrown(() => call('classify', 42)).code).toBe('eval_type_error');
    expect(thrown(() => call('classify', 42)).message).toBe('classify: operand 1 must be string but got number');
    expect(thrown(() => call('classify', 'x', 5)).code).toBe('eval_type_error');
    expect(thrown(() => call('classify', 'x', [1])).code).toBe('eval_type_error');
    expect(thrown(() => call('find', null, 'pii.email')).code).toBe('eval_type_error');
    expect(thrown(() => call('find', 'x', ['pii.email'])).code).toBe('eval_type_error');
    expect(thrown(() => call('redact', 'x', ['pii.email'], 1)).code).toBe('eval_type_error');
    expect(thrown(() => call('tokens', ['x'])).code).toBe('eval_type_error');
    expect(thrown(() => call('tokens', 'x', 4)).code).toBe('eval_type_error');
  });

  it('scans a text once per evaluation, however many builtins ask about it', () => {
    const scans: Array<readonly string[] | undefined> = [];
    const counting: ClassifierSet = {
      has: (n) => set.has(n),
      names: () => set.names(),
      maxLength: (n) => set.maxLength(n),
      scan: (t, names) => {
        scans.push(names);
        return set.scan(t, names);
      },
    };
    const evaluation = (): BuiltinContext => ({ nowNs: 0, classifiers: counting, strict: true, cache: new Map() });
    const run = (c: BuiltinContext, name: string, ...args: Value[]) => builtins.find((b) => b.name === name)!.fn(args, c);

    const first = evaluation();
    expect(toJSON(run(first, 'classify', TEXT)!)).toEqual(['codename', 'pii.email', 'secret.aws_access_key']);
    // answered from the whole scan: the same as scanning for the names alone
    expect(toJSON(run(first, 'classify', TEXT, ['pii.email', 'pii.phone'])!)).toEqual(['pii.email']);
    expect(toJSON(run(first, 'find', TEXT, 'secret.aws_access_key')!)).toEqual([{ start: 26, end: 46 }]);
    expect(run(first, 'redact', TEXT, ['pii.email'], '<{name}>')).toBe(`mail <pii.email>, key ${SECRET}, project ORION`);
    expect(scans).toEqual([undefined]);

    // a subset first is memoised under its names; another text is scanned anew
    const second = evaluation();
    run(second, 'find', TEXT, 'pii.email');
    run(second, 'classify', TEXT, ['pii.email']);
    run(second, 'classify', 'other text');
    expect(scans).toEqual([undefined, ['pii.email'], undefined]);

    // nothing is shared between evaluations
    run(evaluation(), 'classify', TEXT);
    expect(scans).toHaveLength(4);
  });

  it('tokens counts with o200k_base, or cl100k_base for GPT-3.5 and GPT-4', () => {
    expect(call('tokens', '')).toBe(0);
    expect(call('tokens', 'hello world')).toBe(2);
    // the encodings split this differently, so the model choice is visible
    const t = 'Привет, как дела? Всё хорошо.';
    const o200k = call('tokens', t) as number;
    const cl100k = call('tokens', t, 'gpt-4') as number;
    expect(cl100k).toBeGreaterThan(o200k);
    expect(call('tokens', t, 'gpt-4o-mini')).toBe(o200k);
    expect(call('tokens', 'a <|endoftext|> b')).toBeGreaterThan(3);
  });

  it('picks the encoding by model name', () => {
    expect(encodingForModel('gpt-4')).toBe('cl100k_base');
    expect(encodingForModel('gpt-4-turbo')).toBe('cl100k_base');
    expect(encodingForModel('gpt-3.5-turbo')).toBe('cl100k_base');
    expect(encodingForModel('text-embedding-3-small')).toBe('cl100k_base');
    expect(encodingForModel('gpt-4o')).toBe('o200k_base');
    expect(encodingForModel('gpt-4.1')).toBe('o200k_base');
    expect(encodingForModel('o3-mini')).toBe('o200k_base');
  });
});
