import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteQuotaStore } from '../../src/quota/sqlite.js';
import { quotaStoreConformance, line, MINUTE, T0 } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'railgate-quota-'));
let n = 0;
const file = (): string => join(dir, `quota-${++n}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

quotaStoreConformance('sqlite', async () => new SqliteQuotaStore(file()));

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./sqlite-worker.ts', import.meta.url));

describe('SqliteQuotaStore', () => {
  it('keeps counters across a restart (close and reopen the file)', async () => {
    const path = file();
    const a = new SqliteQuotaStore(path);
    const r = await a.reserve([line({ limit: 10, amount: 7 })], T0);
    await a.close();
    const b = new SqliteQuotaStore(path);
    expect((await b.usage(T0 + 1)).map((u) => [u.name, u.key, u.used, u.limit])).toEqual([['minute', 'alice', 7, 10]]);
    expect((await b.reserve([line({ limit: 10, amount: 4 })], T0 + 2)).ok).toBe(false);
    expect((await b.reserve([line({ limit: 10, amount: 3 })], T0 + 2)).ok).toBe(true);
    // a reservation made before the restart still settles against its slot
    if (!r.ok) throw new Error('unreachable');
    await b.settle(r.reservation, [2], T0 + 3);
    expect((await b.usage(T0 + 3))[0]!.used).toBe(5);
    await b.close();
  });

  it('two connections to one file share one budget: 500 alternating reservations, exactly 50 admitted', async () => {
    const path = file();
    const a = new SqliteQuotaStore(path);
    const b = new SqliteQuotaStore(path);
    const l = line({ name: 'shared', key: 'team', limit: 50, amount: 1 });
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => (i % 2 ? a : b).reserve([l], T0 + i)));
    expect(results.filter((r) => r.ok)).toHaveLength(50);
    await Promise.all([a.close(), b.close()]);
  });

  it('two processes hammering one file never charge past the limit: 2 × 250 reservations, exactly 50 admitted', async () => {
    const path = file();
    // create the schema first, so both workers start on an existing database
    await new SqliteQuotaStore(path).close();
    const startAt = Date.now() + 1500;
    const spawn = () => run(process.execPath, ['--import', 'tsx', worker, path, '250', '50', String(startAt), String(T0)], { timeout: 60_000 });
    const outs = await Promise.all([spawn(), spawn()]);
    const admitted = outs.map((o) => (JSON.parse(o.stdout) as { admitted: number }).admitted);
    expect(admitted[0]! + admitted[1]!).toBe(50);
    const s = new SqliteQuotaStore(path);
    expect((await s.usage(T0 + 1000, { name: 'shared' }))[0]!.used).toBe(50);
    await s.close();
  }, 60_000);

  it('prunes slots and counters that left their window, so the file does not grow with keys seen once', async () => {
    const path = file();
    const s = new SqliteQuotaStore(path);
    for (let i = 0; i < 100; i++) await s.reserve([line({ key: `k${i}`, amount: 1 })], T0);
    const later = T0 + 2 * MINUTE;
    for (let i = 0; i < 64; i++) await s.reserve([line({ key: 'busy', amount: 1, limit: 1000 })], later + i);
    await s.close();
    const db = new Database(path, { readonly: true });
    const counters = (db.prepare('SELECT count(*) AS n FROM quota_counters').get() as { n: number }).n;
    const slots = (db.prepare('SELECT count(*) AS n FROM quota_slots').get() as { n: number }).n;
    db.close();
    expect(counters).toBe(1);
    expect(slots).toBe(1);
  });

  it('creates the directory of a new file, and reports a file it cannot open as quota_store_unavailable', async () => {
    const nested = join(dir, 'a', 'b', 'quota.db');
    await new SqliteQuotaStore(nested).close();
    const notADb = join(dir, 'not-a-db');
    writeFileSync(notADb, 'this is not a database, it is text '.repeat(200));
    expect(() => new SqliteQuotaStore(notADb)).toThrow(expect.objectContaining({ name: 'QuotaStoreError', code: 'quota_store_unavailable' }));
    const locked = join(dir, 'ro');
    writeFileSync(locked, '');
    chmodSync(locked, 0o400);
    if (process.getuid?.() !== 0) {
      expect(() => new SqliteQuotaStore(locked)).toThrow(expect.objectContaining({ code: 'quota_store_unavailable' }));
    }
  });

  it('refuses a database whose quota tables come from a newer schema', async () => {
    const path = file();
    await new SqliteQuotaStore(path).close();
    const db = new Database(path);
    db.prepare('UPDATE quota_schema SET version = 99').run();
    db.close();
    expect(() => new SqliteQuotaStore(path)).toThrow(/schema version 99/);
  });

  it('leaves other tables in a shared file alone', async () => {
    const path = file();
    const db = new Database(path);
    db.exec('CREATE TABLE approvals (id TEXT PRIMARY KEY); INSERT INTO approvals VALUES (\'x\')');
    db.close();
    const s = new SqliteQuotaStore(path);
    await s.reserve([line({ amount: 1 })], T0);
    await s.close();
    const again = new Database(path, { readonly: true });
    expect(again.prepare('SELECT id FROM approvals').all()).toEqual([{ id: 'x' }]);
    again.close();
  });
});
