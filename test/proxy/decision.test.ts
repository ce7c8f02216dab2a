import { describe, expect, it } from 'vitest';
import { DecisionError, readDecision } from '../../src/proxy/decision.js';

describe('readDecision', () => {
  it('reads a full decision document as the reference chat policy produces it', () => {
    const d = readDecision({
      deny: ['model gpt-5 is not allowed for your groups', { reason: 'x', classifier: 'secret.aws_access_key' }],
      approval: [{ reason: 'premium model', approvers: ['ml-leads'], ttl: '15m' }],
      max_tokens: 512,
      quota: [{ name: 'daily', key: 'u1', limit: 100000, window: '24h' }],
      redact: [{ classifier: 'pii.email', replacement: '[EMAIL]' }, { classifier: 'pii.phone' }],
      mask: [
        { classifier: 'pii.credit_card', replacement: '[CARD]' },
        { classifier: 'secret.private_key', action: 'block' },
        { classifier: 'codename', paths: ['$.results[*].text'] },
      ],
      record: 'metadata',
      helper_rule: 'ignored',
    });
    expect(d).toEqual({
      deny: ['model gpt-5 is not allowed for your groups', '{"reason":"x","classifier":"secret.aws_access_key"}'],
      approval: [{ reason: 'premium model', approvers: ['ml-leads'], ttl: '15m' }],
      maxTokens: 512,
      maxTokensAction: 'clamp',
      quota: [{ name: 'daily', key: 'u1', limit: 100000, window: '24h' }],
      redact: [
        { classifier: 'pii.email', replacement: '[EMAIL]' },
        { classifier: 'pii.phone', replacement: '[REDACTED:pii.phone]' },
      ],
      mask: [
        { classifier: 'pii.credit_card', replacement: '[CARD]', action: 'mask' },
        { classifier: 'secret.private_key', replacement: '[REDACTED:secret.private_key]', action: 'block' },
        { classifier: 'codename', replacement: '[REDACTED:codename]', action: 'mask', paths: ['$.results[*].text'] },
      ],
      record: 'metadata',
    });
  });

  it('is an empty decision for an undefined package or an empty object', () => {
    const empty = { deny: [], approval: [], maxTokensAction: 'clamp', quota: [], redact: [], mask: [] };
    expect(readDecision(undefined)).toEqual(empty);
    expect(readDecision({})).toEqual(empty);
  });

  it('reads the shorthands the checker accepts: a classifier name, an approval reason', () => {
    expect(readDecision({ redact: ['pii.email'], mask: ['pii.iban'], approval: ['premium model'] })).toMatchObject({
      redact: [{ classifier: 'pii.email', replacement: '[REDACTED:pii.email]' }],
      mask: [{ classifier: 'pii.iban', replacement: '[REDACTED:pii.iban]', action: 'mask' }],
      approval: [{ reason: 'premium model' }],
    });
  });

  it('reads max_tokens_action', () => {
    expect(readDecision({ max_tokens: 10, max_tokens_action: 'reject' })).toMatchObject({ maxTokens: 10, maxTokensAction: 'reject' });
  });

  it.each([
    [[], '(document)', /must evaluate to an object, got an array/],
    ['allow', '(document)', /got a string/],
    [{ deny: 'no' }, 'deny', /must be a set \(or array\), got a string/],
    [{ deny: { a: 1 } }, 'deny', /got an object/],
    [{ approval: [1] }, 'approval', /each element must be an object, got a number/],
    [{ max_tokens: '512' }, 'max_tokens', /whole number ≥ 0, got "512"/],
    [{ max_tokens: 1.5 }, 'max_tokens', /got 1.5/],
    [{ max_tokens: -1 }, 'max_tokens', /got -1/],
    [{ max_tokens_action: 'drop' }, 'max_tokens_action', /"clamp" or "reject"/],
    [{ redact: [{ replacement: 'x' }] }, 'redact', /needs a "classifier" string/],
    [{ redact: [{ classifier: 'pii.email', replacement: 1 }] }, 'redact', /"replacement" of pii.email must be a string/],
    [{ mask: [7] }, 'mask', /must be a classifier name or an object \{classifier, replacement\?\}, got a number/],
    [{ mask: [{ classifier: 'pii.email', action: 'drop' }] }, 'mask', /"action" of pii.email must be "mask" or "block"/],
    [{ mask: [{ classifier: 'pii.email', paths: '$.a' }] }, 'mask', /"paths" of pii.email must be an array/],
    [{ record: 'none' }, 'record', /"full" or "metadata"/],
  ])('refuses %j: names the key %s', (doc, key, message) => {
    try {
      readDecision(doc);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecisionError);
      expect((e as DecisionError).key).toBe(key);
      expect((e as DecisionError).code).toBe('policy_decision_error');
      expect((e as DecisionError).message).toMatch(message);
    }
  });
});
