import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import { frames, json, post } from './sse.js';

// The bytes on the wire, as a proxy reads them: `data: {...}\n\n` frames, event
// names, [DONE], keep-alive comments, usage chunks, and text split into deltas of
// exactly the requested size.

let mock: MockUpstream;
beforeAll(async () => {
  mock = await startMockUpstream();
});
afterAll(() => mock.close());

const ANTHROPIC = { 'anthropic-version': '2023-06-01' };

describe('OpenAI chat stream', () => {
  it('is keep-alive, data frames of chat.completion.chunk, a usage chunk, then [DONE]', async () => {
    const r = await post(`${mock.url}/v1/chat/completions`, {
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'say: 0123456789' }],
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(r.headers.get('x-request-id')).toMatch(/^req_/);
    const text = await r.text();
    expect(text.startsWith(': keep-alive\n\ndata: {')).toBe(true);
    expect(text.endsWith('\n\ndata: [DONE]\n\n')).toBe(true);
    const fs = frames(text);
    const data = fs.filter((f) => f.data !== undefined && f.data !== '[DONE]').map(json);
    expect(fs.every((f) => f.event === undefined)).toBe(true);
    expect(data.every((d) => d['object'] === 'chat.completion.chunk')).toBe(true);
    expect(new Set(data.map((d) => d['id'])).size).toBe(1);
    expect(data[0]!['choices'][0]['delta']).toEqual({ role: 'assistant', content: '', refusal: null });
    // default chunkChars: 4 characters per delta
    const contents = data.flatMap((d) => d['choices']).map((c) => c.delta.content).filter((c) => c);
    expect(contents).toEqual(['0123', '4567', '89']);
    const usage = data.at(-1)!;
    expect(usage['choices']).toEqual([]);
    expect(usage['usage']).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    expect(data.at(-2)!['choices'][0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
  });

  it('without include_usage there is no usage chunk and no usage field', async () => {
    const text = await (await post(`${mock.url}/v1/chat/completions`, { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'say: ab' }] })).text();
    const data = frames(text).filter((f) => f.data && f.data !== '[DONE]').map(json);
    expect(data.every((d) => !('usage' in d))).toBe(true);
    expect(data.every((d) => d['choices'].length === 1)).toBe(true);
  });

  it('a long stream carries a keep-alive comment between data frames too', async () => {
    const text = await (
      await post(`${mock.url}/v1/chat/completions`, { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: `say: ${'x'.repeat(100)}` }] }, { 'x-mock-chunk-chars': '2' })
    ).text();
    const fs = frames(text);
    const comments = fs.map((f, i) => (f.comment !== undefined ? i : -1)).filter((i) => i >= 0);
    expect(comments[0]).toBe(0);
    expect(comments.length).toBeGreaterThan(2);
    expect(fs.filter((f) => f.comment !== undefined).every((f) => f.raw === ': keep-alive')).toBe(true);
  });

  it('x-mock-chunk-chars sets the size of each delta; deltas join to exactly the text (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.integer({ min: 1, max: 9 }), async (said, size) => {
        fc.pre(!/call tool [A-Za-z0-9_-]/.test(said));
        const r = await post(`${mock.url}/v1/chat/completions`, { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: `say: ${said}` }] }, { 'x-mock-chunk-chars': String(size) });
        const deltas = frames(await r.text())
          .filter((f) => f.data && f.data !== '[DONE]')
          .map(json)
          .map((d) => d['choices'][0]?.delta?.content)
          .filter((c): c is string => typeof c === 'string' && c.length > 0);
        expect(deltas.join('')).toBe(said);
        for (const d of deltas.slice(0, -1)) expect(Array.from(d)).toHaveLength(size);
      }),
      { numRuns: 40 },
    );
    mock.reset();
  });
});

describe('OpenAI completions stream', () => {
  it('is text_completion data frames ending in [DONE]', async () => {
    const text = await (await post(`${mock.url}/v1/completions`, { model: 'gpt-3.5-turbo-instruct', stream: true, prompt: 'say: abcdef' })).text();
    const fs = frames(text);
    expect(fs.at(-1)!.raw).toBe('data: [DONE]');
    const data = fs.filter((f) => f.data && f.data !== '[DONE]').map(json);
    expect(data.every((d) => d['object'] === 'text_completion')).toBe(true);
    expect(data.map((d) => d['choices'][0].text).join('')).toBe('abcdef');
    expect(data.at(-1)!['choices'][0].finish_reason).toBe('stop');
  });
});

describe('Responses API stream', () => {
  it('is named events whose data repeats the name as type, with no [DONE]', async () => {
    const text = await (await post(`${mock.url}/v1/responses`, { model: 'gpt-4.1', stream: true, input: 'say: hello world' })).text();
    const fs = frames(text).filter((f) => f.comment === undefined);
    expect(fs.every((f) => f.event !== undefined && f.data !== undefined && json(f)['type'] === f.event)).toBe(true);
    expect(text).not.toContain('[DONE]');
    const deltas = fs.filter((f) => f.event === 'response.output_text.delta').map(json);
    expect(deltas.map((d) => d['delta']).join('')).toBe('hello world');
    for (const d of deltas) expect(d).toMatchObject({ item_id: expect.stringMatching(/^msg_/), output_index: 0, content_index: 0, sequence_number: expect.any(Number) });
    expect(json(fs.find((f) => f.event === 'response.output_text.done')!)['text']).toBe('hello world');
    const completed = json(fs.at(-1)!);
    expect(completed['type']).toBe('response.completed');
    expect(completed['response']['output'][0]['content'][0]['text']).toBe('hello world');
    expect(completed['response']['usage']['output_tokens']).toBeGreaterThan(0);
  });
});

describe('Anthropic stream', () => {
  it('is named events in the real order, ping included, no comments and no [DONE]', async () => {
    const r = await post(`${mock.url}/v1/messages`, { model: 'claude-sonnet-4-6', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'say: abcdefghij' }] }, ANTHROPIC);
    expect(r.headers.get('request-id')).toMatch(/^req_011/);
    const fs = frames(await r.text());
    expect(fs.every((f) => f.comment === undefined && f.event !== undefined && json(f)['type'] === f.event)).toBe(true);
    expect(fs.map((f) => f.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(fs.filter((f) => f.event === 'content_block_delta').map((f) => json(f)['delta'])).toEqual([
      { type: 'text_delta', text: 'abcd' },
      { type: 'text_delta', text: 'efgh' },
      { type: 'text_delta', text: 'ij' },
    ]);
    expect(json(fs[7]!)).toEqual({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: expect.any(Number) } });
  });
});

describe('JSON responses', () => {
  it('carry content-type application/json and a content-length', async () => {
    const r = await post(`${mock.url}/v1/chat/completions`, { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.headers.get('content-type')).toBe('application/json');
    const body = await r.text();
    expect(Number(r.headers.get('content-length'))).toBe(Buffer.byteLength(body));
  });
});
