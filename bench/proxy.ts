// Proxy overhead (issues 4 and 5): the same chat requests sent straight to the mock
// model server and through `railgate serve` with guardrails in the shape of the
// reference chat policy (API key identity, classification, redaction, response
// masking; bench/fixtures/proxy), with quotas off and with three budgets counted in
// each store, side by side in one run. Run with `npm run bench` or `npx tsx bench/proxy.ts`.
//
// Latency: sequential requests on one keep-alive connection, median and p99 of the
// client-side time to the last byte. Throughput: 16 requests in flight for a fixed
// time. The mock answers at once, so the difference is the proxy's own cost. The
// mock, the proxy and the load generator share one process (and its event loop), so
// throughput figures are lower bounds for a proxy with a machine to itself.

import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Pool } from 'undici';
import { hashApiKey, parseConfig, type Config } from '../src/config/index.js';
import { startMockUpstream } from '../src/mock-upstream/index.js';
import { startProxy, type ProxyServer } from '../src/proxy/index.js';
import { dropRedisPrefix } from '../test/support/redis.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/proxy', import.meta.url));
const SCALE = Number(process.env['BENCH_SCALE'] ?? '1') || 1;

const PROMPT = 'Summarise the attached meeting notes for the weekly report. Reach me at ada@example.com if anything is unclear. ' + 'The team discussed the roadmap, hiring and the on-call rotation. '.repeat(20);

function body(stream: boolean): string {
  return JSON.stringify({ model: 'gpt-4.1-mini', stream, max_tokens: 200, messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: PROMPT }] });
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;

interface Target {
  name: string;
  pool: Pool;
  path: string;
  headers: Record<string, string>;
}

async function once(t: Target, stream: boolean): Promise<void> {
  const r = await t.pool.request({ method: 'POST', path: t.path, headers: { 'content-type': 'application/json', ...t.headers }, body: body(stream) });
  const text = await r.body.text();
  if (r.statusCode !== 200) throw new Error(`${t.name}: HTTP ${r.statusCode}: ${text.slice(0, 200)}`);
  if (!stream && !text.includes('[EMAIL]') && t.name.startsWith('proxy')) throw new Error(`${t.name}: the e-mail address was not redacted`);
  if (t.name.includes('quotas in') && !r.headers['ratelimit']) throw new Error(`${t.name}: no RateLimit header, so no quota was counted`);
}

async function latency(t: Target, stream: boolean, n: number): Promise<{ median: number; p99: number }> {
  for (let i = 0; i < Math.min(200, n); i++) await once(t, stream);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await once(t, stream);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { median: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

async function throughput(t: Target, seconds: number, concurrency: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await once(t, false);
        done++;
      }
    }),
  );
  return done / seconds;
}

const API_KEY = 'rg-bench-key';

function config(policies: string, upstream: string, quota: string): Config {
  return parseConfig(
    `listen: 127.0.0.1:0
bundle:
  source: ${policies}
identity:
  api_keys:
    - id: bench-user
      hash: ${hashApiKey(API_KEY)}
connections:
  - name: openai
    protocol: openai
    upstream: ${upstream}
    policy: bench.chat
quota:
${quota}
log:
  level: warn
`,
    { file: 'bench.yaml', env: {} },
  );
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  const mock = await startMockUpstream({ chunkChars: 16, maxRecorded: 0 });
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const work = mkdtempSync(join(tmpdir(), 'railgate-bench-proxy-'));
  const off = join(work, 'off');
  const on = join(work, 'on');
  for (const dir of [off, on]) mkdirSync(dir);
  copyFileSync(join(FIXTURES, 'guard.gate'), join(off, 'guard.gate'));
  copyFileSync(join(FIXTURES, 'guard.gate'), join(on, 'guard.gate'));
  copyFileSync(join(FIXTURES, 'quotas.gate'), join(on, 'quotas.gate'));
  const prefix = `railgate-bench-proxy-${process.pid}`;
  const variants: Array<[string, Config]> = [
    ['proxy, quotas off', config(off, mock.url, '  store: memory')],
    ['proxy, quotas in memory', config(on, mock.url, '  store: memory')],
    ['proxy, quotas in SQLite', config(on, mock.url, `  store: sqlite\n  path: ${join(work, 'quota.db')}`)],
    ['proxy, quotas in Redis', config(on, mock.url, `  store: redis\n  url: redis://127.0.0.1:6379\n  prefix: ${prefix}`)],
  ];
  const proxies: ProxyServer[] = [];
  const direct: Target = { name: 'direct to the mock', pool: new Pool(mock.url, { connections: 16 }), path: '/v1/chat/completions', headers: {} };
  const targets: Target[] = [direct];
  try {
    for (const [name, c] of variants) {
      const proxy = await startProxy(c, { logStream: sink });
      proxies.push(proxy);
      targets.push({ name, pool: new Pool(proxy.url, { connections: 16 }), path: '/openai/v1/chat/completions', headers: { authorization: `Bearer ${API_KEY}` } });
    }
    const n = Math.max(50, Math.round(2000 * SCALE));
    console.log(`latency, ${n} sequential chat requests per case (~1.5 KB prompt with an e-mail address; streamed answers in 16-character deltas):`);
    for (const stream of [false, true]) {
      const base = await latency(direct, stream, n);
      console.log(`  ${(stream ? 'stream' : 'json').padEnd(6)}  ${direct.name.padEnd(26)}  median ${base.median.toFixed(2)} ms  p99 ${base.p99.toFixed(2)} ms`);
      for (const t of targets.slice(1)) {
        const r = await latency(t, stream, n);
        console.log(
          `  ${(stream ? 'stream' : 'json').padEnd(6)}  ${t.name.padEnd(26)}  median ${r.median.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  (overhead ${signed(r.median - base.median)} / ${signed(r.p99 - base.p99)} ms)`,
        );
      }
    }
    const secs = Math.max(1, 3 * SCALE);
    for (const t of targets) console.log(`throughput, 16 in flight for ${secs} s, ${t.name}: ${(await throughput(t, secs, 16)).toFixed(0)} requests/s`);
  } finally {
    for (const t of targets) await t.pool.close();
    for (const p of proxies) await p.close();
    await mock.close();
    rmSync(work, { recursive: true, force: true });
    await dropRedisPrefix(prefix);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
