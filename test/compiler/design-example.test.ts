import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileSources } from '../../src/compiler/sources.js';
import { fromJSON, toJSON } from '../../src/runtime/value.js';

// The example policy of DESIGN.md runs as the design says it does.
const sources = new Map([
  ['chat.gate', readFileSync(new URL('../fixtures/design-example.gate', import.meta.url), 'utf8')],
  ['groups.gate', 'package railgate.lib.groups\n\nis_research(user) if "ml-research" in user.groups\n'],
]);

describe('the DESIGN.md example policy', () => {
  const { policy, diagnostics } = compileSources(sources);

  it('compiles and its own test passes', () => {
    expect(diagnostics).toEqual([]);
    const tests = policy!.tests();
    expect(tests.map((t) => t.name)).toEqual(['test_card_is_denied']);
    expect(policy!.evaluate(tests[0]!.path)).toBe(true);
  });

  it('decides a premium-model request with a card number as the design describes', () => {
    const input = fromJSON({ model: 'gpt-4.1', texts: ['my visa card is 4111 1111 1111 1111'], user: { id: 'u1', groups: [] } });
    const d = toJSON(policy!.evaluate(['railgate', 'chat'], { input }) as never) as Record<string, unknown>;
    expect(d['deny']).toEqual(['payment card number in prompt']);
    expect(d['max_tokens']).toBe(512);
    expect(d['approval']).toEqual([{ approvers: ['ml-leads'], reason: 'premium model' }]);
    expect(d['quota']).toEqual([{ key: 'u1', limit: 200000, name: 'daily', window: '24h' }]);
    expect(d['mask']).toEqual([{ classifier: 'card' }, { classifier: 'codename' }, { classifier: 'secret.aws_access_key' }]);
  });

  it('does not deny a number that fails the Luhn check, and lifts the cap for research', () => {
    const input = fromJSON({ model: 'gpt-4.1', texts: ['order 4111 1111 1111 1112 for my card'], user: { id: 'u2', groups: ['ml-research'] } });
    const d = toJSON(policy!.evaluate(['railgate', 'chat'], { input }) as never) as Record<string, unknown>;
    expect(d['deny']).toEqual([]);
    expect(d['max_tokens']).toBe(4096);
    expect(d['approval']).toEqual([]);
  });
});
