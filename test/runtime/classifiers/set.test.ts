import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinLibrary, ClassifierError, libraryDefinitions, redactText } from '../../../src/runtime/classifiers/index.js';

const lib = builtinLibrary();

describe('classifier set', () => {
  it('lists the built-in library, each with a one-line description and a finite hold-back', () => {
    const names = lib.names();
    for (const n of ['pii.email', 'pii.credit_card', 'pii.us_ssn', 'pii.phone', 'pii.iban', 'pii.ip_address', 'secret.aws_access_key',
      'secret.aws_secret_key', 'secret.github_token', 'secret.private_key', 'secret.jwt', 'secret.generic_api_key', 'secret.slack_token',
      'secret.stripe_key', 'secret.openai_api_key', 'secret.google_api_key']) {
      expect(names).toContain(n);
    }
    expect(names).toEqual([...names].sort());
    for (const d of libraryDefinitions()) {
      expect(d.description).toMatch(/^[A-Z].*\.$/);
      expect(d.description).not.toContain('\n');
      expect(Number.isFinite(lib.maxLength(d.name))).toBe(true);
    }
    expect(lib.maxLength('pii.us_ssn')).toBe(11);
  });

  it('scans all classifiers or the named ones, sorted by position', () => {
    const t = 'ssn 536-22-1234 mail a@example.com ip 10.0.0.1';
    expect(lib.scan(t)).toEqual([
      { classifier: 'pii.us_ssn', start: 4, end: 15 },
      { classifier: 'pii.email', start: 21, end: 34 },
      { classifier: 'pii.ip_address', start: 38, end: 46 },
    ]);
    expect(lib.scan(t, ['pii.ip_address', 'pii.email']).map((m) => m.classifier)).toEqual(['pii.email', 'pii.ip_address']);
    expect(lib.scan('', ['pii.email'])).toEqual([]);
    expect(lib.scan(t, [])).toEqual([]);
  });

  it('answers repeated scans of the same text consistently, and callers cannot corrupt it', () => {
    const t = 'a@example.com';
    const first = lib.scan(t);
    first.pop();
    expect(lib.scan(t)).toHaveLength(1);
    expect(lib.scan(t, ['pii.phone'])).toEqual([]);
    expect(lib.scan(t)).toHaveLength(1);
  });

  it('throws ClassifierError naming an unknown classifier', () => {
    expect(() => lib.scan('x', ['nope'])).toThrow(ClassifierError);
    expect(() => lib.scan('x', ['nope'])).toThrow('unknown classifier "nope"');
    expect(() => lib.maxLength('nope')).toThrow(ClassifierError);
  });

  it('redacts, merging overlaps and naming the first-starting match', () => {
    const t = 'write to a@example.com or b@example.com now';
    expect(redactText(lib, t, ['pii.email'], '[{name}]')).toBe('write to [pii.email] or [pii.email] now');
    expect(redactText(lib, t, ['pii.phone'], 'x')).toBe(t);
    const token = 'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789';
    expect(redactText(lib, `token: ${token}!`, ['secret.github_token', 'secret.generic_api_key'], '<{name}>')).toBe(
      'token: <secret.generic_api_key>!',
    );
    expect(redactText(lib, t, ['pii.email'], '{name}/{name}')).toBe('write to pii.email/pii.email or pii.email/pii.email now');
  });

  it('never throws on arbitrary text, and reports sorted, in-bounds, per-classifier disjoint spans', () => {
    const pieces = fc.constantFrom('4111 1111 1111 1111', 'a@b.co', '::1', 'AKIA', 'eyJ', '-----BEGIN ', ' PRIVATE KEY-----', 'sk-', '\uD800', '\uDC00', '😀', 'é', '\n', '=', ':');
    const texts = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), pieces), { maxLength: 20 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(texts, (t) => {
        const found = lib.scan(t);
        const lastEnd = new Map<string, number>();
        for (let i = 0; i < found.length; i++) {
          const m = found[i]!;
          expect(0 <= m.start && m.start < m.end && m.end <= t.length).toBe(true);
          if (i > 0) expect(found[i - 1]!.start <= m.start).toBe(true);
          expect(m.start >= (lastEnd.get(m.classifier) ?? 0)).toBe(true);
          lastEnd.set(m.classifier, m.end);
        }
        expect(typeof redactText(lib, t, lib.names(), '[{name}]')).toBe('string');
      }),
      { numRuns: 100 },
    );
  });

  it('scans a large hostile text in one piece', () => {
    const t = `${'1-'.repeat(50_000)} ${'a@'.repeat(30_000)} ${'-----BEGIN RSA PRIVATE KEY-----'.repeat(100)}`;
    const found = lib.scan(t);
    expect(found.every((m) => m.classifier === 'secret.private_key')).toBe(true);
  });
});
