import { setTimeout as delay } from 'node:timers/promises';
import { SqliteQuotaStore } from '../../src/quota/sqlite.js';

// A second process hammering a shared quota database (sqlite.test.ts): reserves
// `count` times 1 unit against a limit, from a common start time so the processes
// overlap, and prints how many were admitted.

const [file, count, limit, startAt, nowMs] = process.argv.slice(2);
const store = new SqliteQuotaStore(file!);
// wait (bounded) for the common start
await delay(Math.min(Math.max(0, Number(startAt) - Date.now()), 10_000));
let admitted = 0;
for (let i = 0; i < Number(count); i++) {
  const r = await store.reserve([{ name: 'shared', key: 'team', limit: Number(limit), windowMs: 60_000, unit: 'tokens', amount: 1 }], Number(nowMs) + i);
  if (r.ok) admitted++;
}
await store.close();
process.stdout.write(JSON.stringify({ admitted }));
