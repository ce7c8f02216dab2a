import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import { startProxy, type ProxyServer } from '../../src/proxy/index.js';
import { AWS_KEY, CARD, CLIENT_KEY, logSink, tempDir, testConfig, TEST_POLICY, UPSTREAM_KEY, waitFor } from '../proxy/support.js';

// The official @anthropic-ai/sdk client against the proxy over real sockets.

let mock: MockUpstream;
let proxy: ProxyServer;
let policies: { dir: string; cleanup: () => void };
let client: Anthropic;

beforeAll(async () => {
  mock = await startMockUpstream({ requireAuth: UPSTREAM_KEY, chunkChars: 3 });
  policies = tempDir({ 'test.gate': TEST_POLICY });
  proxy = await startProxy(testConfig({ bundle: policies.dir, mockUrl: mock.url }), { logStream: logSink().stream });
  client = new Anthropic({ baseURL: `${proxy.url}/anthropic`, apiKey: CLIENT_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await proxy?.close();
  await mock?.close();
  policies?.cleanup();
});

beforeEach(() => mock.reset());

function textOf(m: Anthropic.Message): string {
  return m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}

describe('messages', () => {
  it('non-streaming: the answer arrives, masked; the upstream got its own key', async () => {
    const m = await client.messages.create({ model: 'claude-3-5-haiku', max_tokens: 50, messages: [{ role: 'user', content: `say: card ${CARD} ok` }] });
    expect(textOf(m)).toBe('card [CARD] ok');
    const seen = mock.requests[0]!;
    expect(seen.headers['x-api-key']).toBe(UPSTREAM_KEY);
    expect(JSON.stringify(seen.headers)).not.toContain(CLIENT_KEY);
  });

  it('messages.stream: text events and finalMessage() are masked', async () => {
    const stream = client.messages.stream({ model: 'claude-3-5-haiku', max_tokens: 80, messages: [{ role: 'user', content: `say: key ${AWS_KEY} and ${CARD}.` }] });
    let streamed = '';
    stream.on('text', (t) => {
      streamed += t;
    });
    const final = await stream.finalMessage();
    expect(textOf(final)).toBe('key [SECRET] and [CARD].');
    expect(streamed).toBe('key [SECRET] and [CARD].');
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('the completion cap is clamped to the policy max_tokens', async () => {
    await client.messages.create({ model: 'claude-3-5-haiku', max_tokens: 4096, messages: [{ role: 'user', content: 'hi' }] });
    expect(mock.requests[0]!.body).toMatchObject({ max_tokens: 100 });
  });
});

describe('refusals as SDK errors', () => {
  it('deny → PermissionDeniedError, status 403, our code in the error body', async () => {
    const err = await client.messages.create({ model: 'claude-3-5-haiku', max_tokens: 50, messages: [{ role: 'user', content: 'forbidden words' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.PermissionDeniedError);
    const e = err as InstanceType<typeof Anthropic.PermissionDeniedError>;
    expect(e.status).toBe(403);
    expect(e.error).toMatchObject({ type: 'error', error: { type: 'permission_error', code: 'policy_violation', policy: 'railgate.test' } });
    expect(mock.requests).toHaveLength(0);
  });

  it('approval_required on a stream surfaces from finalMessage()', async () => {
    const stream = client.messages.stream({ model: 'premium-model', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    const err = await stream.finalMessage().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect((err as InstanceType<typeof Anthropic.PermissionDeniedError>).error).toMatchObject({ error: { code: 'approval_required' } });
  });
});

describe('client abort', () => {
  it('aborting a stream aborts the upstream request', async () => {
    const stream = client.messages.stream(
      { model: 'claude-3-5-haiku', max_tokens: 4000, messages: [{ role: 'user', content: `say: ${'a long answer '.repeat(200)}` }] },
      { headers: { 'x-mock-chunk-delay-ms': '20' } },
    );
    let texts = 0;
    stream.on('text', () => {
      if (++texts === 3) stream.abort();
    });
    await stream.done().catch(() => undefined);
    expect(texts).toBeGreaterThanOrEqual(3);
    await waitFor(() => mock.requests[0]?.aborted === true);
  });
});
