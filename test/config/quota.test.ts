import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configError, doc, issueAt, parse } from './helpers.js';

// The quota section: which store counts the budgets, what happens when it is down,
// and how requests are sized against a token budget.

describe('quota', () => {
  it('defaults: SQLite at .railgate/quota.db beside the configuration file, fail closed, 3 tokens of framing, a 4096-token default cap', () => {
    expect(parse(doc(), { baseDir: '/etc/railgate' }).quota).toEqual({
      store: 'sqlite',
      path: join('/etc/railgate', '.railgate', 'quota.db'),
      onStoreError: 'deny',
      messageOverheadTokens: 3,
      defaultMaxCompletionTokens: 4096,
    });
  });

  it('each store with its own keys', () => {
    expect(parse(doc({ extra: 'quota:\n  store: memory\n  on_store_error: allow\n  message_overhead_tokens: 0\n  default_max_completion_tokens: 512' })).quota).toEqual({
      store: 'memory',
      onStoreError: 'allow',
      messageOverheadTokens: 0,
      defaultMaxCompletionTokens: 512,
    });
    expect(parse(doc({ extra: 'quota:\n  path: state/q.db' }), { baseDir: '/srv' }).quota.path).toBe(join('/srv', 'state', 'q.db'));
    const redis = parse(doc({ extra: 'quota:\n  store: redis\n  url: redis://:${REDIS_PASSWORD}@redis.internal:6379/0\n  prefix: railgate-prod' }), { env: { REDIS_PASSWORD: 's3cret' } }).quota;
    expect(redis).toEqual({ store: 'redis', url: 'redis://:s3cret@redis.internal:6379/0', prefix: 'railgate-prod', onStoreError: 'deny', messageOverheadTokens: 3, defaultMaxCompletionTokens: 4096 });
    expect(redis.path).toBeUndefined();
  });

  it('a key of another store is an error, not silently ignored', () => {
    const e = configError(doc({ extra: 'quota:\n  store: memory\n  url: redis://localhost:6379' }));
    expect(issueAt(e, 'quota.url').message).toBe('quota.url applies to store: redis only, and quota.store is memory');
    const d = configError(doc({ extra: 'quota:\n  prefix: x' }));
    expect(issueAt(d, 'quota.prefix').message).toBe('quota.prefix applies to store: redis only, and quota.store is sqlite (the default)');
    const p = configError(doc({ extra: 'quota:\n  store: redis\n  url: redis://r:6379\n  path: q.db' }));
    expect(issueAt(p, 'quota.path').message).toContain('applies to store: sqlite only');
  });

  it('redis needs a redis:// or rediss:// URL, never printed (it may hold a password)', () => {
    const missing = configError(doc({ extra: 'quota:\n  store: redis' }));
    expect(issueAt(missing, 'quota.url').message).toContain('missing key quota.url');
    const bad = configError(doc({ extra: 'quota:\n  store: redis\n  url: http://user:hunter2@redis:6379' }));
    expect(issueAt(bad, 'quota.url').message).toBe('quota.url has the scheme http:, not redis: or rediss:');
    expect(bad.message).not.toContain('hunter2');
    const fromEnv = configError(doc({ extra: 'quota:\n  store: redis\n  url: ${REDIS_URL}' }), { env: { REDIS_URL: 'not a url with hunter2' } });
    expect(fromEnv.message).not.toContain('hunter2');
    expect(issueAt(fromEnv, 'quota.url').message).toContain('is not a valid URL');
    expect(configError(doc({ extra: 'quota:\n  store: redis\n  url: redis://r:6379\n  prefix: "{x}"' })).message).toContain('quota.prefix must be 1 to 64 characters without braces or spaces');
  });

  it('checks types and ranges', () => {
    expect(issueAt(configError(doc({ extra: 'quota:\n  store: postgres' })), 'quota.store').message).toContain('one of memory, sqlite, redis');
    expect(issueAt(configError(doc({ extra: 'quota:\n  on_store_error: ignore' })), 'quota.on_store_error').message).toContain('deny or allow');
    expect(issueAt(configError(doc({ extra: 'quota:\n  default_max_completion_tokens: 0' })), 'quota.default_max_completion_tokens').message).toContain('a whole number from 1 to 10000000');
    expect(issueAt(configError(doc({ extra: 'quota:\n  message_overhead_tokens: 2.5' })), 'quota.message_overhead_tokens').message).toContain('a whole number from 0 to 1000');
    expect(issueAt(configError(doc({ extra: 'quota:\n  sotre: memory' })), 'quota.sotre').message).toContain('did you mean store');
  });

  it('numbers may come from the environment', () => {
    expect(parse(doc({ extra: 'quota:\n  default_max_completion_tokens: ${CAP}' }), { env: { CAP: '2048' } }).quota.defaultMaxCompletionTokens).toBe(2048);
  });
});
