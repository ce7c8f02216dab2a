// Bundle benchmarks (issue 3): verify + compile + activate a signed bundle of 200
// policies; the time from publishing a new revision on a bundle server to serving
// decisions from it, at a given poll interval; and one RBAC-style decision through
// the WASM path next to the same logic written in .gate, in one run. Run with
// `npm run bench` or `npx tsx bench/bundle.ts`.

import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { activateBundle, type ActiveBundle } from '../src/bundle/activate.js';
import { buildBundle } from '../src/bundle/build.js';
import { BundleClient } from '../src/bundle/client.js';
import { generateKeys } from '../src/bundle/keygen.js';
import { readBundle } from '../src/bundle/read.js';
import type { Bundle } from '../src/bundle/types.js';
import { buildModule } from '../test/wasm/fixtures/module.js';
import { measure } from './eval.js';

const POLICIES = 200;
const POLL_MS = 1000;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** 200 packages in the shape of a team's access policies: defaults, a partial set, a function, data lookups. */
function writePolicies(dir: string, revision: number): void {
  for (let i = 0; i < POLICIES; i++) {
    const sub = join(dir, `team${i % 20}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(
      join(sub, `svc${i}.gate`),
      `# service ${i}, revision ${revision}
package svc${i}.authz

import data.roles

default allow := false

allow if "admin" in roles[input.user]

allow if {
\tsome g in grants
\tg.action == input.action
\tg.resource == input.resource
}

grants contains g if {
\tsome r in roles[input.user]
\tsome g in data.grants[r]
}

deny contains msg if {
\tnot allow
\tmsg := sprintf("%s may not %s %s (service ${i})", [input.user, input.action, input.resource])
}

limit(tier) := 100 if tier == "free"
limit(tier) := 10000 if tier != "free"

max_tokens := limit(object.get(input, "tier", "free"))
`,
    );
  }
  writeFileSync(
    join(dir, 'data.json'),
    JSON.stringify({ roles: { alice: ['admin'], bob: ['reader'] }, grants: { reader: [{ action: 'read', resource: 'doc' }] } }),
  );
}

async function activationCase(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'railgate-bench-'));
  try {
    writePolicies(dir, 1);
    const keys = await generateKeys('ES256');
    const built = await buildBundle({ paths: [dir], dataFiles: [join(dir, 'data.json')], revision: 'bench-1', skipTests: true, signing: { key: keys.privateKey, alg: 'ES256', keyId: 'bench' } });
    const verification = { key: keys.publicKey!, keyId: 'bench' };
    const check = await activateBundle(await readBundle(built.bytes, { verification }));
    if (check.evaluate(['svc7', 'authz', 'allow'], { user: 'bob', action: 'read', resource: 'doc' }) !== true) throw new Error('the generated bundle decides wrongly');
    const phases = { read: [] as number[], activate: [] as number[], total: [] as number[] };
    for (let run = 0; run < 9; run++) {
      const t0 = process.hrtime.bigint();
      const b: Bundle = await readBundle(built.bytes, { verification });
      const t1 = process.hrtime.bigint();
      await activateBundle(b);
      const t2 = process.hrtime.bigint();
      phases.read.push(Number(t1 - t0) / 1e6);
      phases.activate.push(Number(t2 - t1) / 1e6);
      phases.total.push(Number(t2 - t0) / 1e6);
    }
    console.log(
      `verify + compile + activate, ${POLICIES} policies (${(built.bytes.length / 1024).toFixed(0)} KiB signed ES256 archive, ${built.files.length} files): ` +
        `${median(phases.total).toFixed(1)} ms median of 9 (read + verify ${median(phases.read).toFixed(1)} ms, compile + activate ${median(phases.activate).toFixed(1)} ms)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A bundle server whose current archive the benchmark swaps, as a CI job publishing to a bucket would. */
function bundleServer(): { server: Server; publish(bytes: Uint8Array, etag: string): void; url: () => string } {
  let current: { bytes: Uint8Array; etag: string } | undefined;
  const server = createServer((req, res) => {
    if (!current) return void res.writeHead(404).end();
    if (req.headers['if-none-match'] === current.etag) return void res.writeHead(304, { etag: current.etag }).end();
    res.writeHead(200, { etag: current.etag, 'content-type': 'application/gzip', 'content-length': current.bytes.length });
    res.end(current.bytes);
  });
  return {
    server,
    publish: (bytes, etag) => void (current = { bytes, etag }),
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/bundle.tar.gz`,
  };
}

async function propagationCase(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'railgate-bench-'));
  const srv = bundleServer();
  await new Promise<void>((r) => srv.server.listen(0, '127.0.0.1', r));
  const revisions: Uint8Array[] = [];
  try {
    for (let r = 0; r < 13; r++) {
      writePolicies(dir, r);
      revisions.push((await buildBundle({ paths: [dir], dataFiles: [join(dir, 'data.json')], revision: `rev-${r}`, skipTests: true })).bytes);
    }
    srv.publish(revisions[0]!, '"rev-0"');
    const activated = new Map<string, number>();
    const client = new BundleClient({
      source: srv.url(),
      polling: { minDelayMs: POLL_MS, maxDelayMs: POLL_MS },
      onEvent: (e) => {
        if (e.type === 'activated') activated.set(e.revision, performance.now());
      },
    });
    await client.start();
    const latencies: number[] = [];
    for (let r = 1; r < revisions.length; r++) {
      // publish at a random moment of the poll cycle
      await new Promise((res) => setTimeout(res, Math.random() * POLL_MS));
      const published = performance.now();
      srv.publish(revisions[r]!, `"rev-${r}"`);
      const deadline = published + 5 * POLL_MS;
      while (!activated.has(`rev-${r}`) && performance.now() < deadline) await new Promise((res) => setTimeout(res, 2));
      const at = activated.get(`rev-${r}`);
      if (at === undefined) throw new Error(`rev-${r} was not activated within ${5 * POLL_MS} ms`);
      const served = (client.active as ActiveBundle).revision;
      if (served !== `rev-${r}`) throw new Error(`serving ${served}, expected rev-${r}`);
      latencies.push(at - published);
    }
    await client.stop();
    console.log(
      `publish → serving the new revision, poll interval ${POLL_MS} ms, ${POLICIES} policies: median ${median(latencies).toFixed(0)} ms, ` +
        `max ${Math.max(...latencies).toFixed(0)} ms over ${latencies.length} publishes (expected about half the interval plus download and activation)`,
    );
  } finally {
    await new Promise((r) => srv.server.close(r));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function wasmVersusGate(): Promise<void> {
  const data = { grants: ['editor', 'owner'] };
  const enc = new TextEncoder();
  const gate: Bundle = {
    manifest: { revision: 'g', roots: [''] },
    data,
    files: [{ path: 'rbac.gate', bytes: enc.encode('package app.rbac\n\ndefault allow := false\n\nallow if input.role in data.grants\n') }],
  };
  const wasm: Bundle = {
    manifest: { revision: 'w', roots: [''], wasm: [{ entrypoint: 'app/rbac/allow', module: '/policy.wasm' }] },
    data,
    files: [{ path: 'policy.wasm', bytes: await buildModule() }],
  };
  const path = ['app', 'rbac', 'allow'];
  const input = { user: 'carol', role: 'editor' };
  const rows: Array<[string, ActiveBundle]> = [
    ['.gate (compiled closures)', await activateBundle(gate)],
    ['policy.wasm (opa-wasm, OPA ABI 1.2)', await activateBundle(wasm)],
  ];
  for (const [name, active] of rows) {
    if (active.route(path)?.kind !== (name.startsWith('.gate') ? 'gate' : 'wasm')) throw new Error(`${name}: wrong evaluator`);
    if (active.evaluate(path, input) !== true || active.evaluate(path, { role: 'viewer' }) !== false) throw new Error(`${name}: wrong decision`);
    const t = measure(() => active.evaluate(path, input), { iterations: 20000 });
    console.log(`RBAC decision through ${name.padEnd(36)} ${(t.medianNs / 1000).toFixed(2)} µs median (cpu ${(t.cpuMedianNs / 1000).toFixed(2)} µs), JSON input to JSON result`);
  }
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  await activationCase();
  await propagationCase();
  await wasmVersusGate();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
