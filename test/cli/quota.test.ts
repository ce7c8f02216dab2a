import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQuotaStore, type QuotaLine } from '../../src/quota/index.js';
import { cli, fixture } from './run.js';
import { dropRedisPrefix } from '../support/redis.js';

// `railgate quota show` reads the store a proxy configuration names.

let dir: string;
let cleanup: () => void;
const at = (...p: string[]): string => join(dir, ...p);
const PREFIX = `railgate-cli-test-${process.pid}-${Date.now()}`;

function config(quota: string): string {
  return `bundle:
  source: ./policies
identity:
  api_keys:
    - id: ci
      hash: sha256:${'a'.repeat(64)}
connections:
  - name: openai
    protocol: openai
    upstream: http://127.0.0.1:9
    policy: app
quota:
${quota}
`;
}

function line(name: string, key: string, limit: number, amount: number, unit: 'tokens' | 'requests' = 'tokens'): QuotaLine {
  return { name, key, limit, windowMs: 86_400_000, unit, amount };
}

beforeAll(async () => {
  ({ dir, cleanup } = fixture({
    'policies/app.gate': 'package app\n',
    'sqlite.yaml': config('  store: sqlite\n  path: ./quota.db'),
    'redis.yaml': config(`  store: redis\n  url: redis://127.0.0.1:6379\n  prefix: ${PREFIX}`),
    'memory.yaml': config('  store: memory'),
    'nodb.yaml': config('  store: sqlite\n  path: ./missing.db'),
  }));
  for (const store of [createQuotaStore({ store: 'sqlite', path: at('quota.db') }), createQuotaStore({ store: 'redis', url: 'redis://127.0.0.1:6379', prefix: PREFIX, clock: 'caller' })]) {
    const now = Date.now();
    const r = await store.reserve([line('daily-tokens', 'alice', 100_000, 1200), line('rpm', 'alice', 60, 1, 'requests')], now);
    if (!r.ok) throw new Error('setup reservation refused');
    await store.settle(r.reservation, [850, 1], now);
    const b = await store.reserve([line('daily-tokens', 'bob', 100_000, 40)], now);
    if (!b.ok) throw new Error('setup reservation refused');
    await store.close();
  }
});

afterAll(async () => {
  cleanup();
  await dropRedisPrefix(PREFIX);
});

describe('railgate quota show', () => {
  for (const kind of ['sqlite', 'redis']) {
    it(`lists every counter of the ${kind} store with usage and what is left`, async () => {
      const r = await cli(['quota', 'show', '--config', at(`${kind}.yaml`)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^quota\s+window\s+key\s+usage$/);
      expect(lines.slice(1)).toEqual([
        expect.stringMatching(/^daily-tokens\s+1d\s+alice\s+850\/100000 tokens used, 99150 left, frees up in /),
        expect.stringMatching(/^daily-tokens\s+1d\s+bob\s+40\/100000 tokens used, 99960 left, frees up in /),
        expect.stringMatching(/^rpm\s+1d\s+alice\s+1\/60 requests used, 59 left, frees up in /),
      ]);
    });
  }

  it('filters by key and by quota, as JSON', async () => {
    const r = await cli(['quota', 'show', '--config', at('sqlite.yaml'), '--key', 'alice', '--name', 'rpm', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      store: 'sqlite',
      counters: [expect.objectContaining({ name: 'rpm', key: 'alice', unit: 'requests', limit: 60, used: 1, remaining: 59, windowMs: 86_400_000, window: '1d' })],
    });
  });

  it('exits 1 when nothing matches the filter', async () => {
    const r = await cli(['quota', 'show', '--config', at('sqlite.yaml'), '--key', 'carol']);
    expect(r).toMatchObject({ code: 1, stdout: 'no quota usage for key "carol" (store: sqlite)\n' });
  });

  it('explains that an in-memory store can only be read through the proxy', async () => {
    const r = await cli(['quota', 'show', '--config', at('memory.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/counts quotas in memory, inside the proxy process/);
    expect(r.stderr).toMatch(/GET \/admin\/quotas/);
  });

  it('refuses a database that does not exist instead of creating one', async () => {
    const r = await cli(['quota', 'show', '--config', at('nodb.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no quota database at .*missing\.db/);
  });
});
