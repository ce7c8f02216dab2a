import { request } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream, type RecordedRequest } from '../../src/mock-upstream/index.js';
import { frames, json, post } from './sse.js';

// Fault injection by header, client disconnects, credentials, limits, and what the
// mock records: the behaviour proxy tests lean on.

let mock: MockUpstream;
let openai: OpenAI;
const CHAT = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'say: hello' }] };
const ANTHROPIC = { 'anthropic-version': '2023-06-01' };

beforeAll(async () => {
  mock = await startMockUpstream();
  openai = new OpenAI({ apiKey: 'sk-test', baseURL: `${mock.url}/v1`, maxRetries: 0 });
});
afterAll(() => mock.close());
afterEach(() => mock.reset());

/** The recorded request for a path once it has arrived. */
async function recorded(path: string): Promise<RecordedRequest> {
  await expect.poll(() => mock.requests.some((r) => r.path === path)).toBe(true);
  return mock.requests.find((r) => r.path === path)!;
}

describe('x-mock-status', () => {
  it('answers with that status and OpenAI’s error body; the SDK maps it', async () => {
    await expect(openai.chat.completions.create(CHAT, { headers: { 'x-mock-status': '500' } })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    const r = await post(`${mock.url}/v1/chat/completions`, CHAT, { 'x-mock-status': '503' });
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ error: { message: expect.any(String), type: 'server_error', param: null, code: null } });
    expect(mock.requests.map((q) => q.status)).toEqual([500, 503]);
  });

  it('429 carries retry-after and maps to RateLimitError', async () => {
    const r = await post(`${mock.url}/v1/embeddings`, { model: 'e', input: 'x' }, { 'x-mock-status': '429' });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('1');
    expect(await r.json()).toMatchObject({ error: { type: 'requests' } });
    await expect(openai.embeddings.create({ model: 'e', input: 'x' }, { headers: { 'x-mock-status': '429' } })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('on Anthropic paths the body is Anthropic’s', async () => {
    const r = await post(`${mock.url}/v1/messages`, {}, { ...ANTHROPIC, 'x-mock-status': '401' });
    expect(r.status).toBe(401);
    expect(await r.json()).toEqual({ type: 'error', error: { type: 'authentication_error', message: expect.any(String) }, request_id: expect.stringMatching(/^req_/) });
  });

  it.each([['200'], ['abc'], ['700']])('a bad value (%s) is a 400 naming the header', async (v) => {
    const r = await post(`${mock.url}/v1/chat/completions`, CHAT, { 'x-mock-status': v });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain('x-mock-status must be a whole number from 400 to 599');
  });

  it('bad x-mock-hang and x-mock-chunk-chars values are 400s too', async () => {
    expect((await post(`${mock.url}/v1/chat/completions`, CHAT, { 'x-mock-hang': 'forever' })).status).toBe(400);
    expect((await post(`${mock.url}/v1/chat/completions`, CHAT, { 'x-mock-chunk-chars': '0' })).status).toBe(400);
  });
});

describe('delays, hangs and disconnects', () => {
  it('x-mock-delay-ms holds the response; a client that gives up is recorded as aborted', async () => {
    const ac = new AbortController();
    const patient = new AbortController();
    const pending = fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mock-delay-ms': '600000' },
      body: JSON.stringify(CHAT),
      signal: patient.signal,
    });
    void pending.catch(() => undefined);
    const aborted = fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mock-delay-ms': '600000' },
      body: JSON.stringify(CHAT),
      signal: ac.signal,
    });
    await expect.poll(() => mock.requests.length).toBe(2);
    ac.abort();
    await expect(aborted).rejects.toThrow();
    await expect.poll(() => mock.requests.filter((r) => r.aborted).length).toBe(1);
    const gaveUp = mock.requests.find((r) => r.aborted)!;
    expect(gaveUp.status).toBeUndefined();
    expect(gaveUp.finished).toBe(false);
    expect(mock.requests.filter((r) => !r.aborted)).toHaveLength(1); // the other one still waits
    patient.abort();
  });

  it('a short x-mock-delay-ms answers normally', async () => {
    const r = await post(`${mock.url}/v1/chat/completions`, CHAT, { 'x-mock-delay-ms': '5' });
    expect(r.status).toBe(200);
  });

  it('x-mock-hang: headers never answers; the SDK times out and the request is recorded as aborted', async () => {
    const impatient = new OpenAI({ apiKey: 'sk-test', baseURL: `${mock.url}/v1`, maxRetries: 0, timeout: 300 });
    await expect(impatient.chat.completions.create(CHAT, { headers: { 'x-mock-hang': 'headers' } })).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    const r = await recorded('/v1/chat/completions');
    await expect.poll(() => r.aborted).toBe(true);
    expect(r.status).toBeUndefined();
  });

  it('x-mock-hang: body sends the head of the stream and the first piece of text, then nothing', async () => {
    const ac = new AbortController();
    const r = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mock-hang': 'body' },
      body: JSON.stringify({ ...CHAT, stream: true, messages: [{ role: 'user', content: 'say: a long answer that never ends' }] }),
      signal: ac.signal,
    });
    expect(r.status).toBe(200);
    const reader = r.body!.getReader();
    let text = '';
    while (!text.includes('"content":"a lo"')) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      text += Buffer.from(value!).toString();
    }
    const rec = await recorded('/v1/chat/completions');
    expect(rec.finished).toBe(false);
    expect(text).not.toContain('[DONE]');
    ac.abort();
    await expect.poll(() => rec.aborted).toBe(true);
  });

  it('x-mock-hang: body on a JSON answer sends headers and half the body', async () => {
    const ac = new AbortController();
    const r = await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-mock-hang': 'body' }, body: JSON.stringify(CHAT), signal: ac.signal });
    expect(r.status).toBe(200);
    const length = Number(r.headers.get('content-length'));
    const reader = r.body!.getReader();
    const { value } = await reader.read();
    expect(value!.length).toBeLessThan(length);
    ac.abort();
    const rec = await recorded('/v1/chat/completions');
    await expect.poll(() => rec.aborted).toBe(true);
  });

  it('a client that disconnects mid-stream is recorded as aborted, and the stream stops', async () => {
    const ac = new AbortController();
    const r = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mock-chunk-delay-ms': '50' },
      body: JSON.stringify({ ...CHAT, stream: true, messages: [{ role: 'user', content: `say: ${'slow '.repeat(200)}` }] }),
      signal: ac.signal,
    });
    const reader = r.body!.getReader();
    let text = '';
    while (!text.includes('"content":"slow"')) text += Buffer.from((await reader.read()).value!).toString();
    ac.abort();
    const rec = await recorded('/v1/chat/completions');
    await expect.poll(() => rec.aborted).toBe(true);
    expect(rec.finished).toBe(false);
    expect(rec.status).toBe(200);
  });

  it('a reader that pauses still gets the whole stream, in order (backpressure)', async () => {
    const said = Array.from({ length: 4000 }, (_, i) => String(i % 10)).join('');
    const body = JSON.stringify({ ...CHAT, stream: true, messages: [{ role: 'user', content: `say: ${said}` }] });
    const text = await new Promise<string>((resolve, reject) => {
      const req = request(`${mock.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-mock-chunk-chars': '1' } }, (res) => {
        const parts: Buffer[] = [];
        res.pause(); // let the server fill the socket and wait for drain
        setTimeout(() => {
          res.on('data', (d: Buffer) => parts.push(d));
          res.on('end', () => resolve(Buffer.concat(parts).toString()));
          res.resume();
        }, 200);
      });
      req.on('error', reject);
      req.end(body);
    });
    const deltas = frames(text)
      .filter((f) => f.data && f.data !== '[DONE]')
      .map(json)
      .map((d) => d['choices'][0]?.delta?.content ?? '');
    expect(deltas.join('')).toBe(said);
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect((await recorded('/v1/chat/completions')).finished).toBe(true);
  });
});

describe('malformed requests', () => {
  it('malformed JSON is a 400 in the provider’s style', async () => {
    const bad = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model": ' };
    const o = await fetch(`${mock.url}/v1/chat/completions`, bad);
    expect(o.status).toBe(400);
    expect(await o.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_json' } });
    const a = await fetch(`${mock.url}/v1/messages`, { ...bad, headers: { ...bad.headers, ...ANTHROPIC } });
    expect(a.status).toBe(400);
    expect(await a.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(mock.requests.map((r) => [r.body, r.bodyBytes])).toEqual([
      [undefined, 10],
      [undefined, 10],
    ]);
  });

  it('an empty body and a missing field are 400s naming what is wrong', async () => {
    expect((await fetch(`${mock.url}/v1/chat/completions`, { method: 'POST' })).status).toBe(400);
    const r = await post(`${mock.url}/v1/chat/completions`, { model: 'gpt-4o' });
    expect(await r.json()).toEqual({ error: { message: "Missing required parameter: 'messages'.", type: 'invalid_request_error', param: 'messages', code: 'missing_required_parameter' } });
  });

  it('unknown paths and methods are 404s in the provider’s style', async () => {
    const o = await post(`${mock.url}/v1/nope`, {});
    expect(o.status).toBe(404);
    expect(await o.json()).toEqual({ error: { message: 'Invalid URL (POST /v1/nope)', type: 'invalid_request_error', param: null, code: 'unknown_url' } });
    expect((await fetch(`${mock.url}/v1/chat/completions`)).status).toBe(404);
    const a = await post(`${mock.url}/v1/nope`, {}, ANTHROPIC);
    expect(a.status).toBe(404);
    expect(await a.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });
});

describe('body limit', () => {
  let small: MockUpstream;
  beforeAll(async () => {
    small = await startMockUpstream({ maxBodyBytes: 1024 });
  });
  afterAll(() => small.close());

  it('a declared length over the limit is a 413 in the provider’s style', async () => {
    const big = { ...CHAT, messages: [{ role: 'user', content: 'x'.repeat(2000) }] };
    const o = await post(`${small.url}/v1/chat/completions`, big);
    expect(o.status).toBe(413);
    expect(await o.json()).toMatchObject({ error: { code: 'request_too_large' } });
    const a = await post(`${small.url}/v1/messages`, big, ANTHROPIC);
    expect(a.status).toBe(413);
    expect(await a.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large' } });
  });

  it('a chunked body that grows over the limit is a 413 too', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(600));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 4) c.enqueue(chunk);
        else c.close();
      },
    });
    const r = await fetch(`${small.url}/v1/chat/completions`, { method: 'POST', body, duplex: 'half', headers: { 'content-type': 'application/json' } } as RequestInit);
    expect(r.status).toBe(413);
  });
});

describe('upstream credential (requireAuth)', () => {
  let locked: MockUpstream;
  const KEY = 'sk-upstream-secret';
  beforeAll(async () => {
    locked = await startMockUpstream({ requireAuth: KEY });
  });
  afterAll(() => locked.close());

  it('OpenAI paths want Authorization: Bearer <key>; anything else is a 401 that never echoes the key', async () => {
    const good = new OpenAI({ apiKey: KEY, baseURL: `${locked.url}/v1`, maxRetries: 0 });
    expect((await good.chat.completions.create(CHAT)).choices[0]!.message.content).toBe('hello');
    const bad = new OpenAI({ apiKey: 'sk-client-key', baseURL: `${locked.url}/v1`, maxRetries: 0 });
    await expect(bad.chat.completions.create(CHAT)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const r = await post(`${locked.url}/v1/chat/completions`, CHAT, { authorization: 'Bearer sk-client-key' });
    const text = await r.text();
    expect(r.status).toBe(401);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'invalid_api_key', type: 'invalid_request_error' } });
    expect(text).not.toContain('sk-client-key');
    const none = await post(`${locked.url}/v1/chat/completions`, CHAT);
    expect(((await none.json()) as { error: { message: string } }).error.message).toContain("You didn't provide an API key");
  });

  it('Anthropic paths take x-api-key, or the bearer token @anthropic-ai/sdk sends', async () => {
    const sdk = new Anthropic({ apiKey: KEY, baseURL: locked.url, maxRetries: 0 });
    const m = await sdk.messages.create({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'say: in' }] });
    expect(m.content).toEqual([{ type: 'text', text: 'in' }]);
    const body = { model: 'claude-sonnet-4-6', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    expect((await post(`${locked.url}/v1/messages`, body, { ...ANTHROPIC, 'x-api-key': KEY })).status).toBe(200);
    const bad = await post(`${locked.url}/v1/messages`, body, { ...ANTHROPIC, 'x-api-key': 'sk-ant-client' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } });
    await expect(new Anthropic({ apiKey: 'nope', baseURL: locked.url, maxRetries: 0 }).messages.create(body as never)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });
});

describe('recorded requests', () => {
  it('hold method, path, query, headers and the parsed body; reset empties the same array', async () => {
    await openai.chat.completions.create(CHAT, { headers: { 'x-trace': 't-1' }, query: { 'api-version': '1' } });
    const held = mock.requests;
    expect(held).toHaveLength(1);
    const r = held[0]!;
    expect(r).toMatchObject({ method: 'POST', path: '/v1/chat/completions', url: '/v1/chat/completions?api-version=1', status: 200, finished: true, aborted: false });
    expect(r.headers['authorization']).toBe('Bearer sk-test');
    expect(r.headers['x-trace']).toBe('t-1');
    expect(r.body).toEqual(CHAT);
    expect(r.bodyBytes).toBeGreaterThan(10);
    mock.reset();
    expect(held).toHaveLength(0);
    expect(mock.requests).toBe(held);
  });

  it('keep at most maxRecorded, dropping the oldest; onResponse sees every request', async () => {
    const seen: string[] = [];
    const few = await startMockUpstream({ maxRecorded: 2, onResponse: (r) => seen.push(`${r.method} ${r.path} ${r.status}`) });
    try {
      for (const say of ['a', 'b', 'c']) await post(`${few.url}/v1/chat/completions`, { ...CHAT, messages: [{ role: 'user', content: `say: ${say}` }] });
      expect(few.requests.map((r) => (r.body as typeof CHAT).messages[0]!.content)).toEqual(['say: b', 'say: c']);
      await expect.poll(() => seen.length).toBe(3);
      expect(seen[0]).toBe('POST /v1/chat/completions 200');
    } finally {
      await few.close();
    }
  });
});

describe('lifecycle', () => {
  it('close() ends hanging requests and resolves', async () => {
    const m = await startMockUpstream();
    const hanging = post(`${m.url}/v1/chat/completions`, CHAT, { 'x-mock-hang': 'headers' });
    await expect.poll(() => m.requests.length).toBe(1);
    const failed = expect(hanging).rejects.toThrow();
    await m.close();
    await failed;
    expect(m.requests[0]!.aborted).toBe(true);
    await m.close(); // twice is fine
  });

  it('options out of range are refused before listening', async () => {
    await expect(startMockUpstream({ chunkChars: 0 })).rejects.toThrow(/chunkChars must be a whole number from 1/);
    await expect(startMockUpstream({ port: 70000 })).rejects.toThrow(/port must be a whole number from 0 to 65535/);
    await expect(startMockUpstream({ requireAuth: '' })).rejects.toThrow(/requireAuth must not be empty/);
  });

  it('latencyMs and chunk settings apply to every request', async () => {
    const m = await startMockUpstream({ latencyMs: 1, chunkDelayMs: 1, chunkChars: 5 });
    try {
      const text = await (await post(`${m.url}/v1/chat/completions`, { ...CHAT, stream: true, messages: [{ role: 'user', content: 'say: 0123456789' }] })).text();
      const contents = frames(text)
        .filter((f) => f.data && f.data !== '[DONE]')
        .map((f) => json(f)['choices'][0].delta.content)
        .filter((c) => c);
      expect(contents).toEqual(['01234', '56789']);
    } finally {
      await m.close();
    }
  });
});
