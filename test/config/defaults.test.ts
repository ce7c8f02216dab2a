import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { conn, doc, parse } from './helpers.js';

// What a short configuration becomes: every default filled in, every duration in
// milliseconds, every size in bytes.

describe('defaults', () => {
  it('fills in every default of a minimal configuration', () => {
    const text = [
      'bundle:',
      '  source: https://bundles.example.com/chat.tar.gz',
      'identity:',
      '  oidc:',
      '    issuer: https://login.example.com/realms/acme',
      '    audience: railgate',
      'connections:',
      '  - name: openai',
      '    protocol: openai',
      '    upstream: https://api.openai.com/',
      '    policy: railgate.chat',
    ].join('\n');
    const expected: Config = {
      listen: { host: '127.0.0.1', port: 8080 },
      bundle: {
        source: 'https://bundles.example.com/chat.tar.gz',
        polling: { minDelayMs: 60_000, maxDelayMs: 120_000, timeoutMs: 30_000 },
        headers: {},
      },
      identity: {
        oidc: {
          issuer: 'https://login.example.com/realms/acme',
          audience: ['railgate'],
          algorithms: ['RS256', 'ES256'],
          groupsClaim: 'groups',
          idClaim: 'sub',
          emailClaim: 'email',
          clockSkewMs: 30_000,
          jwksCacheMs: 600_000,
          jwksRefreshMinIntervalMs: 30_000,
          timeoutMs: 5_000,
        },
        apiKeys: [],
      },
      connections: [
        {
          name: 'openai',
          prefix: '/openai',
          protocol: 'openai',
          upstream: 'https://api.openai.com',
          upstreamHeaders: {},
          policy: 'railgate.chat',
          operationPolicies: {},
          timeouts: { connectMs: 5_000, headersMs: 120_000, bodyMs: 600_000 },
          bodyLimitBytes: 4 * 1024 * 1024,
        },
      ],
      evaluation: { timeoutMs: 100, maxSteps: 100_000 },
      quota: { store: 'sqlite', path: join(process.cwd(), '.railgate', 'quota.db'), onStoreError: 'deny', messageOverheadTokens: 3, defaultMaxCompletionTokens: 4096 },
      trustedProxies: [],
      log: { level: 'info' },
    };
    expect(parse(text)).toEqual(expected);
  });

  it('polls a local bundle every second or two, as the bundle client does', () => {
    const c = parse(doc({ bundle: 'bundle:\n  source: ./policies' }), { baseDir: '/srv/railgate' });
    expect(c.bundle.source).toBe('/srv/railgate/policies');
    expect(c.bundle.polling).toEqual({ minDelayMs: 1_000, maxDelayMs: 2_000, timeoutMs: 30_000 });
  });

  it('lets one polling bound drag the other default along', () => {
    const poll = (lines: string) => parse(doc({ bundle: `bundle:\n  source: https://b.example/b.tar.gz\n  polling:\n${lines}` })).bundle.polling;
    expect(poll('    max_delay: 10s')).toMatchObject({ minDelayMs: 10_000, maxDelayMs: 10_000 });
    expect(poll('    min_delay: 5m')).toMatchObject({ minDelayMs: 300_000, maxDelayMs: 300_000 });
    expect(poll('    min_delay: 10s')).toMatchObject({ minDelayMs: 10_000, maxDelayMs: 120_000 });
  });

  it('normalises every kind of value', () => {
    const text = doc({
      listen: 'listen: "[::1]:0"',
      identity: [
        'identity:',
        '  oidc:',
        '    issuer: http://127.0.0.1:4444/',
        '    audience: [a, b]',
        '    jwks_uri: http://localhost:4444/jwks',
        '    algorithms: [EdDSA, PS256]',
        '    groups_claim: realm_access.roles',
        '    clock_skew: 0',
        '    jwks_cache: 1h',
        '    jwks_refresh_min_interval: 1m30s',
        '    timeout: 1.5s',
        '  api_keys:',
        `    - {id: ci, hash: "sha256:${'AB'.repeat(32)}"}`,
        '  anonymous: {}',
      ].join('\n'),
      connections: conn('prefix: /llm/openai', 'policy: data.railgate.chat', 'headers: {Authorization: Bearer x}', 'body_limit: 512kb', 'timeouts: {connect: 250ms, headers: 2m, body: 1h}'),
      extra: 'evaluation: {timeout: 50ms, max_steps: 1000}\nlog: {level: debug}',
    }).replace('    policy: railgate.chat\n', '');
    const c = parse(text);
    expect(c.listen).toEqual({ host: '::1', port: 0 });
    expect(c.identity.oidc).toEqual({
      issuer: 'http://127.0.0.1:4444/',
      audience: ['a', 'b'],
      jwksUri: 'http://localhost:4444/jwks',
      algorithms: ['EdDSA', 'PS256'],
      groupsClaim: 'realm_access.roles',
      idClaim: 'sub',
      emailClaim: 'email',
      clockSkewMs: 0,
      jwksCacheMs: 3_600_000,
      jwksRefreshMinIntervalMs: 90_000,
      timeoutMs: 1_500,
    });
    expect(c.identity.apiKeys).toEqual([{ id: 'ci', hash: `sha256:${'ab'.repeat(32)}`, groups: [], claims: {} }]);
    expect(c.identity.anonymous).toEqual({ id: 'anonymous', groups: [] });
    const o = c.connections[0]!;
    expect(o.prefix).toBe('/llm/openai');
    expect(o.policy).toBe('railgate.chat');
    expect({ ...o.upstreamHeaders }).toEqual({ authorization: 'Bearer x' });
    expect(o.bodyLimitBytes).toBe(512 * 1024);
    expect(o.timeouts).toEqual({ connectMs: 250, headersMs: 120_000, bodyMs: 3_600_000 });
    expect(c.evaluation).toEqual({ timeoutMs: 50, maxSteps: 1000 });
    expect(c.log.level).toBe('debug');
  });

  it('reads an http connection', () => {
    const text = doc({
      connections: [
        'connections:',
        '  - name: vectors',
        '    protocol: http',
        '    upstream: http://vectors.internal:6333/api/',
        '    policy: acme.vectors',
        '    http:',
        '      request_texts: [$.query, "$.documents[*].text", "$[\'x y\']", "$.a[0].b"]',
      ].join('\n'),
    });
    expect(parse(text).connections[0]).toMatchObject({
      prefix: '/vectors',
      upstream: 'http://vectors.internal:6333/api',
      http: { requestTexts: ['$.query', '$.documents[*].text', "$['x y']", '$.a[0].b'], responseTexts: [], operation: 'other' },
    });
    expect(parse(text).connections[0]!.http).not.toHaveProperty('model');
  });

  it('leaves anonymous access off unless configured', () => {
    expect(parse(doc({ identity: `identity:\n  api_keys: [{id: a, hash: "sha256:${'0'.repeat(64)}"}]` })).identity.anonymous).toBeUndefined();
    expect(parse(doc({ identity: `identity:\n  api_keys: [{id: a, hash: "sha256:${'0'.repeat(64)}"}]\n  anonymous: false` })).identity.anonymous).toBeUndefined();
  });

  it('accepts ":port" as every interface', () => {
    expect(parse(doc({ listen: 'listen: ":9000"' })).listen).toEqual({ host: '0.0.0.0', port: 9000 });
  });

  it('accepts a JSON configuration', () => {
    const json = JSON.stringify({
      bundle: { source: 'https://b.example/b.tar.gz' },
      identity: { anonymous: { id: 'guest' } },
      connections: [{ name: 'anthropic', protocol: 'anthropic', upstream: 'https://api.anthropic.com', policy: 'railgate.chat' }],
    });
    expect(parse(json, { file: 'railgate.json' }).connections[0]!.prefix).toBe('/anthropic');
  });

  it('shares settings through YAML anchors and merge keys', () => {
    const text = doc({
      connections: [
        'x-defaults: &defaults',
        '  protocol: openai',
        '  policy: railgate.chat',
        '  timeouts: {headers: 5m}',
      ].join('\n'),
    });
    // x-defaults is not a key railgate knows; anchors live in the connections themselves instead
    expect(() => parse(text)).toThrow(/unknown key x-defaults/);
    const ok = [
      'bundle: {source: https://b.example/b.tar.gz}',
      'identity: {anonymous: {id: guest}}',
      'connections:',
      '  - &openai',
      '    name: openai',
      '    protocol: openai',
      '    upstream: https://api.openai.com',
      '    policy: railgate.chat',
      '    timeouts: {headers: 5m}',
      '  - <<: *openai',
      '    name: openai-embeddings',
      '    policy: railgate.embeddings',
    ].join('\n');
    const c = parse(ok);
    expect(c.connections.map((x) => [x.name, x.prefix, x.policy, x.timeouts.headersMs])).toEqual([
      ['openai', '/openai', 'railgate.chat', 300_000],
      ['openai-embeddings', '/openai-embeddings', 'railgate.embeddings', 300_000],
    ]);
  });
});

describe('policies per operation', () => {
  it('reads packages for particular operations next to the connection policy', () => {
    const c = parse(doc({ connections: conn('policies:', '  embedding: data.railgate.embeddings', '  responses: railgate.responses') })).connections[0]!;
    expect(c.operationPolicies).toEqual({ embedding: 'railgate.embeddings', responses: 'railgate.responses' });
    expect(c.policy).toBe('railgate.chat');
  });
});

describe('trusted proxies', () => {
  it('reads addresses and CIDR ranges of both families', () => {
    expect(parse(doc({ extra: 'trusted_proxies: [10.0.0.0/8, 127.0.0.1, "::1", "fd00::/8"]' })).trustedProxies).toEqual(['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8']);
  });
});
