import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { BundleClient } from '../../src/bundle/client.js';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import { buildProxyApp } from '../../src/proxy/index.js';
import { countTokens } from '../../src/runtime/tokens.js';
import type { Authenticator } from '../../src/identity/index.js';
import {
  auth,
  authenticatorFor,
  AWS_KEY,
  CARD,
  CLIENT_KEY,
  closedPort,
  logSink,
  PRIVATE_KEY,
  startBundles,
  tempDir,
  testConfig,
  TEST_POLICY,
  UPSTREAM_KEY,
  waitFor,
} from './support.js';

// The proxy through Fastify's inject(), against the real mock model server over
// real sockets: every status the pipeline can answer with, what reaches the
// upstream, and what comes back.

let mock: MockUpstream;
let policies: { dir: string; cleanup: () => void };
let app: FastifyInstance;
let bundles: BundleClient;
let authenticator: Authenticator;
let logs: ReturnType<typeof logSink>;

const json = (extra: Record<string, string> = {}): Record<string, string> => ({ ...auth, 'content-type': 'application/json', ...extra });

function chat(content: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model: 'gpt-4.1-mini', messages: [{ role: 'user', content }], ...extra };
}

async function post(url: string, body: unknown, headers: Record<string, string> = json()) {
  return app.inject({ method: 'POST', url, headers, payload: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** The text of an OpenAI chat SSE body, deltas joined. */
function sseChatText(body: string): string {
  let out = '';
  for (const block of body.split('\n\n')) {
    const data = block
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => l.slice(6))
      .join('\n');
    if (data === '' || data === '[DONE]') continue;
    const ev = JSON.parse(data) as { choices?: Array<{ delta?: { content?: string } }> };
    out += ev.choices?.[0]?.delta?.content ?? '';
  }
  return out;
}

beforeAll(async () => {
  mock = await startMockUpstream({ requireAuth: UPSTREAM_KEY, chunkChars: 3 });
  policies = tempDir({ 'test.gate': TEST_POLICY });
  const config = testConfig({
    bundle: policies.dir,
    mockUrl: mock.url,
    deadUrl: `http://127.0.0.1:${await closedPort()}`,
    headersTimeout: '300ms',
    bodyLimit: '16kb',
    extraConnections: `  - name: search
    prefix: /search
    protocol: http
    upstream: ${mock.url}/v1
    policy: railgate.test
    headers:
      Authorization: Bearer ${UPSTREAM_KEY}
    http:
      request_texts: [$.query]
      response_texts: ['$.data[*].content[*].text']
  - name: slow
    prefix: /slow
    protocol: openai
    upstream: ${mock.url}
    policy: railgate.test
    headers:
      Authorization: Bearer ${UPSTREAM_KEY}
    timeouts:
      body: 300ms
`,
  });
  bundles = await startBundles(config);
  authenticator = authenticatorFor(config);
  logs = logSink();
  app = buildProxyApp(config, { bundles, authenticator, logStream: logs.stream });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await bundles?.stop();
  await authenticator?.close();
  await mock?.close();
  policies?.cleanup();
});

beforeEach(() => mock.reset());

describe('health', () => {
  it('/healthz is always 200', async () => {
    const r = await app.inject({ method: 'GET', url: '/healthz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 200 with the active revision', async () => {
    const r = await app.inject({ method: 'GET', url: '/readyz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ready', revision: bundles.active!.revision });
  });
});

describe('routing', () => {
  it('a path outside every connection is a plain JSON 404', async () => {
    const r = await app.inject({ method: 'GET', url: '/nowhere/v1/models' });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ error: { code: 'not_found', type: 'not_found_error' } });
  });

  it('prefixes match on a segment boundary only', async () => {
    const r = await post('/openaix/v1/chat/completions', chat('hi'));
    expect(r.statusCode).toBe(404);
    expect(mock.requests).toHaveLength(0);
  });

  it('an unknown operation under a connection is a 404 in the protocol style', async () => {
    const r = await post('/openai/v1/fine_tuning/jobs', {});
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ error: { code: 'not_found', param: null } });
    const a = await post('/anthropic/v1/complete', {});
    expect(a.statusCode).toBe(404);
    expect(a.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error', code: 'not_found' } });
  });

  it('dot segments never reach the upstream', async () => {
    const r = await post('/openai/v1/%2e%2e/admin/chat/completions', chat('hi'));
    expect(r.statusCode).toBe(404);
    expect(mock.requests).toHaveLength(0);
  });
});

describe('identity', () => {
  it('no credentials → 401 with a Bearer challenge and the reason', async () => {
    const r = await post('/openai/v1/chat/completions', chat('hi'), { 'content-type': 'application/json' });
    expect(r.statusCode).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Bearer realm="railgate"');
    expect(r.json()).toMatchObject({ error: { code: 'unauthenticated', type: 'authentication_error', reason: 'missing_credentials' } });
    expect(mock.requests).toHaveLength(0);
  });

  it('an unknown API key → 401 invalid_token, the key not echoed', async () => {
    const bad = 'rg-wrong-key-that-must-not-be-echoed';
    const r = await post('/openai/v1/chat/completions', chat('hi'), json({ authorization: `Bearer ${bad}` }));
    expect(r.statusCode).toBe(401);
    expect(r.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(r.json()).toMatchObject({ error: { code: 'unauthenticated', reason: 'unknown_api_key' } });
    expect(r.body).not.toContain(bad);
  });

  it('the Anthropic style: x-api-key is accepted, a 401 is an authentication_error', async () => {
    const ok = await post('/anthropic/v1/messages', { model: 'claude-3-5-haiku', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }, { 'content-type': 'application/json', 'x-api-key': CLIENT_KEY, 'anthropic-version': '2023-06-01' });
    expect(ok.statusCode).toBe(200);
    const r = await post('/anthropic/v1/messages', { model: 'claude-3-5-haiku', max_tokens: 50, messages: [] }, { 'content-type': 'application/json' });
    expect(r.statusCode).toBe(401);
    expect(r.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error', code: 'unauthenticated' } });
  });
});

describe('request bodies', () => {
  it('a body over the connection limit → 413 in the protocol style', async () => {
    const r = await post('/openai/v1/chat/completions', chat('x'.repeat(20_000)));
    expect(r.statusCode).toBe(413);
    expect(r.json()).toMatchObject({ error: { code: 'request_too_large' } });
    expect(r.json().error.message).toContain('16384 bytes');
    const a = await post('/anthropic/v1/messages', { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x'.repeat(20_000) }] });
    expect(a.statusCode).toBe(413);
    expect(a.json()).toMatchObject({ type: 'error', error: { type: 'request_too_large', code: 'request_too_large' } });
    expect(mock.requests).toHaveLength(0);
  });

  it('malformed JSON → 400 naming the position, never quoting the body', async () => {
    const secret = 'sk-live-do-not-echo-me';
    const r = await post('/openai/v1/chat/completions', `{"model": "gpt-4.1-mini",\n "messages": ${secret}}`);
    expect(r.statusCode).toBe(400);
    const err = r.json().error;
    expect(err.code).toBe('invalid_json');
    expect(err.message).toContain('line 2, column 14');
    expect(r.body).not.toContain(secret);
    expect(r.body).not.toContain('sk-live');
  });

  it('a body that ends early → 400 naming the end', async () => {
    const r = await post('/openai/v1/chat/completions', '{"model": "gpt-4.1-mini", "messages": [');
    expect(r.statusCode).toBe(400);
    expect(r.json().error.message).toMatch(/unexpected end of input at the end of the body/);
  });

  it('a non-JSON media type → 415', async () => {
    const r = await post('/openai/v1/chat/completions', JSON.stringify(chat('hi')), json({ 'content-type': 'text/plain' }));
    expect(r.statusCode).toBe(415);
    expect(r.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });

  it('a body the protocol refuses → 400 invalid_request with the field', async () => {
    const r = await post('/openai/v1/chat/completions', { model: 'gpt-4.1-mini', messages: 'not a list' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('invalid_request');
    expect(r.json().error.param).toBe('messages');
  });
});

describe('the input document', () => {
  it('names user, connection, stream, tokens, method and path; credentials are not in its headers', async () => {
    const r = await post('/openai/v1/chat/completions', chat('hello there', { model: 'inspect-input' }), json({ cookie: 'session=abc' }));
    expect(r.statusCode).toBe(403);
    const reasons = r.json().error.reasons as string[];
    expect(reasons).toEqual([`input: svc-test api_key openai openai false ${countTokens('hello there', 'inspect-input')} POST /v1/chat/completions`]);
    expect(reasons.join()).not.toContain('credential headers');
  });

  it('tokens.max_completion is the cap the client asked for', async () => {
    const r = await post('/openai/v1/chat/completions', chat('hi', { model: 'inspect-cap', max_tokens: 77 }));
    expect(r.json().error.reasons).toContain('max_completion 77');
  });
});

describe('enforcement', () => {
  it('deny → 403 policy_violation naming the package and revision, never echoing the prompt', async () => {
    const prompt = 'this FORBIDDEN request mentions project-skylark';
    const r = await post('/openai/v1/chat/completions', chat(prompt));
    expect(r.statusCode).toBe(403);
    const err = r.json().error;
    expect(err).toMatchObject({ code: 'policy_violation', type: 'policy_violation', policy: 'railgate.test', revision: bundles.active!.revision, reasons: ['the prompt uses a forbidden word'] });
    expect(err.message).toContain('railgate.test');
    expect(r.body).not.toContain('skylark');
    expect(mock.requests).toHaveLength(0);
  });

  it('deny in the Anthropic style is a permission_error carrying our code', async () => {
    const r = await post('/anthropic/v1/messages', { model: 'claude-3-5-haiku', max_tokens: 50, messages: [{ role: 'user', content: 'forbidden' }] });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ type: 'error', error: { type: 'permission_error', code: 'policy_violation', policy: 'railgate.test' } });
  });

  it('approval → 403 approval_required with the reason and approvers', async () => {
    const r = await post('/openai/v1/chat/completions', chat('hi', { model: 'premium-model' }));
    expect(r.statusCode).toBe(403);
    expect(r.json().error).toMatchObject({ code: 'approval_required', reasons: ['premium-model is a premium model'], approvers: ['leads'], policy: 'railgate.test' });
    expect(mock.requests).toHaveLength(0);
  });

  it('redact: the upstream receives the rewritten prompt, the upstream key, and none of the client credentials', async () => {
    const r = await post('/openai/v1/chat/completions', chat('write to ada@example.com please'), json({ cookie: 'session=secret-cookie', 'openai-organization': 'org-client' }));
    expect(r.statusCode).toBe(200);
    expect(mock.requests).toHaveLength(1);
    const seen = mock.requests[0]!;
    const body = seen.body as { messages: Array<{ content: string }> };
    expect(body.messages[0]!.content).toBe('write to [EMAIL] please');
    expect(seen.headers['authorization']).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify(seen.headers)).not.toContain(CLIENT_KEY);
    expect(seen.headers['cookie']).toBeUndefined();
    expect(seen.headers['openai-organization']).toBeUndefined();
    expect(seen.headers['accept-encoding']).toBe('identity');
    // the model saw only the redacted text, so that is what it echoes
    expect(r.json().choices[0].message.content).toBe('You said: write to [EMAIL] please');
  });

  it('max_tokens: a larger cap is clamped, a missing cap is set', async () => {
    await post('/openai/v1/chat/completions', chat('hi', { max_tokens: 5000 }));
    await post('/openai/v1/chat/completions', chat('hi'));
    await post('/openai/v1/chat/completions', chat('hi', { max_completion_tokens: 20 }));
    const caps = mock.requests.map((q) => (q.body as { max_completion_tokens?: number; max_tokens?: number }));
    expect(caps[0]).toMatchObject({ max_tokens: 100 });
    expect(caps[1]).toMatchObject({ max_completion_tokens: 100 });
    expect(caps[2]).toMatchObject({ max_completion_tokens: 20 });
  });

  it('max_tokens_action reject: a request asking for more → 400 max_tokens_exceeded; within the cap it passes', async () => {
    const r = await post('/openai/v1/chat/completions', chat('hi', { model: 'strict-model', max_tokens: 500 }));
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'max_tokens_exceeded', max_tokens: 100, requested: 500, policy: 'railgate.test' });
    expect(mock.requests).toHaveLength(0);
    const ok = await post('/openai/v1/chat/completions', chat('hi', { model: 'strict-model', max_tokens: 50 }));
    expect(ok.statusCode).toBe(200);
  });

  it('a policy evaluation error fails that request (500 policy_error) and the next one is served', async () => {
    const r = await post('/openai/v1/chat/completions', chat('my secret plan', { model: 'boom' }));
    expect(r.statusCode).toBe(500);
    const err = r.json().error;
    expect(err).toMatchObject({ code: 'policy_error', policy: 'railgate.test', revision: bundles.active!.revision });
    expect(err.message).toContain('eval_conflict_error');
    expect(r.body).not.toContain('secret plan');
    expect(mock.requests).toHaveLength(0);
    const next = await post('/openai/v1/chat/completions', chat('hi'));
    expect(next.statusCode).toBe(200);
  });

  it('a rule naming an unknown classifier is a policy_error', async () => {
    const r = await post('/openai/v1/chat/completions', chat('hi', { model: 'unknown-classifier' }));
    expect(r.statusCode).toBe(500);
    expect(r.json().error.code).toBe('policy_error');
    expect(r.json().error.message).toContain('unknown classifier');
  });
});

describe('upstream failures', () => {
  it('an upstream error status passes through with its body', async () => {
    const r = await post('/openai/v1/chat/completions', chat('hi'), json({ 'x-mock-status': '500' }));
    expect(r.statusCode).toBe(500);
    expect(r.json()).toMatchObject({ error: { type: 'server_error', message: expect.stringContaining('The server had an error') } });
    const limited = await post('/openai/v1/chat/completions', chat('hi'), json({ 'x-mock-status': '429' }));
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
  });

  it('the upstream refusing the proxy credentials is a 502, not a 401 blaming the client', async () => {
    const r = await post('/openai/v1/chat/completions', chat('hi'), json({ 'x-mock-status': '401' }));
    expect(r.statusCode).toBe(502);
    expect(r.json().error.code).toBe('upstream_error');
  });

  it('connection refused → 502 upstream_unavailable', async () => {
    const r = await post('/dead/v1/chat/completions', chat('hi'));
    expect(r.statusCode).toBe(502);
    expect(r.json().error).toMatchObject({ code: 'upstream_unavailable', type: 'upstream_error' });
  });

  it('no headers within the timeout → 504 upstream_timeout, and the upstream request is abandoned', async () => {
    const r = await post('/openai/v1/chat/completions', chat('hi'), json({ 'x-mock-hang': 'headers' }));
    expect(r.statusCode).toBe(504);
    expect(r.json().error).toMatchObject({ code: 'upstream_timeout' });
    expect(r.json().error.message).toContain('300 ms');
    await waitFor(() => mock.requests[0]?.aborted === true);
  });

  it('a body that stalls (JSON, inspected whole) → 504 upstream_timeout', async () => {
    const r = await post('/slow/v1/chat/completions', chat('say: a long enough answer to stall in'), json({ 'x-mock-hang': 'body' }));
    expect(r.statusCode).toBe(504);
    expect(r.json().error).toMatchObject({ code: 'upstream_timeout' });
    expect(r.json().error.message).toContain('stopped sending its response for 300 ms');
  });

  it('a stream that stalls after its first bytes ends with the protocol error event', async () => {
    const r = await post('/slow/v1/chat/completions', chat('say: a long enough answer to stall in', { stream: true }), json({ 'x-mock-hang': 'body' }));
    expect(r.statusCode).toBe(200);
    const events = r.body.trim().split('\n\n');
    expect(events[events.length - 1]).toMatch(/^data: \{"error":\{.*"code":"upstream_timeout"/);
  });
});

describe('response masking', () => {
  it('JSON: card numbers and AWS keys in the answer are masked', async () => {
    const r = await post('/openai/v1/chat/completions', chat(`say: card ${CARD} and key ${AWS_KEY} ok`));
    expect(r.statusCode).toBe(200);
    const text = r.json().choices[0].message.content as string;
    expect(text).toBe('card [CARD] and key [SECRET] ok');
    expect(r.body).not.toContain(AWS_KEY);
    expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(r.body));
  });

  it('SSE: a value split across many chunks is masked; framing and [DONE] survive', async () => {
    const r = await post('/openai/v1/chat/completions', chat(`say: here ${CARD} and ${AWS_KEY}.`, { stream: true }));
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/event-stream');
    expect(sseChatText(r.body)).toBe('here [CARD] and [SECRET].');
    expect(r.body).not.toContain('1111');
    expect(r.body.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('Anthropic JSON: content blocks are masked', async () => {
    const r = await post('/anthropic/v1/messages', { model: 'claude-3-5-haiku', max_tokens: 50, messages: [{ role: 'user', content: `say: ${AWS_KEY}` }] }, json({ 'anthropic-version': '2023-06-01' }));
    expect(r.statusCode).toBe(200);
    expect(r.json().content[0].text).toBe('[SECRET]');
  });

  it('a blocking rule: JSON → 403 response_blocked', async () => {
    const r = await post('/openai/v1/chat/completions', chat(`say: ${PRIVATE_KEY}`));
    expect(r.statusCode).toBe(403);
    expect(r.json().error).toMatchObject({ code: 'response_blocked', policy: 'railgate.test' });
    expect(r.body).not.toContain('MIIBOgIBAAJBAKj34');
  });

  it('a blocking rule: SSE → the stream ends with the protocol error event (or 403 if nothing was sent yet)', async () => {
    // paced, so the headers normally go out (with the first event) long before the key arrives
    const r = await post('/openai/v1/chat/completions', chat(`say: ${PRIVATE_KEY}`, { stream: true }), json({ 'x-mock-chunk-delay-ms': '5' }));
    expect(r.body).not.toContain('MIIBOgIBAAJBAKj34');
    if (r.statusCode === 200) {
      const events = r.body.trim().split('\n\n');
      expect(events[events.length - 1]).toMatch(/^data: \{"error":\{.*"code":"response_blocked"/);
      expect(r.body).not.toContain('[DONE]');
    } else {
      expect(r.statusCode).toBe(403);
      expect(r.json().error.code).toBe('response_blocked');
    }
  });
});

describe('a generic JSON connection', () => {
  it('redacts the named request texts, masks the named response texts, forwards under the upstream base path', async () => {
    const r = await post('/search/vector_stores/vs_1/search?limit=3', { query: `say: mail ada@example.com, card ${CARD}` });
    expect(r.statusCode).toBe(200);
    expect(mock.requests[0]!.url).toBe('/v1/vector_stores/vs_1/search?limit=3');
    expect(mock.requests[0]!.body).toEqual({ query: `say: mail [EMAIL], card ${CARD}` });
    expect(r.json().data[0].content[0].text).toBe('mail [EMAIL], card [CARD]');
  });

  it('refuses in its own error style', async () => {
    const r = await post('/search/vector_stores/vs_1/search', { query: 'forbidden' });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ error: { type: 'policy_violation', code: 'policy_violation', policy: 'railgate.test' } });
  });
});

describe('what the client gets back from an upstream', () => {
  let echo: Server;
  let echoApp: FastifyInstance;
  let echoBundles: BundleClient;
  let echoAuth: Authenticator;

  beforeAll(async () => {
    // an upstream that echoes its credentials in an error and sets cookies: the proxy must not pass them on
    echo = createServer((req, res) => {
      res.setHeader('set-cookie', 'upstream-session=abc');
      res.setHeader('x-upstream-key-echo', String(req.headers['authorization']));
      res.setHeader('x-request-id', 'req_123');
      res.setHeader('openai-organization', 'org-upstream');
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Incorrect request with key ${String(req.headers['authorization'])}, card ${CARD}`, type: 'invalid_request_error' } }));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const config = testConfig({ bundle: policies.dir, mockUrl: `http://127.0.0.1:${(echo.address() as { port: number }).port}` });
    echoBundles = await startBundles(config);
    echoAuth = authenticatorFor(config);
    echoApp = buildProxyApp(config, { bundles: echoBundles, authenticator: echoAuth, logStream: logSink().stream });
  });

  afterAll(async () => {
    await echoApp?.close();
    await echoBundles?.stop();
    await echoAuth?.close();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  it('strips cookies and unlisted headers, scrubs the upstream key, masks the body', async () => {
    const r = await echoApp.inject({ method: 'POST', url: '/openai/v1/chat/completions', headers: json(), payload: JSON.stringify(chat('hi')) });
    expect(r.statusCode).toBe(400);
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(r.headers['x-upstream-key-echo']).toBeUndefined();
    expect(r.headers['openai-organization']).toBeUndefined();
    expect(r.headers['x-request-id']).toBe('req_123');
    expect(r.body).not.toContain(UPSTREAM_KEY);
    expect(r.body).not.toContain(CARD);
    expect(r.json().error.message).toContain('[REDACTED:upstream_credential]');
    expect(r.json().error.message).toContain('[CARD]');
  });
});

describe('an identity provider that cannot be reached', () => {
  it('a token that needs its keys → 503 identity_provider_unavailable, no challenge', async () => {
    const port = await closedPort();
    const base = testConfig({ bundle: policies.dir, mockUrl: mock.url });
    const config = {
      ...base,
      identity: {
        ...base.identity,
        oidc: {
          issuer: `http://127.0.0.1:${port}`,
          audience: ['railgate'],
          jwksUri: `http://127.0.0.1:${port}/jwks`,
          algorithms: ['RS256'],
          groupsClaim: 'groups',
          idClaim: 'sub',
          emailClaim: 'email',
          clockSkewMs: 30_000,
          jwksCacheMs: 600_000,
          jwksRefreshMinIntervalMs: 30_000,
          timeoutMs: 1000,
        },
      },
    };
    const a = authenticatorFor(config);
    const app2 = buildProxyApp(config, { bundles, authenticator: a, logStream: logSink().stream });
    const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${b64({ sub: 'u', iss: `http://127.0.0.1:${port}`, aud: 'railgate', exp: 4_102_444_800 })}.c2ln`;
    try {
      const r = await app2.inject({ method: 'POST', url: '/openai/v1/chat/completions', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: JSON.stringify(chat('hi')) });
      expect(r.statusCode).toBe(503);
      expect(r.headers['www-authenticate']).toBeUndefined();
      expect(r.json().error).toMatchObject({ code: 'identity_provider_unavailable', reason: 'identity_provider_unavailable' });
      expect(r.body).not.toContain(token);
      expect(mock.requests).toHaveLength(0);
    } finally {
      await app2.close();
      await a.close();
    }
  });
});

describe('fail closed without a bundle', () => {
  it('no active bundle → 503 no_active_policy and /readyz 503', async () => {
    const missing = tempDir({});
    missing.cleanup();
    const config = testConfig({ bundle: `${missing.dir}/nothing-here`, mockUrl: mock.url });
    const b = await startBundles(config);
    const a = authenticatorFor(config);
    const noBundle = buildProxyApp(config, { bundles: b, authenticator: a, logStream: logSink().stream });
    try {
      const r = await noBundle.inject({ method: 'POST', url: '/openai/v1/chat/completions', headers: json(), payload: JSON.stringify(chat('hi')) });
      expect(r.statusCode).toBe(503);
      expect(r.json().error).toMatchObject({ code: 'no_active_policy' });
      expect(mock.requests).toHaveLength(0);
      const ready = await noBundle.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'not_ready', code: 'no_active_policy' });
      expect((await noBundle.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await noBundle.close();
      await b.stop();
      await a.close();
    }
  });

  it('a connection whose package is not in the bundle → 500 policy_error, never a silent allow', async () => {
    const config = testConfig({ bundle: policies.dir, mockUrl: mock.url });
    const wrong = { ...config, connections: config.connections.map((c) => ({ ...c, policy: 'railgate.missing' })) };
    const b = await startBundles(wrong);
    const a = authenticatorFor(wrong);
    const app2 = buildProxyApp(wrong, { bundles: b, authenticator: a, logStream: logSink().stream });
    try {
      const r = await app2.inject({ method: 'POST', url: '/openai/v1/chat/completions', headers: json(), payload: JSON.stringify(chat('hi')) });
      expect(r.statusCode).toBe(500);
      expect(r.json().error).toMatchObject({ code: 'policy_error', policy: 'railgate.missing' });
      expect(r.json().error.message).toContain('not in the bundle');
      expect(mock.requests).toHaveLength(0);
    } finally {
      await app2.close();
      await b.stop();
      await a.close();
    }
  });
});

describe('logs', () => {
  it('never hold prompt text, client keys or upstream keys', () => {
    const text = logs.text();
    expect(text.length).toBeGreaterThan(0);
    for (const secret of [CLIENT_KEY, UPSTREAM_KEY, 'ada@example.com', 'skylark', 'secret plan', CARD, AWS_KEY, 'sk-live-do-not-echo-me']) {
      expect(text).not.toContain(secret);
    }
  });
});
