import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskText, pathMatches, planRules } from '../../src/masking/index.js';
import { builtinLibrary, redactText } from '../../src/runtime/classifiers/index.js';
import { ClassifierError } from '../../src/runtime/classifiers/types.js';
import { classifierSet, document, maskRules, render, secretsOf } from './fixtures.js';

const set = classifierSet();
const rule = (classifier: string, replacement = `[${classifier}]`, extra: object = {}) => ({ classifier, replacement, action: 'mask' as const, ...extra });

describe('maskText', () => {
  it('replaces each match and reports what it found, never the values', () => {
    const r = maskText('mail jane.doe@example.com, key AKIAIOSFODNN7EXAMPLE. ok', [rule('pii.email', '[EMAIL]'), rule('secret.aws_access_key', '[KEY]')], set);
    expect(r).toEqual({ text: 'mail [EMAIL], key [KEY]. ok', masked: 2, blocked: false, classifiers: ['pii.email', 'secret.aws_access_key'] });
  });

  it('leaves a text without matches, or with no rules, untouched', () => {
    expect(maskText('nothing to see', [rule('pii.email')], set)).toEqual({ text: 'nothing to see', masked: 0, blocked: false, classifiers: [] });
    expect(maskText('jane@example.com', [], set)).toEqual({ text: 'jane@example.com', masked: 0, blocked: false, classifiers: [] });
    expect(maskText('', [rule('pii.email')], set).text).toBe('');
  });

  it('takes redact rules (no action, no paths) as well as mask rules', () => {
    expect(maskText('write to jane@example.com', [{ classifier: 'pii.email', replacement: '<e-mail>' }], set).text).toBe('write to <e-mail>');
  });

  it('substitutes {name} in a replacement, as the redact builtin does', () => {
    expect(maskText('jane@example.com', [rule('pii.email', '<{name}>')], set).text).toBe('<pii.email>');
  });

  it('merges overlapping matches into one span, named for the match that starts first (then the longest)', () => {
    // the generic key rule reports only the value; the JWT starts at the same place and is longer
    const t = 'token = eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX3ZhbHVl done';
    const both = maskText(t, [rule('secret.generic_api_key', '[KEY]'), rule('secret.jwt', '[JWT]')], set);
    // the same span: the first classifier by name
    expect(both.text).toBe('token = [KEY] done');
    expect(both.masked).toBe(1);
    expect(both.classifiers).toEqual(['secret.generic_api_key', 'secret.jwt']);
    // the same start: the longest (an e-mail whose local part is a codename)
    expect(maskText('to orion@example.com now', [rule('codename', '[C]'), rule('pii.email', '[E]')], set).text).toBe('to [E] now');
    // the earliest start wins even when a later one is longer; a chain of overlaps is one span
    const words = classifierSet('package t\nclassifier a { keywords ["alpha beta"] }\nclassifier b { keywords ["beta gamma delta"] }\nclassifier c { keywords ["delta omega"] }\n');
    const chain = maskText('x alpha beta gamma delta omega y', [rule('a', '[A]'), rule('b', '[B]'), rule('c', '[C]')], words);
    expect(chain).toEqual({ text: 'x [A] y', masked: 1, blocked: false, classifiers: ['a', 'b', 'c'] });
  });

  it('agrees with the redact builtin when one replacement is used for every classifier', () => {
    const lib = builtinLibrary();
    const names = ['pii.email', 'secret.jwt', 'secret.generic_api_key', 'pii.credit_card', 'codename'].filter((n) => lib.has(n));
    fc.assert(
      fc.property(document, (pieces) => {
        const t = render(pieces);
        expect(maskText(t, names.map((n) => rule(n, '<{name}>')), lib).text).toBe(redactText(lib, t, names, '<{name}>'));
      }),
      { numRuns: 100 },
    );
  });

  it('never scans a replacement again', () => {
    // the replacement is itself an e-mail address and a codename
    const r = maskText('a@b.io and c@d.io', [rule('pii.email', 'ORION@example.com'), rule('codename', '[C]')], set);
    expect(r.text).toBe('ORION@example.com and ORION@example.com');
  });

  it('reports a block rule without hiding the masking', () => {
    const key = `-----BEGIN ${'PRIVATE'} KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END ${'PRIVATE'} KEY-----`;
    const r = maskText(`here:\n${key}\n`, [{ classifier: 'secret.private_key', replacement: '[KEY]', action: 'block' }], set);
    expect(r.blocked).toBe(true);
    expect(r.text).toBe('here:\n[KEY]\n');
    expect(r.classifiers).toEqual(['secret.private_key']);
  });

  it('fails on an unknown classifier rather than letting text through', () => {
    expect(() => maskText('x', [rule('no.such')], set)).toThrow(ClassifierError);
  });

  it('applies rules limited to paths only at those paths', () => {
    const rules = [rule('pii.email', '[E]', { paths: ['$.results[*].text'] }), rule('codename', '[C]', { paths: ['$.summary'] })];
    const t = 'ORION mail jane@example.com';
    expect(maskText(t, rules, set, '$.results[3].text').text).toBe('ORION mail [E]');
    expect(maskText(t, rules, set, '$.summary').text).toBe('[C] mail jane@example.com');
    expect(maskText(t, rules, set, '$.other').text).toBe(t);
    // no path known: every rule applies (fail closed)
    expect(maskText(t, rules, set).text).toBe('[C] mail [E]');
  });

  it('masks every sensitive value of realistic documents', () => {
    fc.assert(
      fc.property(document, (pieces) => {
        const out = maskText(render(pieces), maskRules(), set).text;
        for (const s of secretsOf(pieces)) expect(out).not.toContain(s);
      }),
      { numRuns: 200 },
    );
  });
});

describe('rule paths', () => {
  it('match the same path, or any index / name where the rule says [*] or .*', () => {
    expect(pathMatches('$.results[*].text', '$.results[0].text')).toBe(true);
    expect(pathMatches('$.results[*].text', '$.results[12].text')).toBe(true);
    expect(pathMatches('$.results[*].text', '$.results[0].meta.text')).toBe(false);
    expect(pathMatches('$.results[*].text', '$.results[0]')).toBe(false);
    expect(pathMatches('$.*.text', '$.a.text')).toBe(true);
    expect(pathMatches("$['a b'].c", "$['a b'].c")).toBe(true);
    expect(pathMatches("$['ab'].c", '$.ab.c')).toBe(true);
    expect(pathMatches('$.a[1]', '$.a[2]')).toBe(false);
    expect(pathMatches('$.a[1]', '$.a[1]')).toBe(true);
    // not a simple path: compared as written
    expect(pathMatches('$..text', '$.a.text')).toBe(false);
    expect(pathMatches('$..text', '$..text')).toBe(true);
  });

  it('plan the first replacement per classifier and every blocking one', () => {
    const plan = planRules([rule('a', '1'), { classifier: 'a', replacement: '2', action: 'block' }, rule('b', '3', { paths: ['$.x'] })], '$.y');
    expect(plan.names).toEqual(['a']);
    expect(plan.replacement.get('a')).toBe('1');
    expect([...plan.blocking]).toEqual(['a']);
  });
});
