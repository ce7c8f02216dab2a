import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, inputHeaders, scrubSecrets, upstreamRequestHeaders, upstreamSecrets, UPSTREAM_SECRET_PLACEHOLDER } from '../../src/proxy/headers.js';

// What crosses the proxy in each direction.

const client = {
  host: 'proxy.example.com',
  authorization: 'Bearer rg-client-key',
  'x-api-key': 'rg-client-key',
  cookie: 'session=1',
  'proxy-authorization': 'Basic abc',
  connection: 'keep-alive, x-hop',
  'x-hop': 'per-connection',
  'keep-alive': 'timeout=5',
  'transfer-encoding': 'chunked',
  te: 'trailers',
  'content-length': '123',
  'content-type': 'application/json',
  'accept-encoding': 'gzip, br',
  'user-agent': 'OpenAI/JS 6.0',
  'anthropic-version': '2023-06-01',
  'openai-organization': 'org-client',
  'x-stainless-lang': 'js',
  accept: ['application/json', 'text/event-stream'],
};

describe('input.request.headers', () => {
  it('drops credentials and hop-by-hop headers, joins repeated ones', () => {
    expect(inputHeaders(client)).toEqual({
      host: 'proxy.example.com',
      'content-length': '123',
      'content-type': 'application/json',
      'accept-encoding': 'gzip, br',
      'user-agent': 'OpenAI/JS 6.0',
      'anthropic-version': '2023-06-01',
      'openai-organization': 'org-client',
      'x-stainless-lang': 'js',
      accept: 'application/json, text/event-stream',
    });
  });
});

describe('upstream request headers', () => {
  it("keep the client's own, replace credentials with the connection's, recompute the rest", () => {
    expect(upstreamRequestHeaders(client, { Authorization: 'Bearer sk-upstream', 'OpenAI-Organization': 'org-ours' }, true)).toEqual({
      'user-agent': 'OpenAI/JS 6.0',
      'anthropic-version': '2023-06-01',
      'x-stainless-lang': 'js',
      accept: 'application/json, text/event-stream',
      'accept-encoding': 'identity',
      'content-type': 'application/json',
      authorization: 'Bearer sk-upstream',
      'openai-organization': 'org-ours',
    });
  });

  it('without a body there is no content type', () => {
    expect(upstreamRequestHeaders({ accept: '*/*' }, {}, false)).toEqual({ accept: '*/*', 'accept-encoding': 'identity' });
  });
});

describe('response headers', () => {
  it('pass an allowlist, never cookies or values holding an upstream credential', () => {
    const upstream = {
      'content-type': 'application/json',
      'content-length': '99',
      'set-cookie': ['a=1', 'b=2'],
      'x-request-id': 'req_1',
      'request-id': 'req_2',
      'openai-organization': 'org-upstream',
      'openai-processing-ms': '12',
      'x-ratelimit-remaining-requests': '99',
      'anthropic-ratelimit-tokens-remaining': '1000',
      'retry-after': '1',
      server: 'cloudflare',
      'x-echo': 'sk-upstream-secret',
      'cache-control': 'no-store, key=sk-upstream-secret',
    };
    expect(clientResponseHeaders(upstream, ['sk-upstream-secret'])).toEqual({
      'content-type': 'application/json',
      'x-request-id': 'req_1',
      'request-id': 'req_2',
      'openai-processing-ms': '12',
      'x-ratelimit-remaining-requests': '99',
      'anthropic-ratelimit-tokens-remaining': '1000',
      'retry-after': '1',
    });
  });
});

describe('upstream secrets', () => {
  it('are the values of credential-like headers (and the token of Bearer), longest first', () => {
    expect(upstreamSecrets({ Authorization: 'Bearer sk-upstream-0123', 'anthropic-version': '2023-06-01', 'x-api-key': 'short', 'X-Custom-Token': 'tok-abcdefgh' })).toEqual([
      'Bearer sk-upstream-0123',
      'sk-upstream-0123',
      'tok-abcdefgh',
    ]);
  });

  it('are scrubbed from text', () => {
    expect(scrubSecrets('bad key sk-upstream-0123 (sk-upstream-0123)', ['sk-upstream-0123'])).toBe(`bad key ${UPSTREAM_SECRET_PLACEHOLDER} (${UPSTREAM_SECRET_PLACEHOLDER})`);
  });
});
