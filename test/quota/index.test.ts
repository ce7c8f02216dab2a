import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseModule } from '../../src/lang/parse.js';
import {
  createQuotaStore,
  MAX_KEY_LENGTH,
  MAX_LISTED_COUNTERS,
  MAX_NAME_LENGTH,
  MAX_QUOTAS_PER_DECISION,
  MemoryQuotaStore,
  readQuotas,
  RedisQuotaStore,
  SqliteQuotaStore,
} from '../../src/quota/index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'railgate-quota-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createQuotaStore', () => {
  it('opens the configured store', async () => {
    const m = createQuotaStore({ store: 'memory' });
    const s = createQuotaStore({ store: 'sqlite', path: join(dir, 'q.db') });
    const r = createQuotaStore({ store: 'redis', url: 'redis://127.0.0.1:6379', prefix: `rg-test-index-${process.pid}` });
    expect([m instanceof MemoryQuotaStore, s instanceof SqliteQuotaStore, r instanceof RedisQuotaStore]).toEqual([true, true, true]);
    expect([m.kind, s.kind, r.kind]).toEqual(['memory', 'sqlite', 'redis']);
    // a policy's entries go through readQuotas into any store
    const [spec] = readQuotas([{ name: 'daily', key: 'u1', limit: 5, window: '24h' }]);
    for (const store of [m, s, r]) {
      const got = await store.reserve([{ ...spec!, amount: 0 }], Date.now());
      expect(got.ok).toBe(true);
      await store.close();
    }
  });
});

describe('docs/quotas.md', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'quotas.md'), 'utf8');

  it('has policy examples that parse', () => {
    const blocks = [...doc.matchAll(/```rego\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(0);
    for (const [i, b] of blocks.entries()) expect(parseModule(b, `quotas.md#${i + 1}`).diagnostics).toEqual([]);
  });

  it('states the limits the code enforces', () => {
    const n = (x: number): string => x.toLocaleString('en-US');
    expect(doc).toContain(`At most ${MAX_QUOTAS_PER_DECISION} quotas`);
    expect(doc).toContain(`1 to ${MAX_NAME_LENGTH} printable ASCII`);
    expect(doc).toContain(`At most ${MAX_KEY_LENGTH} characters`);
    expect(doc).toContain(`at most ${n(MAX_LISTED_COUNTERS)} of them`);
    expect(doc).toContain(`at least \`1s\`, at most \`366d\``.replace('at least', 'At least'));
  });
});
