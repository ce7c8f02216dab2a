import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleClient } from '../../src/bundle/client.js';
import { parseConfig } from '../../src/config/index.js';
import type { Authenticator } from '../../src/identity/index.js';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import { buildProxyApp } from '../../src/proxy/index.js';
import { MemoryQuotaStore } from '../../src/quota/index.js';
import { ADMIN_KEY, authenticatorFor, CLIENT_KEY, logSink, startBundles, tempDir, testConfig, TEST_POLICY } from '../proxy/support.js';

// The admin API: quota usage and bundle status for members of admin.groups only.

const QUOTA_POLICY = `${TEST_POLICY}
quota contains {"name": "daily-requests", "key": input.user.id, "limit": 1000, "window": "24h", "unit": "requests"}
`;

let mock: MockUpstream;
let policies: { dir: string; cleanup: () => void };
let bundles: BundleClient;
let authenticator: Authenticator;
let app: FastifyInstance;
const quota = new MemoryQuotaStore();

beforeAll(async () => {
  mock = await startMockUpstream({});
  policies = tempDir({ 'test.gate': QUOTA_POLICY });
  const config = testConfig({ bundle: policies.dir, mockUrl: mock.url });
  bundles = await startBundles(config);
  authenticator = authenticatorFor(config);
  app = buildProxyApp(config, { bundles, authenticator, quota, logStream: logSink().stream });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await bundles?.stop();
  await authenticator?.close();
  await quota.close();
  await mock?.close();
  policies?.cleanup();
});

const get = (url: string, key?: string) => app.inject({ method: 'GET', url, headers: key ? { authorization: `Bearer ${key}` } : {} });

describe('GET /admin/quotas', () => {
  it('lists usage per quota and key after requests were counted', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await app.inject({
        method: 'POST',
        url: '/openai/v1/chat/completions',
        headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(r.statusCode).toBe(200);
    }
    const r = await get('/admin/quotas', ADMIN_KEY);
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.json()).toEqual({
      store: 'memory',
      counters: [expect.objectContaining({ name: 'daily-requests', key: 'svc-test', unit: 'requests', limit: 1000, used: 3, remaining: 997, windowMs: 86_400_000 })],
    });
  });

  it('filters by key and by quota name', async () => {
    expect((await get('/admin/quotas?key=svc-test', ADMIN_KEY)).json().counters).toHaveLength(1);
    expect((await get('/admin/quotas?key=nobody', ADMIN_KEY)).json().counters).toEqual([]);
    expect((await get('/admin/quotas?name=other', ADMIN_KEY)).json().counters).toEqual([]);
  });

  it('refuses callers without credentials (401) and outside the admin groups (403)', async () => {
    const anon = await get('/admin/quotas');
    expect(anon.statusCode).toBe(401);
    expect(anon.json().error.code).toBe('unauthenticated');
    const client = await get('/admin/quotas', CLIENT_KEY);
    expect(client.statusCode).toBe(403);
    expect(client.json().error).toEqual({ code: 'forbidden', message: 'the admin API is for members of platform-admins; svc-test is not one' });
  });
});

describe('GET /admin/bundle', () => {
  it('reports the bundle client status for admins', async () => {
    const r = await get('/admin/bundle', ADMIN_KEY);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ active_revision: bundles.active!.revision, source_kind: 'local' });
    expect((await get('/admin/bundle', CLIENT_KEY)).statusCode).toBe(403);
  });
});

describe('without an admin section', () => {
  it('has no admin API at all', async () => {
    const config = parseConfig(
      `bundle:\n  source: ${policies.dir}\nidentity:\n  anonymous:\n    id: anyone\n    groups: [platform-admins]\nconnections:\n  - name: openai\n    protocol: openai\n    upstream: ${mock.url}\n    policy: railgate.test\nquota:\n  store: memory\n`,
      { file: 'plain.yaml', env: {} },
    );
    const plain = buildProxyApp(config, { bundles, authenticator: authenticatorFor(config), quota, logStream: logSink().stream });
    await plain.ready();
    const r = await plain.inject({ method: 'GET', url: '/admin/quotas' });
    expect(r.statusCode).toBe(404);
    await plain.close();
  });
});
