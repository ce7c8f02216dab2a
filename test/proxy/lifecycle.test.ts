import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../../src/mock-upstream/index.js';
import { startProxy } from '../../src/proxy/index.js';
import { auth, logSink, tempDir, testConfig, TEST_POLICY, UPSTREAM_KEY, waitFor } from './support.js';

// The proxy as a running server: shutting down without dropping requests in
// flight, cutting them after the grace period, and new bundle revisions taking
// over between requests.

let mock: MockUpstream;

beforeAll(async () => {
  mock = await startMockUpstream({ requireAuth: UPSTREAM_KEY });
});

afterAll(async () => {
  await mock?.close();
});

const body = JSON.stringify({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }] });

function send(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/openai/v1/chat/completions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', ...headers }, body });
}

describe('shutdown', () => {
  it('close() lets a request in flight finish, then refuses connections', async () => {
    const policies = tempDir({ 'test.gate': TEST_POLICY });
    const proxy = await startProxy(testConfig({ bundle: policies.dir, mockUrl: mock.url }), { logStream: logSink().stream });
    mock.reset();
    try {
      const inFlight = send(proxy.url, { 'x-mock-delay-ms': '300' });
      await waitFor(() => mock.requests.length === 1);
      const closed = proxy.close();
      const r = await inFlight;
      expect(r.status).toBe(200);
      expect(((await r.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe('You said: hi');
      await closed;
      await expect(send(proxy.url)).rejects.toThrow();
    } finally {
      await proxy.close();
      policies.cleanup();
    }
  });

  it('past the grace period a stalled request is cut and its upstream request aborted', async () => {
    const policies = tempDir({ 'test.gate': TEST_POLICY });
    const proxy = await startProxy(testConfig({ bundle: policies.dir, mockUrl: mock.url }), { logStream: logSink().stream });
    mock.reset();
    try {
      const stalled = send(proxy.url, { 'x-mock-hang': 'headers' }).then(
        (r) => r.status,
        () => 'cut',
      );
      await waitFor(() => mock.requests.length === 1);
      await proxy.close({ graceMs: 100 });
      expect(await stalled).toBe('cut');
      await waitFor(() => mock.requests[0]!.aborted);
    } finally {
      policies.cleanup();
    }
  });
});

describe('bundle revisions', () => {
  it('a new revision takes over for the next request; /readyz names it', async () => {
    const manifest = (rev: string): string => JSON.stringify({ revision: rev, roots: ['railgate'] });
    const policies = tempDir({ 'test.gate': TEST_POLICY, '.manifest': manifest('r1') });
    const proxy = await startProxy(testConfig({ bundle: policies.dir, mockUrl: mock.url }), { logStream: logSink().stream });
    try {
      expect(await (await fetch(`${proxy.url}/readyz`)).json()).toEqual({ status: 'ready', revision: 'r1' });
      expect((await send(proxy.url)).status).toBe(200);

      writeFileSync(join(policies.dir, 'test.gate'), `${TEST_POLICY}\ndeny contains "revision two refuses everything"\n`);
      writeFileSync(join(policies.dir, '.manifest'), manifest('r2'));
      await proxy.bundles.poll();
      expect(proxy.bundles.active?.revision).toBe('r2');

      const r = await send(proxy.url);
      expect(r.status).toBe(403);
      expect(await r.json()).toMatchObject({ error: { revision: 'r2', reasons: ['revision two refuses everything'] } });
    } finally {
      await proxy.close();
      policies.cleanup();
    }
  });
});
