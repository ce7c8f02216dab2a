import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { runMockUpstream, type MockUpstreamCliOptions } from '../../src/cli/commands/mock-upstream.js';
import type { CliIO } from '../../src/cli/io.js';
import { startMockUpstream } from '../../src/mock-upstream/index.js';
import { cli, spawnRailgate } from './run.js';

// `railgate mock-upstream`: help, flags, the listening line, one line per request,
// a clean stop on SIGTERM.

function captured(): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { out: (t) => void (out += t), err: (t) => void (err += t), errIsTTY: false, env: {}, readStdin: () => Promise.resolve('') },
    out: () => out,
    err: () => err,
  };
}

const base: MockUpstreamCliOptions = { host: '127.0.0.1', port: 0, quiet: false };
const listening = /^mock upstream listening on (http:\/\/127\.0\.0\.1:\d+)\n/;

describe('railgate mock-upstream --help', () => {
  it('describes the command, its flags and examples', async () => {
    const r = await cli(['mock-upstream', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: railgate mock-upstream /);
    for (const flag of ['--host', '--port', '--latency', '--chunk-delay', '--chunk-chars', '--require-auth', '--quiet']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toContain('x-mock-status');
    expect(r.stdout).toMatch(/\nExamples:\n {2}railgate mock-upstream\b/);
  });

  it('is listed in the top-level help', async () => {
    expect((await cli(['--help'])).stdout).toMatch(/\n {2}mock-upstream /);
  });
});

describe('railgate mock-upstream (in process)', () => {
  it('prints where it listens and a line per request (never the prompt), then stops with exit 0', async () => {
    const c = captured();
    let stop!: () => void;
    const until = new Promise<void>((resolve) => (stop = resolve));
    const running = runMockUpstream(c.io, { ...base, chunkChars: 2 }, until);
    await expect.poll(() => c.out()).toMatch(listening);
    const url = listening.exec(c.out())![1]!;
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'say: secret 4111 1111 1111 1111' }] });
    const deltas: string[] = [];
    for await (const chunk of stream) deltas.push(chunk.choices[0]?.delta.content ?? '');
    expect(deltas.join('')).toBe('secret 4111 1111 1111 1111');
    expect(deltas.filter((d) => d).every((d) => d.length <= 2)).toBe(true);
    await expect.poll(() => c.out()).toMatch(/\nPOST \/v1\/chat\/completions 200 stream \d+ ms\n$/);
    expect(c.out()).not.toContain('4111');
    stop();
    expect(await running).toBe(0);
    expect(c.err()).toBe('');
    await expect(fetch(`${url}/v1/models`)).rejects.toThrow();
  });

  it('--quiet prints only the listening line; --require-auth refuses other keys', async () => {
    const c = captured();
    let stop!: () => void;
    const until = new Promise<void>((resolve) => (stop = resolve));
    const running = runMockUpstream(c.io, { ...base, quiet: true, requireAuth: 'sk-upstream' }, until);
    await expect.poll(() => c.out()).toMatch(listening);
    const url = listening.exec(c.out())![1]!;
    expect((await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer sk-other' } })).status).toBe(401);
    expect((await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer sk-upstream' } })).status).toBe(200);
    stop();
    expect(await running).toBe(0);
    expect(c.out()).toMatch(/^mock upstream listening on http:\/\/127\.0\.0\.1:\d+\n$/);
  });
});

describe('railgate mock-upstream usage errors', () => {
  it.each([
    [['--port', '70000'], '--port must be a whole number from 0 to 65535, got "70000"'],
    [['--port', 'http'], '--port must be a whole number from 0 to 65535'],
    [['--chunk-chars', '0'], '--chunk-chars must be a positive whole number, got "0"'],
    [['--latency', '-5'], '--latency must be a whole number from 0 to 600000'],
  ])('%j exits 2 naming the flag', async (args, message) => {
    const r = await cli(['mock-upstream', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('a port in use exits 2 with a hint', async () => {
    const busy = await startMockUpstream();
    try {
      const port = new URL(busy.url).port;
      const r = await cli(['mock-upstream', '--port', port]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`railgate: cannot listen on 127.0.0.1:${port}: the address is already in use\n  hint: pick another port with --port, or --port 0 for a free one\n`);
    } finally {
      await busy.close();
    }
  });
});

describe('railgate mock-upstream (process)', () => {
  it('serves until SIGTERM, then exits 0', { timeout: 60_000 }, async () => {
    const r = spawnRailgate(['mock-upstream', '--port', '0', '--chunk-delay', '1']);
    try {
      await expect.poll(() => r.out(), { timeout: 50_000 }).toMatch(listening);
      const url = listening.exec(r.out())![1]!;
      const res = await fetch(`${url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'e', input: 'x' }) });
      expect(res.status).toBe(200);
      await expect.poll(() => r.out()).toMatch(/POST \/v1\/embeddings 200 \d+ ms\n/);
      r.child.kill('SIGTERM');
      expect(await r.exited).toBe(0);
      expect(r.err()).toBe('');
    } finally {
      r.kill();
    }
  });
});
