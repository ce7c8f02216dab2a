import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServe, type ServeOptions } from '../../src/cli/commands/serve.js';
import { hashApiKey, QUICKSTART_API_KEY } from '../../src/config/index.js';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import type { ProxyServer } from '../../src/proxy/index.js';
import { CLIENT_KEY, TEST_POLICY, UPSTREAM_KEY } from '../proxy/support.js';
import { cli, fixture, spawnRailgate } from './run.js';

// `railgate serve`: configuration errors and usage, what it prints when it starts,
// serving until told to stop, and the process contract (SIGTERM → exit 0).

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream({ requireAuth: UPSTREAM_KEY });
});

afterAll(async () => {
  await mock?.close();
});

function yaml(bundle: string, extra = ''): string {
  return `listen: 127.0.0.1:0
bundle:
  source: ${bundle}
identity:
  api_keys:
    - id: svc
      hash: ${hashApiKey(CLIENT_KEY)}
connections:
  - name: openai
    prefix: /openai
    protocol: openai
    upstream: ${mock.url}
    policy: railgate.test
    headers:
      Authorization: Bearer \${UPSTREAM_KEY}
log:
  level: warn
${extra}`;
}

interface Running {
  out: () => string;
  err: () => string;
  proxy: ProxyServer;
  stop: () => Promise<number>;
}

/** runServe in-process until stop() is called. */
async function serve(o: Partial<ServeOptions>, env: Record<string, string> = { UPSTREAM_KEY }, cwd?: string): Promise<Running> {
  let out = '';
  let err = '';
  let release!: () => void;
  const until = new Promise<void>((resolve) => (release = resolve));
  let started!: (p: ProxyServer) => void;
  const proxyStarted = new Promise<ProxyServer>((resolve) => (started = resolve));
  const done = runServe(
    { out: (t) => void (out += t), err: (t) => void (err += t), errIsTTY: false, env, readStdin: () => Promise.resolve('') },
    { quickstart: false, ...o },
    { until, onStarted: started, ...(cwd ? { cwd } : {}), graceMs: 2000 },
  );
  const proxy = await Promise.race([proxyStarted, done.then((code) => Promise.reject(new Error(`serve exited ${code}: ${err}`)))]);
  return {
    out: () => out,
    err: () => err,
    proxy,
    stop: async () => {
      release();
      return done;
    },
  };
}

describe('railgate serve', () => {
  it('prints where it listens, the revision and the connections without credentials, serves, and stops with 0', async () => {
    const f = fixture({ 'policies/test.gate': TEST_POLICY });
    writeFileSync(join(f.dir, 'railgate.yaml'), yaml(join(f.dir, 'policies')));
    try {
      const s = await serve({}, { UPSTREAM_KEY }, f.dir);
      const banner = s.out();
      expect(banner).toContain(`railgate proxy listening on ${s.proxy.url}`);
      expect(banner).toMatch(/bundle .*policies: revision "[0-9a-f]{16}" active/);
      expect(banner).toMatch(/openai\s+\/openai\s+→ http:\/\/127\.0\.0\.1:\d+ +\(openai, policy railgate\.test\)/);
      expect(banner).not.toContain(UPSTREAM_KEY);
      const r = await fetch(`${s.proxy.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect(r.status).toBe(200);
      expect(await s.stop()).toBe(0);
      expect(s.out()).toMatch(/stopped\n$/);
    } finally {
      f.cleanup();
    }
  });

  it('--quickstart: the reference policies before a mock model, with a curl and an SDK snippet that work', async () => {
    const s = await serve({ quickstart: true, listen: '127.0.0.1:0' }, {});
    try {
      const banner = s.out();
      expect(banner).toContain(`API key: ${QUICKSTART_API_KEY}`);
      expect(banner).toContain(`curl ${s.proxy.url}/openai/v1/chat/completions`);
      expect(banner).toContain(`baseURL: '${s.proxy.url}/openai/v1'`);
      expect(banner).toMatch(/anthropic\s+\/anthropic/);
      // what the printed curl sends
      const r = await fetch(`${s.proxy.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${QUICKSTART_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Hello! My email is ada@example.com' }] }),
      });
      expect(r.status).toBe(200);
      const body = (await r.json()) as { choices: Array<{ message: { content: string } }> };
      expect(body.choices[0]!.message.content).toBe('You said: Hello! My email is [EMAIL]');
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it('starts without a bundle: says so, /readyz is 503, requests get 503', async () => {
    const f = fixture({ 'railgate.yaml': '' });
    writeFileSync(join(f.dir, 'railgate.yaml'), yaml(join(f.dir, 'no-such-bundle')));
    try {
      const s = await serve({ config: join(f.dir, 'railgate.yaml') });
      expect(s.out()).toContain('no revision active yet');
      expect((await fetch(`${s.proxy.url}/readyz`)).status).toBe(503);
      const r = await fetch(`${s.proxy.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(r.status).toBe(503);
      expect(await s.stop()).toBe(0);
    } finally {
      f.cleanup();
    }
  });

  it('every configuration error is printed with its place, exit 2', async () => {
    const f = fixture({ 'railgate.yaml': 'bundle:\n  source: x\n  sauce: y\nconnections:\n  - name: a\n    protocol: openai\n    upstream: 42\n    policy: p\n' });
    try {
      const r = await cli(['serve', '--config', join(f.dir, 'railgate.yaml')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/railgate\.yaml:3:3: .*bundle\.sauce/);
      expect(r.stderr).toMatch(/railgate\.yaml:7:\d+: .*connections\[0\]\.upstream/);
    } finally {
      f.cleanup();
    }
  });

  it('without a configuration file and without --quickstart it refuses with a hint', async () => {
    const f = fixture({});
    try {
      await expect(runServe({ out: () => undefined, err: () => undefined, errIsTTY: false, env: {}, readStdin: () => Promise.resolve('') }, { quickstart: false }, { until: Promise.resolve(), cwd: f.dir })).rejects.toThrow(
        /no configuration: railgate\.yaml is not in/,
      );
      const r = await cli(['serve', '--quickstart', '--config', 'x.yaml']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--quickstart runs its own configuration');
    } finally {
      f.cleanup();
    }
  });

  it('an address in use → exit 2 naming it', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const f = fixture({ 'policies/test.gate': TEST_POLICY });
    writeFileSync(join(f.dir, 'railgate.yaml'), yaml(join(f.dir, 'policies')));
    try {
      const r = await cli(['serve', '--config', join(f.dir, 'railgate.yaml'), '--listen', `127.0.0.1:${port}`], { UPSTREAM_KEY });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the address is already in use`);
    } finally {
      f.cleanup();
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});

describe('railgate serve as a process', () => {
  it('SIGTERM stops it with exit 0', async () => {
    const r = spawnRailgate(['serve', '--quickstart', '--listen', '127.0.0.1:0', '--log-level', 'warn']);
    try {
      const out = await r.ready('Ctrl+C stops the proxy');
      const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      r.child.kill('SIGTERM');
      expect(await r.exited).toBe(0);
      expect(r.out()).toContain('stopped');
    } finally {
      r.kill();
    }
  }, 60_000);
});
