// Proxy overhead (issue 4): the same chat requests sent straight to the mock model
// server and through `railgate serve` with the reference policies (identity, policy
// evaluation with classification, redaction, response masking), side by side in one
// run. Run with `npm run bench` or `npx tsx bench/proxy.ts`.
//
// Latency: sequential requests on one keep-alive connection, median and p99 of the
// client-side time to the last byte. Throughput: 16 requests in flight for a fixed
// time. The mock answers at once, so the difference is the proxy's own cost. The
// mock, the proxy and the load generator share one process (and its event loop), so
// throughput figures are lower bounds for a proxy with a machine to itself.

import { fileURLToPath, pathToFileURL } from 'node:url';
import { Pool } from 'undici';
import { QUICKSTART_API_KEY, quickstartConfig } from '../src/config/index.js';
import { startMockUpstream } from '../src/mock-upstream/index.js';
import { startProxy } from '../src/proxy/index.js';
import { Writable } from 'node:stream';

const REPO = fileURLToPath(new URL('..', import.meta.url));
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

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  const mock = await startMockUpstream({ chunkChars: 16, maxRecorded: 0 });
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const proxy = await startProxy(quickstartConfig({ upstream: mock.url, packageRoot: REPO, overrides: { listen: '127.0.0.1:0', logLevel: 'warn' } }), { logStream: sink });
  const direct: Target = { name: 'direct to the mock', pool: new Pool(mock.url, { connections: 16 }), path: '/v1/chat/completions', headers: {} };
  const proxied: Target = { name: 'proxy (reference policies)', pool: new Pool(proxy.url, { connections: 16 }), path: '/openai/v1/chat/completions', headers: { authorization: `Bearer ${QUICKSTART_API_KEY}` } };
  try {
    const n = Math.max(50, Math.round(2000 * SCALE));
    const rows: string[] = [];
    const results = new Map<string, { median: number; p99: number }>();
    for (const stream of [false, true]) {
      for (const t of [direct, proxied]) {
        const r = await latency(t, stream, n);
        results.set(`${t.name}/${stream}`, r);
        rows.push(`${(stream ? 'stream' : 'json').padEnd(6)}  ${t.name.padEnd(28)}  median ${r.median.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms`);
      }
      const d = results.get(`${direct.name}/${stream}`)!;
      const p = results.get(`${proxied.name}/${stream}`)!;
      rows.push(`${(stream ? 'stream' : 'json').padEnd(6)}  ${'overhead'.padEnd(28)}  median ${signed(p.median - d.median)} ms  p99 ${signed(p.p99 - d.p99)} ms`);
    }
    console.log(`latency, ${n} sequential chat requests each (~1.5 KB prompt with an e-mail address; streamed answers in 16-character deltas):`);
    for (const r of rows) console.log(`  ${r}`);
    const secs = Math.max(1, 3 * SCALE);
    for (const t of [direct, proxied]) console.log(`throughput, 16 in flight for ${secs} s, ${t.name}: ${(await throughput(t, secs, 16)).toFixed(0)} requests/s`);
  } finally {
    await direct.pool.close();
    await proxied.pool.close();
    await proxy.close();
    await mock.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
