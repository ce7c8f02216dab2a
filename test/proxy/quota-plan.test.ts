import { describe, expect, it } from 'vitest';
import { anthropicAdapter, httpAdapter, openaiAdapter } from '../../src/proxy/protocols/index.js';
import { planQuota, type PlanInput } from '../../src/proxy/quota.js';
import type { QuotaSpec } from '../../src/quota/types.js';

// What a request reserves against each quota, and the body it is forwarded with:
// pure arithmetic over the decision's specs and the request.

const tokens: QuotaSpec = { name: 'daily', key: 'u1', limit: 100_000, windowMs: 86_400_000, unit: 'tokens' };
const requests: QuotaSpec = { name: 'rpm', key: 'u1', limit: 60, windowMs: 60_000, unit: 'requests' };
const config = { messageOverheadTokens: 3, defaultMaxCompletionTokens: 4096 };

const chatBody = { model: 'gpt-4.1-mini', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }] };

function plan(over: Partial<PlanInput>) {
  return planQuota({ specs: [tokens, requests], adapter: openaiAdapter, operation: 'chat', body: chatBody, stream: false, cap: 100, promptTokens: 5, config, ...over });
}

describe('planQuota', () => {
  it('tokens: the counted prompt, 3 per message and 3 for the reply, the cap; requests: 1', () => {
    const p = plan({});
    expect(p.reserved).toEqual({ prompt: 5 + 3 * 3, completion: 100 });
    expect(p.lines.map((l) => [l.name, l.amount])).toEqual([['daily', 114], ['rpm', 1]]);
    expect(p.body).toBe(chatBody);
    expect(p.tokens).toBe(true);
    expect(p.defaultCap).toBeUndefined();
  });

  it('a request without a cap gets the default, in the body and in the reservation', () => {
    const p = plan({ cap: undefined });
    expect(p.defaultCap).toBe(4096);
    expect((p.body as Record<string, unknown>)['max_completion_tokens']).toBe(4096);
    expect(p.reserved.completion).toBe(4096);
  });

  it('n completions reserve n caps', () => {
    expect(plan({ body: { ...chatBody, n: 3 } }).reserved.completion).toBe(300);
  });

  it('a stream asks for its usage; the client who asked keeps its own', () => {
    const p = plan({ body: { ...chatBody, stream: true }, stream: true });
    expect(p.usageAdded).toBe(true);
    expect((p.body as Record<string, unknown>)['stream_options']).toEqual({ include_usage: true });
    expect(plan({ body: { ...chatBody, stream: true, stream_options: { include_usage: true } }, stream: true }).usageAdded).toBe(false);
  });

  it('request budgets alone leave the body untouched: no default cap, no usage asked', () => {
    const p = plan({ specs: [requests], cap: undefined, body: { ...chatBody, stream: true }, stream: true });
    expect(p.tokens).toBe(false);
    expect(p.body).toEqual({ ...chatBody, stream: true });
    expect(p.lines.map((l) => l.amount)).toEqual([1]);
  });

  it('embeddings and generic connections reserve their prompt only', () => {
    expect(plan({ operation: 'embedding', body: { model: 'text-embedding-3-small', input: ['a', 'b'] }, cap: undefined }).reserved).toEqual({ prompt: 5, completion: 0 });
    const http = httpAdapter({ requestTexts: ['$.query'], responseTexts: [], operation: 'other' });
    const p = plan({ adapter: http, operation: 'other', body: { query: 'x' }, cap: undefined });
    expect(p.reserved).toEqual({ prompt: 5, completion: 0 });
    expect(p.body).toEqual({ query: 'x' });
  });

  it('Anthropic: the system prompt counts as a message', () => {
    const p = plan({ adapter: anthropicAdapter, operation: 'messages', body: { model: 'claude', system: 'be brief', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] } });
    expect(p.reserved).toEqual({ prompt: 5 + 3 * 3, completion: 100 });
  });

  it('the framing is configurable, down to none', () => {
    expect(plan({ config: { ...config, messageOverheadTokens: 0 } }).reserved.prompt).toBe(5);
    expect(plan({ config: { ...config, messageOverheadTokens: 7 } }).reserved.prompt).toBe(5 + 21);
  });
});
