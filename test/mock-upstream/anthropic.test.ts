import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';

// The official @anthropic-ai/sdk client against the mock: messages, streamed
// messages (text and tool_use with input_json_delta), stop reasons and errors.

let mock: MockUpstream;
let client: Anthropic;

beforeAll(async () => {
  mock = await startMockUpstream({ chunkChars: 2 });
  client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: mock.url, maxRetries: 0 });
});
afterAll(() => mock.close());

const KEY = 'AKIAIOSFODNN7EXAMPLE';

describe('messages', () => {
  it('non-streaming: a message with one text block, end_turn and usage', async () => {
    const m = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 256, system: 'be brief', messages: [{ role: 'user', content: `say: the key is ${KEY}` }] });
    expect(m.type).toBe('message');
    expect(m.role).toBe('assistant');
    expect(m.id).toMatch(/^msg_01/);
    expect(m.model).toBe('claude-sonnet-4-6');
    expect(m.content).toEqual([{ type: 'text', text: `the key is ${KEY}` }]);
    expect(m.stop_reason).toBe('end_turn');
    expect(m.stop_sequence).toBeNull();
    expect(m.usage.input_tokens).toBeGreaterThan(5);
    expect(m.usage.output_tokens).toBeGreaterThan(3);
  });

  it('answers the last user message, text blocks included', async () => {
    const m = await client.messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 256,
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [{ type: 'text', text: 'second' }] },
      ],
    });
    expect(m.content).toEqual([{ type: 'text', text: 'You said: second' }]);
  });

  it('max_tokens cuts the text: stop_reason max_tokens', async () => {
    const m = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 2, messages: [{ role: 'user', content: 'say: one two three' }] });
    expect(m.stop_reason).toBe('max_tokens');
    expect(m.content).toEqual([{ type: 'text', text: 'one two' }]);
    expect(m.usage.output_tokens).toBe(2);
  });

  it('messages.stream: text events join to the text; the final message is whole', async () => {
    const stream = client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 256, messages: [{ role: 'user', content: `say: streamed ${KEY}` }] });
    const deltas: string[] = [];
    const events: string[] = [];
    stream.on('text', (t) => deltas.push(t));
    stream.on('streamEvent', (e) => events.push(e.type));
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: `streamed ${KEY}` }]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(`streamed ${KEY}`);
    expect(deltas.length).toBeGreaterThan(10);
    expect(events.filter((t, i) => t !== events[i - 1])).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('create({stream: true}) yields the raw events', async () => {
    const stream = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 1, stream: true, messages: [{ role: 'user', content: 'say: one two' }] });
    let text = '';
    let stop: string | null = null;
    for await (const e of stream) {
      if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') text += e.delta.text;
      if (e.type === 'message_delta') stop = e.delta.stop_reason;
    }
    expect(text).toBe('one');
    expect(stop).toBe('max_tokens');
  });

  it('call tool <name>: a tool_use block; streamed as input_json_delta', async () => {
    const m = await client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 256, messages: [{ role: 'user', content: `call tool store_secret ${KEY}` }] });
    expect(m.stop_reason).toBe('tool_use');
    expect(m.content).toEqual([{ type: 'tool_use', id: expect.stringMatching(/^toolu_01/), name: 'store_secret', input: { text: KEY } }]);

    const stream = client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 256, messages: [{ role: 'user', content: `call tool store_secret ${KEY}` }] });
    const partials: string[] = [];
    stream.on('inputJson', (partial) => partials.push(partial));
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toEqual([{ type: 'tool_use', id: expect.stringMatching(/^toolu_01/), name: 'store_secret', input: { text: KEY } }]);
    expect(partials.join('')).toBe(JSON.stringify({ text: KEY }));
  });

  it('errors come in Anthropic style and map to the SDK error classes', async () => {
    const ask = (headers: Record<string, string>) =>
      client.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }, { headers });
    await expect(ask({ 'x-mock-status': '429' })).rejects.toBeInstanceOf(Anthropic.RateLimitError);
    await expect(ask({ 'x-mock-status': '529' })).rejects.toMatchObject({ status: 529, error: { type: 'error', error: { type: 'overloaded_error' } } });
    await expect(ask({ 'x-mock-status': '500' })).rejects.toBeInstanceOf(Anthropic.InternalServerError);
  });

  it('max_tokens is required, as the real API requires it', async () => {
    const r = await fetch(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
  });

  it('the anthropic-version header is required, as the real API requires it', async () => {
    const r = await fetch(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' } });
  });
});
