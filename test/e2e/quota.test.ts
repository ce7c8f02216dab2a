import Anthropic from '@anthropic-ai/sdk';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey, parseConfig, type Config } from '../../src/config/index.js';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import { startProxy, type ProxyServer } from '../../src/proxy/index.js';
import { countTokens } from '../../src/runtime/tokens.js';
import { HELD_USAGE, startRawUpstream, type RawUpstream } from '../proxy/raw-upstream.js';
import { CLIENT_KEY, logSink, tempDir, UPSTREAM_KEY } from '../proxy/support.js';

// Budgets end to end: the proxy started as `railgate serve` starts it (startProxy,
// the store from the configuration), real sockets, the official SDKs.
//
// - 500 concurrent requests against a budget that admits 50: exactly 50 answered,
//   450 refused, and the counter never past the limit; with the in-memory store and
//   with SQLite. (Two processes sharing Redis: test/e2e/quota-redis.test.ts.)
// - SQLite counters survive a restart of the proxy.
// - What an application sees: no usage chunk it did not ask for, a stream cut at its
//   reservation that the SDKs finish normally, 429 as the SDKs' RateLimitError.

const POLICY = `package railgate.quota

quota contains {
	"name": object.get(input.request.headers, "x-budget-name", "budget"),
	"key": input.request.headers["x-budget-key"],
	"limit": to_number(input.request.headers["x-budget-limit"]),
	"window": "1h",
	"unit": object.get(input.request.headers, "x-budget-unit", "tokens"),
} if input.request.headers["x-budget-key"]

max_tokens := to_number(input.request.headers["x-max-tokens"])
`;

let mock: MockUpstream;
let raw: RawUpstream;
let policies: { dir: string; cleanup: () => void };
let stateDir: string;

beforeAll(async () => {
  mock = await startMockUpstream({ requireAuth: UPSTREAM_KEY, chunkChars: 4 });
  raw = await startRawUpstream();
  policies = tempDir({ 'quota.gate': POLICY });
  stateDir = mkdtempSync(join(tmpdir(), 'railgate-quota-e2e-'));
});

afterAll(async () => {
  await mock?.close();
  await raw?.close();
  policies?.cleanup();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

function config(quota: string): Config {
  return parseConfig(
    `listen: 127.0.0.1:0
bundle:
  source: ${policies.dir}
identity:
  api_keys:
    - id: svc-quota
      hash: ${hashApiKey(CLIENT_KEY)}
connections:
  - name: openai
    protocol: openai
    upstream: ${mock.url}
    policy: railgate.quota
    headers:
      authorization: Bearer ${UPSTREAM_KEY}
  - name: raw
    protocol: openai
    upstream: ${raw.url}
    policy: railgate.quota
  - name: rawanthropic
    protocol: anthropic
    upstream: ${raw.url}
    policy: railgate.quota
quota:
${quota}
log:
  level: warn
`,
    { file: join(stateDir, 'railgate.yaml'), env: {} },
  );
}

function budget(key: string, limit: number, unit: 'tokens' | 'requests' = 'tokens'): Record<string, string> {
  return { 'x-budget-key': key, 'x-budget-limit': String(limit), 'x-budget-unit': unit };
}

async function chat(proxy: ProxyServer, headers: Record<string, string>, content = 'hi', connection = 'openai'): Promise<Response> {
  return fetch(`${proxy.url}/${connection}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content }] }),
  });
}

/** Settlement runs as responses close; close() waits for it, but a test reading the counter of a running proxy polls (bounded). */
async function settled(proxy: ProxyServer, key: string, expected: number): Promise<void> {
  await expect.poll(async () => (await proxy.quota.usage(Date.now(), { key })).reduce((n, s) => n + s.used, 0), { timeout: 10_000, interval: 20 }).toBe(expected);
}

const STORES: Array<[string, () => string]> = [
  ['memory', () => '  store: memory'],
  ['sqlite', () => `  store: sqlite\n  path: ${join(stateDir, `concurrency-${randomUUID()}.db`)}`],
];

describe.each(STORES)('500 concurrent requests against a budget that admits 50, %s store', (_kind, quota) => {
  let proxy: ProxyServer;

  beforeAll(async () => {
    proxy = await startProxy(config(quota()), { logStream: logSink().stream });
  });

  afterAll(async () => {
    await proxy?.close();
  });

  it('a request budget of 50: exactly 50 answered, 450 refused, the counter at the limit and never past it', async () => {
    const key = randomUUID();
    mock.reset();
    // each answer takes a while, so all 500 are in flight together
    const statuses = await Promise.all(Array.from({ length: 500 }, () => chat(proxy, { ...budget(key, 50, 'requests'), 'x-mock-delay-ms': '50' }).then(async (r) => (await r.arrayBuffer(), r.status))));
    expect(statuses.filter((s) => s === 200)).toHaveLength(50);
    expect(statuses.filter((s) => s === 429)).toHaveLength(450);
    expect(mock.requests).toHaveLength(50);
    await settled(proxy, key, 50);
  });

  it('a token budget sized for exactly 50 reservations: 50 admitted while none has settled, the settled usage within the limit', async () => {
    const key = randomUUID();
    const cap = 40;
    // what one request reserves: its prompt, 3 per message + 3, and the cap
    const amount = countTokens('hi', 'gpt-4.1-mini') + 6 + cap;
    const limit = 50 * amount;
    const before = raw.requests.length;
    let refused = 0;
    // the upstream holds every answer until all refusals are in: no settlement frees budget meanwhile
    const answers = Array.from({ length: 500 }, () =>
      chat(proxy, { ...budget(key, limit), 'x-max-tokens': String(cap), 'x-raw': 'hold' }, 'hi', 'raw').then(async (r) => {
        if (r.status === 429) refused++;
        return { status: r.status, body: (await r.json()) as { usage?: { total_tokens: number } } };
      }),
    );
    await expect.poll(() => refused + raw.held(), { timeout: 20_000, interval: 20 }).toBe(500);
    expect(raw.held()).toBe(50);
    expect(refused).toBe(450);
    raw.release();
    const ok = (await Promise.all(answers)).filter((a) => a.status === 200);
    expect(ok).toHaveLength(50);
    expect(raw.requests.length - before).toBe(50);
    const charged = ok.reduce((n, a) => n + a.body.usage!.total_tokens, 0);
    expect(charged).toBe(50 * HELD_USAGE.total_tokens);
    expect(charged).toBeLessThanOrEqual(limit);
    await settled(proxy, key, charged);
  });
});

describe('SQLite counters survive a restart', () => {
  it('a budget spent before the restart stays spent after it', async () => {
    const file = join(stateDir, 'restart.db');
    const key = randomUUID();
    const first = await startProxy(config(`  store: sqlite\n  path: ${file}`), { logStream: logSink().stream });
    try {
      for (let i = 0; i < 3; i++) expect((await chat(first, budget(key, 5, 'requests'))).status).toBe(200);
    } finally {
      await first.close();
    }
    const second = await startProxy(config(`  store: sqlite\n  path: ${file}`), { logStream: logSink().stream });
    try {
      const states = await second.quota.usage(Date.now(), { key });
      expect(states.map((s) => [s.name, s.used, s.limit])).toEqual([['budget', 3, 5]]);
      expect((await chat(second, budget(key, 5, 'requests'))).status).toBe(200);
      expect((await chat(second, budget(key, 5, 'requests'))).status).toBe(200);
      const r = await chat(second, budget(key, 5, 'requests'));
      expect(r.status).toBe(429);
      expect(r.headers.get('ratelimit')).toMatch(/^"budget";r=0;t=\d+$/);
    } finally {
      await second.close();
    }
  });

  it('the default path is .railgate/quota.db beside the configuration file', async () => {
    const proxy = await startProxy(config('  store: sqlite'), { logStream: logSink().stream });
    try {
      expect(proxy.quota.kind).toBe('sqlite');
      expect((await chat(proxy, budget(randomUUID(), 5, 'requests'))).status).toBe(200);
    } finally {
      await proxy.close();
    }
    const again = await startProxy(config('  store: sqlite'), { logStream: logSink().stream });
    try {
      // same file, found again
      expect((await again.quota.usage(Date.now(), { name: 'budget' })).length).toBeGreaterThan(0);
    } finally {
      await again.close();
    }
  });
});

describe('what the SDKs see', () => {
  let proxy: ProxyServer;
  let openai: OpenAI;
  let openaiRaw: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    proxy = await startProxy(config('  store: memory'), { logStream: logSink().stream });
    openai = new OpenAI({ baseURL: `${proxy.url}/openai/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
    openaiRaw = new OpenAI({ baseURL: `${proxy.url}/raw/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: `${proxy.url}/rawanthropic`, apiKey: CLIENT_KEY, maxRetries: 0 });
  });

  afterAll(async () => {
    await proxy?.close();
  });

  it('a stream without stream_options shows no usage chunk, though the proxy settled on one', async () => {
    const key = randomUUID();
    mock.reset();
    const stream = await openai.chat.completions.create(
      { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'say: counted but not shown' }], stream: true },
      { headers: budget(key, 10_000) },
    );
    let text = '';
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('counted but not shown');
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect((mock.requests[0]!.body as { stream_options: unknown }).stream_options).toEqual({ include_usage: true });
    await settled(proxy, key, countTokens('say: counted but not shown', 'gpt-4.1-mini') + 6 + countTokens('counted but not shown', 'gpt-4.1-mini'));
  });

  it('chat: a stream cut at its reservation ends normally for the SDK, finish_reason "length"', async () => {
    const stream = await openaiRaw.chat.completions.create(
      { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'go on forever' }], stream: true },
      { headers: { ...budget(randomUUID(), 10_000), 'x-max-tokens': '30' } },
    );
    let text = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('length');
    expect(countTokens(text, 'gpt-4.1-mini')).toBeLessThanOrEqual(30);
    expect(text.startsWith(' word word')).toBe(true);
  });

  it('chat: the stream helper gives a final completion for a cut stream', async () => {
    const runner = openaiRaw.chat.completions.stream(
      { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'go on forever' }] },
      { headers: { ...budget(randomUUID(), 10_000), 'x-max-tokens': '15' } },
    );
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe('length');
    expect(countTokens(final.choices[0]!.message.content ?? '', 'gpt-4.1-mini')).toBeLessThanOrEqual(15);
  });

  it('responses: a cut stream ends with response.incomplete holding what was delivered', async () => {
    const stream = openaiRaw.responses.stream({ model: 'gpt-4.1-mini', input: 'go on forever' }, { headers: { ...budget(randomUUID(), 10_000), 'x-max-tokens': '20' } });
    let deltas = '';
    stream.on('response.output_text.delta', (e) => (deltas += e.delta));
    const final = await stream.finalResponse();
    expect(final.status).toBe('incomplete');
    expect(final.incomplete_details?.reason).toBe('max_output_tokens');
    expect(final.output_text).toBe(deltas);
    expect(final.usage?.output_tokens).toBe(countTokens(deltas, 'gpt-4.1-mini'));
    expect(final.usage!.output_tokens).toBeLessThanOrEqual(20);
  });

  it('anthropic: a cut stream gives a final message with stop_reason "max_tokens"', async () => {
    const stream = anthropic.messages.stream(
      { model: 'claude-3-5-haiku', max_tokens: 25, messages: [{ role: 'user', content: 'go on forever' }] },
      { headers: budget(randomUUID(), 10_000) },
    );
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('max_tokens');
    const text = final.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    expect(countTokens(text, 'claude-3-5-haiku')).toBeLessThanOrEqual(25);
    expect(final.usage.output_tokens).toBe(countTokens(text, 'claude-3-5-haiku'));
  });

  it('an exhausted budget is a RateLimitError with the quota named and the RateLimit headers', async () => {
    const key = randomUUID();
    await openai.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] }, { headers: budget(key, 1, 'requests') });
    const err = await openai.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] }, { headers: budget(key, 1, 'requests') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.code).toBe('quota_exhausted');
    expect((e.error as { quota: string; key: string }).quota).toBe('budget');
    expect((e.error as { key: string }).key).toBe(key);
    expect(e.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(e.headers.get('ratelimit-policy')).toBe('"budget";q=1;w=3600');
  });
});
