import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import { startProxy, type ProxyServer } from '../../src/proxy/index.js';
import { AWS_KEY, CARD, CLIENT_KEY, logSink, tempDir, testConfig, TEST_POLICY, UPSTREAM_KEY, waitFor } from '../proxy/support.js';

// The official openai client against the proxy over real sockets, the proxy in
// front of the mock model server: what an application developer sees after
// changing only the base URL and the API key.

let mock: MockUpstream;
let proxy: ProxyServer;
let policies: { dir: string; cleanup: () => void };
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockUpstream({ requireAuth: UPSTREAM_KEY, chunkChars: 3 });
  policies = tempDir({ 'test.gate': TEST_POLICY });
  proxy = await startProxy(testConfig({ bundle: policies.dir, mockUrl: mock.url }), { logStream: logSink().stream });
  client = new OpenAI({ baseURL: `${proxy.url}/openai/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
});

afterAll(async () => {
  await proxy?.close();
  await mock?.close();
  policies?.cleanup();
});

beforeEach(() => mock.reset());

describe('chat completions', () => {
  it('non-streaming: the answer arrives, masked', async () => {
    const r = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: `say: your card ${CARD} is on file` }] });
    expect(r.choices[0]!.message.content).toBe('your card [CARD] is on file');
    expect(r.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('streaming: chunks iterate, the text is masked, the usage chunk arrives', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: `say: the key is ${AWS_KEY} and the card ${CARD}, done` }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('the key is [SECRET] and the card [CARD], done');
    expect(chunks).toBeGreaterThan(5);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('streaming tool calls: arguments are masked across chunks', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages: [{ role: 'user', content: `call tool lookup the key ${AWS_KEY} please` }],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { text: { type: 'string' } } } } }],
      stream: true,
    });
    let args = '';
    let name = '';
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      if (call?.function?.name) name = call.function.name;
      args += call?.function?.arguments ?? '';
    }
    expect(name).toBe('lookup');
    expect(JSON.parse(args)).toEqual({ text: 'the key [SECRET] please' });
  });

  it('the completion cap is clamped to the policy max_tokens', async () => {
    await client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 4000 });
    expect(mock.requests[0]!.body).toMatchObject({ max_completion_tokens: 100 });
  });
});

describe('other operations', () => {
  it('completions', async () => {
    const r = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: `say: ${CARD}` });
    expect(r.choices[0]!.text).toBe('[CARD]');
  });

  it('responses, non-streaming', async () => {
    const r = await client.responses.create({ model: 'gpt-4.1-mini', input: `say: key ${AWS_KEY}` });
    expect(r.output_text).toBe('key [SECRET]');
  });

  it('responses, streaming', async () => {
    const stream = await client.responses.create({ model: 'gpt-4.1-mini', input: `say: card ${CARD} end`, stream: true });
    let text = '';
    let completed = false;
    for await (const ev of stream) {
      if (ev.type === 'response.output_text.delta') text += ev.delta;
      if (ev.type === 'response.completed') completed = true;
    }
    expect(text).toBe('card [CARD] end');
    expect(completed).toBe(true);
  });

  it('embeddings: inputs are redacted before they reach the model', async () => {
    const r = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['hello', 'mail ada@example.com'] });
    expect(r.data).toHaveLength(2);
    expect(r.data[0]!.embedding.length).toBeGreaterThan(0);
    expect(mock.requests[0]!.body).toMatchObject({ input: ['hello', 'mail [EMAIL]'] });
  });
});

describe('refusals as SDK errors', () => {
  it('deny → PermissionDeniedError, status 403, code policy_violation', async () => {
    const err = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'a forbidden thing' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const e = err as InstanceType<typeof OpenAI.PermissionDeniedError>;
    expect(e.status).toBe(403);
    expect(e.code).toBe('policy_violation');
    expect(e.type).toBe('policy_violation');
    expect(e.error).toMatchObject({ policy: 'railgate.test', reasons: ['the prompt uses a forbidden word'] });
    expect(mock.requests).toHaveLength(0);
  });

  it('deny on a streaming request fails before any chunk', async () => {
    const err = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'forbidden' }], stream: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
  });

  it('a wrong API key → AuthenticationError', async () => {
    const bad = new OpenAI({ baseURL: `${proxy.url}/openai/v1`, apiKey: 'rg-not-a-key', maxRetries: 0 });
    const err = await bad.embeddings.create({ model: 'text-embedding-3-small', input: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('max_tokens reject → BadRequestError max_tokens_exceeded', async () => {
    const err = await client.chat.completions.create({ model: 'strict-model', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('max_tokens_exceeded');
  });
});

describe('client abort', () => {
  it('aborting a stream aborts the upstream request', async () => {
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: `say: ${'a long answer '.repeat(200)}` }], stream: true },
      { signal: controller.signal, headers: { 'x-mock-chunk-delay-ms': '20' } },
    );
    let seen = 0;
    try {
      for await (const _chunk of stream) {
        if (++seen === 3) controller.abort();
      }
    } catch {
      // the SDK reports the abort as an error (APIUserAbortError); either way the stream stops
    }
    expect(seen).toBeGreaterThanOrEqual(3);
    await waitFor(() => mock.requests[0]?.aborted === true);
    expect(mock.requests[0]!.finished).toBe(false);
  });
});
