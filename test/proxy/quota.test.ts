import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BundleClient } from '../../src/bundle/client.js';
import { hashApiKey, parseConfig, type Config } from '../../src/config/index.js';
import type { Authenticator } from '../../src/identity/index.js';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import { buildProxyApp } from '../../src/proxy/index.js';
import { MemoryQuotaStore, SqliteQuotaStore, type QuotaStore } from '../../src/quota/index.js';
import { countTokens } from '../../src/runtime/tokens.js';
import { RAW_TEXT, startRawUpstream, type RawUpstream } from './raw-upstream.js';
import { authenticatorFor, CLIENT_KEY, closedPort, logSink, startBundles, tempDir, UPSTREAM_KEY } from './support.js';

// Budgets through the whole proxy, over real sockets, against the mock model server
// and a raw one that reports no usage or never stops: reservation before forwarding
// (429, all or none), RateLimit headers, settlement on the upstream's usage or the
// proxy's own count, refunds when the upstream fails, charges for what an aborted
// stream delivered, the stream cut at its reservation, and a store that is down.
// Every scenario runs with the in-memory store and with SQLite.

const POLICY = `package railgate.quota

# budgets steered by request headers, so each test has counters of its own
quota contains q if {
	h := input.request.headers
	q := {
		"name": object.get(h, "x-budget-name", "budget"),
		"key": h["x-budget-key"],
		"limit": to_number(h["x-budget-limit"]),
		"window": object.get(h, "x-budget-window", "1h"),
		"unit": object.get(h, "x-budget-unit", "tokens"),
	}
}

quota contains q if {
	h := input.request.headers
	q := {"name": "requests", "key": h["x-requests-key"], "limit": to_number(h["x-requests-limit"]), "window": "1m", "unit": "requests"}
}

quota contains {"name": "broken", "key": "k", "limit": -1, "window": "1h"} if input.model == "broken-quota"

max_tokens := to_number(input.request.headers["x-max-tokens"])

mask contains {"classifier": "pii.email", "replacement": "[EMAIL]"} if input.request.headers["x-mask"] == "on"

mask contains {"classifier": "secret.aws_access_key", "action": "block"} if input.request.headers["x-mask"] == "block"
`;

const MODEL = 'gpt-4.1-mini';
/** quota.default_max_completion_tokens in the test configuration */
const DEFAULT_CAP = 300;

let mock: MockUpstream;
let raw: RawUpstream;
let policies: { dir: string; cleanup: () => void };
let deadUrl: string;

beforeAll(async () => {
  mock = await startMockUpstream({ requireAuth: UPSTREAM_KEY, chunkChars: 4 });
  raw = await startRawUpstream();
  policies = tempDir({ 'quota.gate': POLICY });
  deadUrl = `http://127.0.0.1:${await closedPort()}`;
});

afterAll(async () => {
  await mock?.close();
  await raw?.close();
  policies?.cleanup();
});

function config(extra = ''): Config {
  const conn = (name: string, protocol: string, upstream: string, more = ''): string => `  - name: ${name}
    protocol: ${protocol}
    upstream: ${upstream}
    policy: railgate.quota
    headers:
      ${protocol === 'anthropic' ? 'x-api-key' : 'authorization'}: ${protocol === 'anthropic' ? '' : 'Bearer '}${UPSTREAM_KEY}
    timeouts:
      connect: 2s
      headers: 300ms
      body: 300ms
${more}`;
  return parseConfig(
    `listen: 127.0.0.1:0
bundle:
  source: ${policies.dir}
identity:
  api_keys:
    - id: svc-quota
      hash: ${hashApiKey(CLIENT_KEY)}
connections:
${conn('openai', 'openai', mock.url)}${conn('anthropic', 'anthropic', mock.url)}${conn('raw', 'openai', raw.url)}${conn('rawanthropic', 'anthropic', raw.url)}${conn('dead', 'openai', deadUrl)}
quota:
  store: memory
  default_max_completion_tokens: ${DEFAULT_CAP}
${extra}
log:
  level: debug
`,
    { file: 'quota-test.yaml', env: {} },
  );
}

interface Budget {
  key?: string;
  limit?: number;
  unit?: 'tokens' | 'requests';
  window?: string;
  name?: string;
}

function budgetHeaders(b: Budget): Record<string, string> {
  return {
    ...(b.key !== undefined ? { 'x-budget-key': b.key, 'x-budget-limit': String(b.limit ?? 1000) } : {}),
    ...(b.unit ? { 'x-budget-unit': b.unit } : {}),
    ...(b.window ? { 'x-budget-window': b.window } : {}),
    ...(b.name ? { 'x-budget-name': b.name } : {}),
  };
}

/** Tokens the proxy reserves for the prompt of a one-message chat: the text plus 3 per message plus 3. */
function promptReserve(text: string, messages = 1): number {
  return countTokens(text, MODEL) + (messages + 1) * 3;
}

/** Every `data:` payload of an SSE body, in order. */
function dataOf(body: string): string[] {
  return body
    .split(/\n\n/)
    .map((block) =>
      block
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n'),
    )
    .filter((d) => d !== '');
}

function chatText(body: string): string {
  let out = '';
  for (const d of dataOf(body)) {
    if (d === '[DONE]') continue;
    const c = JSON.parse(d) as { choices?: Array<{ delta?: { content?: string } }> };
    out += c.choices?.[0]?.delta?.content ?? '';
  }
  return out;
}

const STORES: Array<[string, () => { store: QuotaStore; cleanup: () => void }]> = [
  ['memory', () => ({ store: new MemoryQuotaStore(), cleanup: () => undefined })],
  [
    'sqlite',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'railgate-quota-'));
      return { store: new SqliteQuotaStore(join(dir, 'quota.db')), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
];

describe.each(STORES)('quotas in the proxy, %s store', (_kind, open) => {
  let store: QuotaStore;
  let cleanupStore: () => void;
  let app: FastifyInstance;
  let bundles: BundleClient;
  let authenticator: Authenticator;
  let url: string;
  let logs: ReturnType<typeof logSink>;

  beforeAll(async () => {
    ({ store, cleanup: cleanupStore } = open());
    const c = config();
    bundles = await startBundles(c);
    authenticator = authenticatorFor(c);
    logs = logSink();
    app = buildProxyApp(c, { bundles, authenticator, quota: store, logStream: logs.stream });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await bundles?.stop();
    await authenticator?.close();
    await store?.close();
    cleanupStore?.();
  });

  beforeEach(() => mock.reset());

  async function post(path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
    return fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });
  }

  function chat(b: Budget, opts: { content?: string; extra?: Record<string, unknown>; headers?: Record<string, string>; connection?: string; signal?: AbortSignal } = {}): Promise<Response> {
    return post(
      `/${opts.connection ?? 'openai'}/v1/chat/completions`,
      { model: MODEL, messages: [{ role: 'user', content: opts.content ?? 'hi' }], ...(opts.extra ?? {}) },
      { ...budgetHeaders(b), ...(opts.headers ?? {}) },
      opts.signal,
    );
  }

  /** What the counters of `key` hold now. */
  async function used(key: string, name?: string): Promise<number> {
    const states = await store.usage(Date.now(), { key, ...(name !== undefined ? { name } : {}) });
    return states.reduce((n, s) => n + s.used, 0);
  }

  /** Settlement runs when the response closes: wait (bounded) until the counter holds `n`. */
  async function settlesTo(key: string, n: number, name?: string): Promise<void> {
    await expect.poll(() => used(key, name), { timeout: 5000, interval: 10 }).toBe(n);
  }

  describe('reservation', () => {
    it('admits requests until a request budget is spent, then 429 with Retry-After, the quota and its key; nothing more is forwarded', async () => {
      const key = randomUUID();
      for (const left of [1, 0]) {
        const r = await chat({ key, limit: 2, unit: 'requests' });
        expect(r.status).toBe(200);
        expect(r.headers.get('ratelimit-policy')).toBe('"budget";q=2;w=3600');
        expect(r.headers.get('ratelimit')).toMatch(new RegExp(`^"budget";r=${left};t=\\d+$`));
      }
      expect(mock.requests).toHaveLength(2);
      const r = await chat({ key, limit: 2, unit: 'requests' });
      expect(r.status).toBe(429);
      const retry = Number(r.headers.get('retry-after'));
      expect(retry).toBeGreaterThanOrEqual(1);
      // a sliding window frees up in slots of 1/60th of it: at most a window and a slot away
      expect(retry).toBeLessThanOrEqual(3660);
      // longer than the SDKs would sensibly wait in a retry loop
      expect(r.headers.get('x-should-retry')).toBe('false');
      expect(r.headers.get('ratelimit')).toMatch(/^"budget";r=0;t=\d+$/);
      const err = ((await r.json()) as { error: Record<string, unknown> }).error;
      expect(err).toMatchObject({ type: 'rate_limit_error', code: 'quota_exhausted', quota: 'budget', key, unit: 'requests', limit: 2, window: '1h', requested: 1, remaining: 0, retry_after: retry, policy: 'railgate.quota' });
      expect(err['message']).toContain(`"budget" for "${key}" is exhausted`);
      expect(mock.requests).toHaveLength(2);
      await settlesTo(key, 2);
    });

    it('a short window gives a short Retry-After that the SDKs may wait for', async () => {
      const key = randomUUID();
      expect((await chat({ key, limit: 1, unit: 'requests', window: '10s' })).status).toBe(200);
      const r = await chat({ key, limit: 1, unit: 'requests', window: '10s' });
      expect(r.status).toBe(429);
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(11);
      expect(r.headers.get('x-should-retry')).toBeNull();
    });

    it('reserves prompt tokens, their framing and the completion cap, and clamps the forwarded cap to it', async () => {
      const key = randomUUID();
      const r = await chat({ key, limit: 10_000 }, { headers: { 'x-max-tokens': '50' } });
      expect(r.status).toBe(200);
      expect((mock.requests[0]!.body as Record<string, unknown>)['max_completion_tokens']).toBe(50);
      const body = (await r.json()) as { usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } };
      // our count of the prompt is the mock's (the same tokenizer and framing)
      expect(body.usage.prompt_tokens).toBe(promptReserve('hi'));
      // settled on the JSON body before it was sent: the headers say what is really left
      expect(r.headers.get('ratelimit')).toMatch(new RegExp(`^"budget";r=${10_000 - body.usage.total_tokens};t=\\d+$`));
      await settlesTo(key, body.usage.total_tokens);
    });

    it('gives a request without any cap the configured default cap, so its reservation is finite', async () => {
      const key = randomUUID();
      const r = await chat({ key, limit: 10_000 });
      expect(r.status).toBe(200);
      expect((mock.requests[0]!.body as Record<string, unknown>)['max_completion_tokens']).toBe(DEFAULT_CAP);
      // a client cap below it is kept
      const r2 = await chat({ key, limit: 10_000 }, { extra: { max_tokens: 7 } });
      expect(r2.status).toBe(200);
      expect((mock.requests[1]!.body as Record<string, unknown>)['max_tokens']).toBe(7);
    });

    it('a request larger than the whole limit is refused for good: no Retry-After, no SDK retries, and says to lower max_tokens', async () => {
      const key = randomUUID();
      const r = await chat({ key, limit: 100 }, { headers: { 'x-max-tokens': '200' } });
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBeNull();
      expect(r.headers.get('x-should-retry')).toBe('false');
      const err = ((await r.json()) as { error: { message: string; requested: number } }).error;
      expect(err.requested).toBe(promptReserve('hi') + 200);
      expect(err.message).toContain('can never be admitted');
      expect(err.message).toContain('lower max_tokens');
      expect(mock.requests).toHaveLength(0);
      expect(await used(key)).toBe(0);
    });

    it('reserves all quotas or none: a refusal by one charges none of the others', async () => {
      const key = randomUUID();
      const both = { 'x-requests-key': key, 'x-requests-limit': '1' };
      const first = await chat({ key, limit: 10_000 }, { headers: { ...both, 'x-max-tokens': '20' } });
      expect(first.status).toBe(200);
      expect(first.headers.get('ratelimit-policy')!.split(', ').sort()).toEqual(['"budget";q=10000;w=3600', '"requests";q=1;w=60']);
      const charged = ((await first.json()) as { usage: { total_tokens: number } }).usage.total_tokens;
      await settlesTo(key, charged, 'budget');

      // the request budget refuses the second request: the token budget is not charged for it
      const second = await chat({ key, limit: 10_000 }, { headers: { ...both, 'x-max-tokens': '20' } });
      expect(second.status).toBe(429);
      expect(((await second.json()) as { error: { quota: string } }).error.quota).toBe('requests');
      expect(await used(key, 'budget')).toBe(charged);

      // and the other way round: a token budget too small for the request leaves the request budget alone
      const other = randomUUID();
      const third = await chat({ key: other, limit: 10 }, { headers: { 'x-requests-key': other, 'x-requests-limit': '5', 'x-max-tokens': '20' } });
      expect(third.status).toBe(429);
      expect(((await third.json()) as { error: { quota: string } }).error.quota).toBe('budget');
      expect(await used(other, 'requests')).toBe(0);
      expect(mock.requests).toHaveLength(1);
    });

    it('a quota entry the proxy cannot use is a policy error, nothing forwarded', async () => {
      const r = await post('/openai/v1/chat/completions', { model: 'broken-quota', messages: [{ role: 'user', content: 'hi' }] });
      expect(r.status).toBe(500);
      const err = ((await r.json()) as { error: { code: string; message: string } }).error;
      expect(err.code).toBe('policy_error');
      expect(err.message).toContain('quota entry');
      expect(mock.requests).toHaveLength(0);
    });

    it('Anthropic: 429 in Anthropic style, rate_limit_error', async () => {
      const key = randomUUID();
      const r = await post('/anthropic/v1/messages', { model: 'claude-3-5-haiku', max_tokens: 500, messages: [{ role: 'user', content: 'hi' }] }, { ...budgetHeaders({ key, limit: 100 }), 'anthropic-version': '2023-06-01' });
      expect(r.status).toBe(429);
      expect(await r.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', code: 'quota_exhausted', quota: 'budget', key } });
    });
  });

  describe('settlement on what the upstream reports', () => {
    it('a stream asks the upstream for its usage and drops that chunk again when the client did not ask', async () => {
      const key = randomUUID();
      const content = 'say: the quick brown fox jumps';
      const r = await chat({ key, limit: 10_000 }, { content, extra: { stream: true } });
      expect(r.status).toBe(200);
      expect(r.headers.get('ratelimit-policy')).toBe('"budget";q=10000;w=3600');
      const text = await r.text();
      expect((mock.requests[0]!.body as { stream_options?: unknown }).stream_options).toEqual({ include_usage: true });
      const chunks = dataOf(text);
      expect(chunks.at(-1)).toBe('[DONE]');
      expect(chunks.filter((d) => d !== '[DONE]').some((d) => (JSON.parse(d) as { choices: unknown[] }).choices.length === 0)).toBe(false);
      expect(chatText(text)).toBe('the quick brown fox jumps');
      await settlesTo(key, promptReserve(content) + countTokens('the quick brown fox jumps', MODEL));
    });

    it('keeps the usage chunk when the client asked for it, and settles on it', async () => {
      const key = randomUUID();
      const r = await chat({ key, limit: 10_000 }, { content: 'say: hello there', extra: { stream: true, stream_options: { include_usage: true } } });
      const chunks = dataOf(await r.text());
      const usage = chunks.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as { choices: unknown[]; usage?: { total_tokens: number } | null }).find((c) => c.choices.length === 0);
      expect(usage?.usage?.total_tokens).toBeGreaterThan(0);
      await settlesTo(key, usage!.usage!.total_tokens);
    });

    it('Anthropic JSON and streams: input (with cache) plus output', async () => {
      const key = randomUUID();
      const headers = { ...budgetHeaders({ key, limit: 10_000 }), 'anthropic-version': '2023-06-01' };
      const r = await post('/anthropic/v1/messages', { model: 'claude-3-5-haiku', max_tokens: 100, messages: [{ role: 'user', content: 'say: ok then' }] }, headers);
      const m = (await r.json()) as { usage: { input_tokens: number; output_tokens: number } };
      await settlesTo(key, m.usage.input_tokens + m.usage.output_tokens);
      const s = await post('/anthropic/v1/messages', { model: 'claude-3-5-haiku', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'say: ok then' }] }, headers);
      expect(s.status).toBe(200);
      await s.text();
      await settlesTo(key, 2 * (m.usage.input_tokens + m.usage.output_tokens));
    });

    it('Responses streams: the usage of response.completed', async () => {
      const key = randomUUID();
      const r = await post('/openai/v1/responses', { model: MODEL, input: 'say: fine thanks', stream: true, max_output_tokens: 50 }, budgetHeaders({ key, limit: 10_000 }));
      const events = dataOf(await r.text()).map((d) => JSON.parse(d) as { type: string; response?: { usage: { total_tokens: number } } });
      const done = events.find((e) => e.type === 'response.completed');
      await settlesTo(key, done!.response!.usage.total_tokens);
    });

    it('masking and metering together: the stream is masked and still settled on its usage', async () => {
      const key = randomUUID();
      const r = await chat({ key, limit: 10_000 }, { content: 'say: write to bob@example.com now', extra: { stream: true }, headers: { 'x-mask': 'on' } });
      const text = await r.text();
      expect(chatText(text)).toBe('write to [EMAIL] now');
      // the mock's usage counts what it generated, not what the client saw
      await settlesTo(key, promptReserve('say: write to bob@example.com now') + countTokens('write to bob@example.com now', MODEL));
    });
  });

  describe('settlement without usage: the proxy counts', () => {
    it('a JSON answer without usage: the prompt as reserved plus the tokens of the generated text', async () => {
      const key = randomUUID();
      const r = await chat({ key, limit: 10_000 }, { connection: 'raw', headers: { 'x-raw': 'json-no-usage' } });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe(RAW_TEXT);
      await settlesTo(key, promptReserve('hi') + countTokens(RAW_TEXT, MODEL));
    });

    it('a stream without usage: the prompt as reserved plus the tokens delivered', async () => {
      const key = randomUUID();
      const r = await chat({ key, limit: 10_000 }, { connection: 'raw', headers: { 'x-raw': 'stream-no-usage' }, extra: { stream: true } });
      const text = await r.text();
      expect(chatText(text)).toBe(RAW_TEXT);
      await settlesTo(key, promptReserve('hi') + countTokens(RAW_TEXT, MODEL));
    });

    it('an Anthropic message without usage', async () => {
      const key = randomUUID();
      const r = await post('/rawanthropic/v1/messages', { model: 'claude-3-5-haiku', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }, { ...budgetHeaders({ key, limit: 10_000 }), 'x-raw': 'json-no-usage' });
      expect(r.status).toBe(200);
      await settlesTo(key, promptReserve('hi') + countTokens(RAW_TEXT, 'claude-3-5-haiku'));
    });
  });

  describe('refunds', () => {
    it('an upstream that cannot be reached: 502, the reservation given back', async () => {
      const key = randomUUID();
      const r = await chat({ key, limit: 10_000 }, { connection: 'dead', headers: { 'x-requests-key': key, 'x-requests-limit': '5' } });
      expect(r.status).toBe(502);
      // the headers said what was reserved; the counters hold nothing now
      expect(r.headers.get('ratelimit-policy')).toContain('"budget"');
      await settlesTo(key, 0);
    });

    it('an upstream 5xx: passed through, nothing charged, the request not counted', async () => {
      const key = randomUUID();
      const r = await chat({ key, limit: 10_000 }, { headers: { 'x-mock-status': '500', 'x-requests-key': key, 'x-requests-limit': '5' } });
      expect(r.status).toBe(500);
      await settlesTo(key, 0);
    });

    it('an upstream 429 is not the client’s doing either', async () => {
      const key = randomUUID();
      const r = await chat({ key, limit: 3, unit: 'requests' }, { headers: { 'x-mock-status': '429' } });
      expect(r.status).toBe(429);
      await settlesTo(key, 0);
    });

    it('a 4xx the client caused counts the request but charges no tokens', async () => {
      const key = randomUUID();
      const r = await chat({ key, limit: 10_000 }, { headers: { 'x-mock-status': '400', 'x-requests-key': key, 'x-requests-limit': '5' } });
      expect(r.status).toBe(400);
      await settlesTo(key, 1, 'requests');
      expect(await used(key, 'budget')).toBe(0);
    });

    it('timeouts: no answer in time (504), and a JSON body that stalls (504)', async () => {
      const key = randomUUID();
      const r = await chat({ key, limit: 10_000 }, { headers: { 'x-mock-hang': 'headers' } });
      expect(r.status).toBe(504);
      await settlesTo(key, 0);
      const r2 = await chat({ key, limit: 10_000 }, { headers: { 'x-mock-hang': 'body' } });
      expect(r2.status).toBe(504);
      await settlesTo(key, 0);
    });
  });

  describe('responses withheld, requests abandoned', () => {
    it('a JSON answer withheld by a blocking mask rule (403) is charged what the upstream generated', async () => {
      const key = randomUUID();
      const content = 'say: the key is AKIAIOSFODNN7EXAMPLE';
      const r = await chat({ key, limit: 10_000 }, { content, headers: { 'x-mask': 'block' } });
      expect(r.status).toBe(403);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('response_blocked');
      expect(r.headers.get('ratelimit-policy')).toBe('"budget";q=10000;w=3600');
      await settlesTo(key, promptReserve(content) + countTokens('the key is AKIAIOSFODNN7EXAMPLE', MODEL));
    });

    it('a stream stopped by a blocking mask rule is charged the prompt and what was delivered before it', async () => {
      const key = randomUUID();
      const content = `say: ${'first some harmless words, '.repeat(8)}then the key AKIAIOSFODNN7EXAMPLE and more`;
      // events spaced out, so the first bytes go out before the key arrives
      const r = await chat({ key, limit: 10_000 }, { content, extra: { stream: true }, headers: { 'x-mask': 'block', 'x-mock-chunk-delay-ms': '5' } });
      expect(r.status).toBe(200);
      const text = await r.text();
      expect(text).toContain('response_blocked');
      const delivered = chatText(text.slice(0, text.indexOf('response_blocked')).slice(0, text.slice(0, text.indexOf('response_blocked')).lastIndexOf('\n\n') + 2));
      expect(delivered.length).toBeGreaterThan(0);
      await settlesTo(key, promptReserve(content) + countTokens(delivered, MODEL));
    });

    it('a client that leaves before the upstream answers is charged the prompt (the upstream read it), and the request counts', async () => {
      const key = randomUUID();
      const abort = new AbortController();
      const pending = chat({ key, limit: 10_000 }, { headers: { 'x-mock-delay-ms': '3000', 'x-requests-key': key, 'x-requests-limit': '5' }, signal: abort.signal }).catch(() => 'aborted');
      await expect.poll(() => mock.requests.length, { timeout: 5000 }).toBe(1);
      abort.abort();
      expect(await pending).toBe('aborted');
      await settlesTo(key, promptReserve('hi'), 'budget');
      expect(await used(key, 'requests')).toBe(1);
    });
  });

  describe('aborted and cut streams', () => {
    it('a client that leaves mid-stream is charged the prompt and what was delivered, and the upstream is aborted', async () => {
      const key = randomUUID();
      const words = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
      const abort = new AbortController();
      const r = await chat(
        { key, limit: 10_000 },
        { content: `say: ${words}`, extra: { stream: true }, headers: { 'x-mock-chunk-delay-ms': '15', 'x-mock-chunk-chars': '8' }, signal: abort.signal },
      );
      const reader = r.body!.getReader();
      let received = '';
      const decoder = new TextDecoder();
      while (chatText(received).length < 40) {
        const { value, done } = await reader.read();
        if (done) break;
        received += decoder.decode(value, { stream: true });
      }
      abort.abort();
      const got = chatText(received.slice(0, received.lastIndexOf('\n\n') + 2));
      const prompt = promptReserve(`say: ${words}`);
      // settled (below the reservation) on what the proxy had handed to the socket: what the client read, and at most a few events more
      await expect.poll(() => used(key), { timeout: 5000, interval: 10 }).toBeLessThan(prompt + DEFAULT_CAP);
      const charged = await used(key);
      expect(charged).toBeGreaterThanOrEqual(prompt + countTokens(got, MODEL));
      expect(charged).toBeLessThanOrEqual(prompt + countTokens(got, MODEL) + 12);
      expect(charged).toBeLessThan(prompt + countTokens(words, MODEL));
      await expect.poll(() => mock.requests[0]?.aborted, { timeout: 5000 }).toBe(true);
    });

    it('a stream that runs past its reservation is cut cleanly: finish_reason length, the reason, [DONE], upstream aborted', async () => {
      const key = randomUUID();
      const before = raw.requests.length;
      const r = await chat({ key, limit: 10_000 }, { connection: 'raw', headers: { 'x-raw': 'forever', 'x-max-tokens': '25' }, extra: { stream: true } });
      expect(r.status).toBe(200);
      const chunks = dataOf(await r.text());
      expect(chunks.at(-1)).toBe('[DONE]');
      const last = JSON.parse(chunks.at(-2)!) as { choices: Array<{ index: number; finish_reason: string; delta: unknown }>; railgate: { code: string; message: string } };
      expect(last.choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: 'length' }]);
      expect(last.railgate.code).toBe('quota_reservation_reached');
      expect(last.railgate.message).toContain('25 completion tokens');
      const delivered = countTokens(chatText(chunks.map((d) => `data: ${d}`).join('\n\n')), MODEL);
      expect(delivered).toBeLessThanOrEqual(25);
      expect(delivered).toBeGreaterThanOrEqual(24);
      // the cap was forwarded too; this upstream ignores it, the proxy does not
      expect((raw.requests[before]!.body as Record<string, unknown>)['max_completion_tokens']).toBe(25);
      await expect.poll(() => raw.requests[before]!.aborted, { timeout: 5000 }).toBe(true);
      expect(raw.requests[before]!.sent).toBeLessThan(1000);
      await settlesTo(key, promptReserve('hi') + delivered);
    });

    it('a cut stream reports usage at its end when the client asked for it', async () => {
      const key = randomUUID();
      const r = await chat({ key, limit: 10_000 }, { connection: 'raw', headers: { 'x-raw': 'forever', 'x-max-tokens': '10' }, extra: { stream: true, stream_options: { include_usage: true } } });
      const chunks = dataOf(await r.text());
      const usage = JSON.parse(chunks.at(-2)!) as { choices: unknown[]; usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } };
      expect(usage.choices).toEqual([]);
      expect(usage.usage.prompt_tokens).toBe(promptReserve('hi'));
      expect(usage.usage.completion_tokens).toBeLessThanOrEqual(10);
      await settlesTo(key, usage.usage.total_tokens);
    });

    it('Anthropic: a cut stream ends with content_block_stop, message_delta (max_tokens) and message_stop', async () => {
      const key = randomUUID();
      const r = await post('/rawanthropic/v1/messages', { model: 'claude-3-5-haiku', max_tokens: 12, stream: true, messages: [{ role: 'user', content: 'hi' }] }, { ...budgetHeaders({ key, limit: 10_000 }), 'x-raw': 'forever' });
      const text = await r.text();
      const events = [...text.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
      expect(events.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
      const delta = JSON.parse(dataOf(text).at(-2)!) as { delta: { stop_reason: string }; usage: { output_tokens: number }; railgate: { code: string } };
      expect(delta.delta.stop_reason).toBe('max_tokens');
      expect(delta.railgate.code).toBe('quota_reservation_reached');
      expect(delta.usage.output_tokens).toBeLessThanOrEqual(12);
      // the upstream reported an input of 11 tokens in message_start where the proxy
      // counted and reserved 7: more than the reservation is never charged, the rest is logged
      expect(promptReserve('hi')).toBeLessThan(11);
      await settlesTo(key, promptReserve('hi') + 12);
      expect(logs.text()).toContain('the upstream reported more tokens than were reserved');
      expect(logs.text()).toMatch(/"overrun":\d+/);
    });
  });
});

describe('a quota store that cannot be reached', () => {
  let policiesDir: { dir: string; cleanup: () => void };
  const apps: FastifyInstance[] = [];
  const closers: Array<() => Promise<void>> = [];

  beforeAll(() => {
    policiesDir = tempDir({ 'quota.gate': POLICY });
  });

  afterEach(async () => {
    for (const a of apps.splice(0)) await a.close();
    for (const c of closers.splice(0)) await c();
  });

  afterAll(() => policiesDir.cleanup());

  async function proxyWith(extra: string, quota: QuotaStore | undefined): Promise<{ app: FastifyInstance; logs: ReturnType<typeof logSink> }> {
    const c = config(extra);
    const bundles = await startBundles(c);
    const authenticator = authenticatorFor(c);
    const logs = logSink();
    const app = buildProxyApp(c, { bundles, authenticator, ...(quota ? { quota } : {}), logStream: logs.stream });
    await app.ready();
    apps.push(app);
    closers.push(async () => {
      await bundles.stop();
      await authenticator.close();
    });
    return { app, logs };
  }

  const request = (app: FastifyInstance) =>
    app.inject({
      method: 'POST',
      url: '/openai/v1/chat/completions',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json', ...budgetHeaders({ key: 'k', limit: 1000 }) },
      payload: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
    });

  it('fails closed: 503 quota_store_unavailable, nothing forwarded', async () => {
    const down = new MemoryQuotaStore();
    await down.close();
    mock.reset();
    const { app } = await proxyWith('', down);
    const r = await request(app);
    expect(r.statusCode).toBe(503);
    expect(r.headers['retry-after']).toBe('5');
    expect(r.json()).toMatchObject({ error: { code: 'quota_store_unavailable', type: 'api_error' } });
    expect(mock.requests).toHaveLength(0);
  });

  it('a proxy built without a store fails closed the same way', async () => {
    const { app } = await proxyWith('', undefined);
    expect((await request(app)).statusCode).toBe(503);
  });

  it('with on_store_error: allow, lets the request through uncounted and logs it', async () => {
    const down = new MemoryQuotaStore();
    await down.close();
    const { app, logs } = await proxyWith('  on_store_error: allow', down);
    const r = await request(app);
    expect(r.statusCode).toBe(200);
    expect(r.headers['ratelimit']).toBeUndefined();
    expect(logs.text()).toContain('quota store unavailable: request let through uncounted');
  });
});
