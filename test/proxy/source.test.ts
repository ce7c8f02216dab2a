import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleClient } from '../../src/bundle/client.js';
import { parseConfig, hashApiKey, type Config } from '../../src/config/index.js';
import { buildProxyApp } from '../../src/proxy/index.js';
import { MemoryQuotaStore } from '../../src/quota/index.js';
import { authenticatorFor, CLIENT_KEY, logSink, startBundles, tempDir } from './support.js';

// input.source.ip: the socket's address, or — from a trusted load balancer only —
// the client address it reports in X-Forwarded-For.

const POLICY = `package src

deny contains sprintf("seen from %s", [input.source.ip])
`;

let policies: { dir: string; cleanup: () => void };
let bundles: BundleClient;

function config(extra: string): Config {
  return parseConfig(
    `bundle:\n  source: ${policies.dir}\nidentity:\n  api_keys:\n    - id: svc\n      hash: ${hashApiKey(CLIENT_KEY)}\nconnections:\n  - name: openai\n    protocol: openai\n    upstream: http://127.0.0.1:9\n    policy: src\nquota:\n  store: memory\n${extra}`,
    { file: 'source.yaml', env: {} },
  );
}

async function seenFrom(c: Config, remoteAddress: string, forwarded?: string): Promise<string> {
  const app = buildProxyApp(c, { bundles, authenticator: authenticatorFor(c), quota: new MemoryQuotaStore(), logStream: logSink().stream });
  try {
    const r = await app.inject({
      method: 'POST',
      url: '/openai/v1/chat/completions',
      remoteAddress,
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json', ...(forwarded ? { 'x-forwarded-for': forwarded } : {}) },
      payload: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(r.statusCode).toBe(403);
    return (r.json() as { error: { reasons: string[] } }).error.reasons[0]!;
  } finally {
    await app.close();
  }
}

beforeAll(async () => {
  policies = tempDir({ 'src.gate': POLICY });
  bundles = await startBundles(config(''));
});

afterAll(async () => {
  await bundles?.stop();
  policies?.cleanup();
});

describe('input.source.ip', () => {
  it('is the socket address, and X-Forwarded-For is ignored, without trusted proxies', async () => {
    expect(await seenFrom(config(''), '10.1.2.3', '203.0.113.9')).toBe('seen from 10.1.2.3');
  });

  it('is the client address a trusted load balancer forwards', async () => {
    const c = config('trusted_proxies: [10.0.0.0/8]\n');
    expect(await seenFrom(c, '10.1.2.3', '203.0.113.9')).toBe('seen from 203.0.113.9');
    // the nearest untrusted hop wins: a client cannot prepend an address of its choosing
    expect(await seenFrom(c, '10.1.2.3', '198.51.100.7, 203.0.113.9')).toBe('seen from 203.0.113.9');
  });

  it('ignores X-Forwarded-For from an address that is not a trusted proxy', async () => {
    expect(await seenFrom(config('trusted_proxies: [10.0.0.0/8]\n'), '192.0.2.50', '203.0.113.9')).toBe('seen from 192.0.2.50');
  });
});
