import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BundleClient, maxArchiveBytes, type BundleClientOptions, type BundleEvent, type PollOutcome } from '../../src/bundle/client.js';
import { resolveLimits } from '../../src/bundle/archive.js';
import { generateKeys } from '../../src/bundle/keygen.js';
import { ARCHIVE_FILE, SIDECAR_FILE } from '../../src/bundle/persist.js';
import type { VerifyOptions } from '../../src/bundle/signing.js';
import { BundleFactory, handmade, tamper, type SigningKey } from './support/bundles.js';
import { BundleServer } from './support/server.js';

// The bundle client against a real HTTP server on 127.0.0.1 serving real bundles,
// built and signed by buildBundle with keys from generateKeys. Polls are driven by
// poll() (or start() without the timer) and the jitter's randomness is injected, so
// no test waits for a polling delay; the only real waits are the small download
// timeouts of the timeout cases.

const factory = new BundleFactory();
let signing: SigningKey;
let verification: VerifyOptions;
let otherSigning: SigningKey;
let rev1: { bytes: Uint8Array; files: import('../../src/bundle/types.js').BundleFile[] };
let rev2: { bytes: Uint8Array; files: import('../../src/bundle/types.js').BundleFile[] };
let server: BundleServer;
const clients: BundleClient[] = [];

beforeAll(async () => {
  const k = await generateKeys('ES256');
  signing = { key: k.privateKey, alg: 'ES256' };
  verification = { key: k.publicKey!, alg: 'ES256' };
  otherSigning = { key: (await generateKeys('ES256')).privateKey, alg: 'ES256' };
  rev1 = await factory.build(1, signing);
  rev2 = await factory.build(2, signing);
});

afterAll(() => factory.cleanup());

let current: BundleServer | undefined;
async function freshServer(): Promise<BundleServer> {
  current = await BundleServer.start();
  return current;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
  await current?.close();
  current = undefined;
});

/** A client on the test server whose jitter is `r` and whose events are collected. */
function client(opts: Partial<BundleClientOptions> & { r?: number } = {}): { c: BundleClient; events: BundleEvent[] } {
  const events: BundleEvent[] = [];
  const { r, ...rest } = opts;
  const c = new BundleClient({
    source: rest.source ?? server.at(),
    verification,
    polling: { minDelayMs: 1000, maxDelayMs: 2000, backoffBaseMs: 100, backoffMaxMs: 1000, timeoutMs: 5000 },
    random: () => r ?? 0.5,
    onEvent: (e) => events.push(e),
    ...rest,
  });
  clients.push(c);
  return { c, events };
}

const allow = (c: BundleClient, x: number): unknown => c.active?.evaluate(['app', 'allow'], { x });
const types = (events: BundleEvent[]): string[] => events.map((e) => e.type);

function expectError(o: PollOutcome, code: string, message?: RegExp): void {
  expect(o.status).toBe('error');
  if (o.status !== 'error') return;
  expect(o.error.code).toBe(code);
  if (message) expect(o.error.message).toMatch(message);
}

describe('BundleClient over HTTP', () => {
  it('activates the first revision, then picks up a new one', async () => {
    server = await freshServer();
    server.serve(rev1.bytes, '"e1"');
    const { c, events } = client();
    expect(c.active).toBeUndefined();
    expect(await c.poll()).toEqual({ status: 'activated', revision: 'r1', delayMs: 1500 });
    expect(allow(c, 1)).toBe(true);
    expect(c.active?.bundle.signer?.alg).toBe('ES256');

    server.serve(rev2.bytes, '"e2"');
    expect(await c.poll()).toMatchObject({ status: 'activated', revision: 'r2' });
    expect(allow(c, 1)).toBe(false);
    expect(allow(c, 2)).toBe(true);
    expect(events.filter((e) => e.type === 'activated')).toMatchObject([
      { revision: 'r1', source: 'download' },
      { revision: 'r2', source: 'download' },
    ]);
    const s = c.status();
    expect(s).toMatchObject({ source: server.at(), source_kind: 'http', active_revision: 'r2', etag: '"e2"', consecutive_failures: 0 });
    expect(s.active_signer).toEqual({ key_id: 'default', alg: 'ES256' });
    for (const k of ['last_request', 'last_successful_request', 'last_successful_download', 'last_successful_activation'] as const) {
      expect(new Date(s[k]!).toISOString()).toBe(s[k]);
    }
    expect(s.last_error).toBeUndefined();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('sends If-None-Match with the active ETag; a 304 changes nothing', async () => {
    server = await freshServer();
    server.serve(rev1.bytes, '"e1"');
    const { c, events } = client();
    await c.poll();
    const active = c.active;
    expect(await c.poll()).toEqual({ status: 'not_modified', revision: 'r1', delayMs: 1500 });
    expect(await c.poll()).toMatchObject({ status: 'not_modified' });
    expect(server.requests.map((r) => r.headers['if-none-match'])).toEqual([undefined, '"e1"', '"e1"']);
    expect(c.active).toBe(active);
    expect(types(events)).toEqual(['activated', 'not_modified', 'not_modified']);
    expect(events[1]).toMatchObject({ reason: 'etag', revision: 'r1' });
    expect(c.status().last_successful_activation).toBe(active!.activatedAt.toISOString());
  });

  it('the same archive under a new ETag (or none) is not activated again', async () => {
    server = await freshServer();
    server.serve(rev1.bytes);
    const { c, events } = client();
    await c.poll();
    const active = c.active;
    server.serve(rev1.bytes, '"other"');
    expect(await c.poll()).toMatchObject({ status: 'not_modified', revision: 'r1' });
    expect(c.active).toBe(active);
    expect(events.at(-1)).toMatchObject({ type: 'not_modified', reason: 'same_bytes' });
    expect(c.status().etag).toBe('"other"');
  });

  it('an evaluation in flight keeps the revision it started with across a swap', async () => {
    server = await freshServer();
    server.serve(rev1.bytes, '"e1"');
    const { c } = client();
    await c.poll();
    const inFlight = c.active!;
    server.serve(rev2.bytes, '"e2"');
    await c.poll();
    expect(c.active).not.toBe(inFlight);
    expect(inFlight.revision).toBe('r1');
    expect(inFlight.evaluate(['app', 'allow'], { x: 1 })).toBe(true);
    expect(c.active!.evaluate(['app', 'allow'], { x: 1 })).toBe(false);
    expect(Object.isFrozen(inFlight)).toBe(true);
  });

  it('server errors back off exponentially, count failures, keep the active bundle, and reset after a success', async () => {
    server = await freshServer();
    server.serve(rev1.bytes, '"e1"');
    const { c, events } = client({ r: 0.999999 });
    await c.poll();
    server.fail(500, 'the disk is on fire');
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const o = await c.poll();
      expectError(o, 'bundle_download_error', /HTTP 500: the disk is on fire/);
      if (o.status === 'error') delays.push(o.delayMs);
    }
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(c.status()).toMatchObject({
      active_revision: 'r1',
      consecutive_failures: 6,
      last_error: { code: 'bundle_download_error', stage: 'download' },
    });
    expect(allow(c, 1)).toBe(true);
    expect(events.filter((e) => e.type === 'error')).toHaveLength(6);

    server.serve(rev2.bytes, '"e2"');
    const ok = await c.poll();
    expect(ok).toMatchObject({ status: 'activated', revision: 'r2' });
    expect(ok.status !== 'stopped' && ok.delayMs).toBeGreaterThanOrEqual(1000);
    expect(c.status().consecutive_failures).toBe(0);
    // the last error stays visible, older than the activation
    expect(c.status().last_error!.at <= c.status().last_successful_activation!).toBe(true);
  });

  it('a server that never answers times out (small timeout), counts as a failure and backs off', async () => {
    server = await freshServer();
    server.hang();
    const { c } = client({ r: 0.999999, polling: { timeoutMs: 200, backoffBaseMs: 100, backoffMaxMs: 1000 } });
    const first = await c.poll();
    expectError(first, 'bundle_download_error', /timed out: no response within 200 ms/);
    const second = await c.poll();
    expectError(second, 'bundle_download_error', /timed out/);
    expect(first.status === 'error' && second.status === 'error' && second.delayMs > first.delayMs).toBe(true);
    expect(c.status()).toMatchObject({ consecutive_failures: 2 });
    expect(c.active).toBeUndefined();
  });

  it('a body that stops arriving times out, saying so', async () => {
    server = await freshServer();
    server.handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '100000' });
      res.write(Buffer.alloc(10));
    };
    const { c } = client({ polling: { timeoutMs: 200 } });
    expectError(await c.poll(), 'bundle_download_error', /timed out: the response body did not arrive in full within 200 ms/);
  });

  it('a connection refused is a download error naming the cause', async () => {
    server = await freshServer();
    const url = server.at();
    await server.close();
    current = undefined;
    const { c } = client({ source: url });
    expectError(await c.poll(), 'bundle_download_error', /connection failed \(ECONNREFUSED\)/);
  });

  it('a bundle changed after signing is rejected while the previous revision keeps serving; it is retried, not hidden by its ETag', async () => {
    server = await freshServer();
    server.serve(rev1.bytes, '"e1"');
    const { c } = client();
    await c.poll();
    server.serve(await tamper(rev2.files), '"bad"');
    const o = await c.poll();
    expectError(o, 'bundle_signature_error');
    if (o.status === 'error') expect(`${o.error.message} ${o.error.file ?? ''}`).toContain('app.gate');
    expect(c.active?.revision).toBe('r1');
    expect(allow(c, 1)).toBe(true);
    expect(allow(c, 7)).toBe(false);
    expect(c.status()).toMatchObject({ etag: '"e1"', consecutive_failures: 1, last_error: { code: 'bundle_signature_error', stage: 'read' } });
    // the next poll asks with the good ETag, so the bad bundle is downloaded and checked again
    expectError(await c.poll(), 'bundle_signature_error');
    expect(server.requests.at(-1)!.headers['if-none-match']).toBe('"e1"');
  });

  it('a bundle signed with another key, or not signed, is rejected', async () => {
    server = await freshServer();
    server.serve(rev1.bytes, '"e1"');
    const { c } = client();
    await c.poll();
    server.serve((await factory.build(3, otherSigning)).bytes, '"e3"');
    expectError(await c.poll(), 'bundle_signature_error');
    server.serve((await factory.build(4)).bytes, '"e4"');
    expectError(await c.poll(), 'bundle_unsigned');
    expect(c.active?.revision).toBe('r1');
    expect(allow(c, 1)).toBe(true);
  });

  it('a bundle that does not compile is rejected with bundle_policy_error; the previous one keeps serving', async () => {
    server = await freshServer();
    server.serve(rev1.bytes, '"e1"');
    const { c } = client({ verification: undefined });
    await c.poll();
    server.serve(await handmade({ '.manifest': '{"revision": "broken"}', 'app.gate': 'package app\n\nallow := undefined_thing\n' }), '"b"');
    const o = await c.poll();
    expectError(o, 'bundle_policy_error', /broken/);
    expect(c.status().last_error?.stage).toBe('activate');
    expect(c.active?.revision).toBe('r1');
  });

  it('a download larger than the size cap is aborted, not read to the end', async () => {
    server = await freshServer();
    server.endless();
    const limits = { maxTotalBytes: 4096, maxEntries: 4 };
    const cap = maxArchiveBytes(resolveLimits(limits));
    const { c } = client({ limits });
    expectError(await c.poll(), 'bundle_too_large', new RegExp(`larger than the limit of ${cap} bytes; aborted`));
    // the server stopped streaming because the client went away, long before its own limit
    await expect.poll(() => server.clientAborted, { timeout: 5000 }).toBe(true);
    expect(server.streamed).toBeLessThan(256 * 1024 * 1024);

    // a declared Content-Length past the cap is refused before reading
    server.serve(new Uint8Array(cap + 1), '"big"');
    expectError(await c.poll(), 'bundle_too_large', /not read/);
  });

  it('follows a redirect on the same origin with the configured headers; drops them on another origin', async () => {
    server = await freshServer();
    const other = await BundleServer.start();
    try {
      other.serve(rev1.bytes, '"e1"');
      server.handler = (req, res) => {
        if (req.url === '/old') res.writeHead(301, { location: '/bundle.tar.gz' }).end();
        else res.writeHead(302, { location: other.at() }).end();
      };
      const { c } = client({ source: server.at('/old'), headers: { Authorization: 'Bearer s3cr3t' } });
      expect(await c.poll()).toMatchObject({ status: 'activated', revision: 'r1' });
      expect(server.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
        ['/old', 'Bearer s3cr3t'],
        ['/bundle.tar.gz', 'Bearer s3cr3t'],
      ]);
      expect(other.requests.map((r) => r.headers.authorization)).toEqual([undefined]);
    } finally {
      await other.close();
    }
  });

  it('refuses a redirect loop after a bounded number of hops', async () => {
    server = await freshServer();
    server.redirect('/bundle.tar.gz');
    const { c } = client();
    expectError(await c.poll(), 'bundle_download_error', /more than 5 redirects/);
    expect(server.requests).toHaveLength(6);
  });

  it('keeps credentials out of status, events and messages', async () => {
    server = await freshServer();
    server.fail(403, 'denied');
    const url = server.at().replace('http://', 'http://user:passw0rd@') + '?X-Amz-Signature=sig123';
    const { c, events } = client({ source: url, headers: { authorization: 'Bearer s3cr3t' } });
    expectError(await c.poll(), 'bundle_download_error', /HTTP 403/);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer s3cr3t');
    const shown = JSON.stringify([c.status(), events.map((e) => (e.type === 'error' ? [e.error.message, e.error.hint] : e))]);
    for (const secret of ['s3cr3t', 'passw0rd', 'sig123']) expect(shown).not.toContain(secret);
    expect(c.status().source).toBe(`${server.at()}?…`);
  });
});

describe('BundleClient persistence', () => {
  it('persists the last good bundle and a restart with the server down starts from it', async () => {
    server = await freshServer();
    server.serve(rev1.bytes, '"e1"');
    const persistDir = join(factory.dir(), 'state');
    const first = client({ persistDir });
    expect(await first.c.poll()).toMatchObject({ status: 'activated', revision: 'r1' });
    expect(types(first.events)).toEqual(['activated', 'persisted']);
    expect(readFileSync(join(persistDir, ARCHIVE_FILE))).toEqual(Buffer.from(rev1.bytes));
    expect(JSON.parse(readFileSync(join(persistDir, SIDECAR_FILE), 'utf8'))).toMatchObject({ revision: 'r1', etag: '"e1"', source: server.at() });
    await first.c.stop();
    const url = server.at();
    await server.close();
    current = undefined;

    const second = client({ persistDir, source: url });
    await second.c.start();
    expect(second.c.active?.revision).toBe('r1');
    expect(allow(second.c, 1)).toBe(true);
    expect(types(second.events)).toEqual(['activated', 'error', 'backoff']);
    expect(second.events[0]).toMatchObject({ source: 'persisted', revision: 'r1' });
    expect(second.events[1]).toMatchObject({ stage: 'download' });
    const s = second.c.status();
    expect(s).toMatchObject({ active_revision: 'r1', consecutive_failures: 1, etag: '"e1"' });
    expect(s.next_poll_at).toBeDefined();
    expect(s.last_successful_download).toBeUndefined();
  });

  it('after a restart, the persisted ETag makes the first poll a 304', async () => {
    server = await freshServer();
    server.serve(rev1.bytes, '"e1"');
    const persistDir = join(factory.dir(), 'state');
    await client({ persistDir }).c.poll();
    const second = client({ persistDir });
    expect(await second.c.start({ keepPolling: false })).toMatchObject({ status: 'not_modified', revision: 'r1' });
    expect(server.requests.at(-1)!.headers['if-none-match']).toBe('"e1"');
    expect(types(second.events)).toEqual(['activated', 'not_modified']);
  });

  it('a tampered persisted bundle is rejected at start-up, reported, and not fatal', async () => {
    server = await freshServer();
    server.serve(rev1.bytes, '"e1"');
    const persistDir = join(factory.dir(), 'state');
    await client({ persistDir }).c.poll();
    writeFileSync(join(persistDir, ARCHIVE_FILE), await tamper(rev1.files));
    server.fail(503);

    const { c, events } = client({ persistDir });
    await c.start({ keepPolling: false });
    expect(c.active).toBeUndefined();
    expect(events[0]).toMatchObject({ type: 'error', stage: 'startup', error: { code: 'bundle_signature_error' } });
    expect((events[0] as { error: Error }).error.message).toContain(join(persistDir, ARCHIVE_FILE));
    expect(events[1]).toMatchObject({ type: 'error', stage: 'download' });
    // the tampered copy's ETag is not trusted either: the poll asks for everything
    expect(server.requests.at(-1)!.headers['if-none-match']).toBeUndefined();

    // once the server is back, the good bundle replaces the bad copy on disk
    server.serve(rev1.bytes, '"e1"');
    expect(await c.poll()).toMatchObject({ status: 'activated', revision: 'r1' });
    expect(readFileSync(join(persistDir, ARCHIVE_FILE))).toEqual(Buffer.from(rev1.bytes));
  });

  it('a corrupt persisted file (not gzip) is an archive error at start-up, not fatal', async () => {
    server = await freshServer();
    server.serve(rev2.bytes, '"e2"');
    const persistDir = factory.dir();
    writeFileSync(join(persistDir, ARCHIVE_FILE), 'garbage');
    const { c, events } = client({ persistDir });
    await c.start({ keepPolling: false });
    expect(events[0]).toMatchObject({ type: 'error', stage: 'startup', error: { code: 'bundle_archive_error' } });
    expect(c.active?.revision).toBe('r2');
  });

  it('ignores a persisted bundle that came from another source', async () => {
    server = await freshServer();
    server.serve(rev1.bytes, '"e1"');
    const persistDir = factory.dir();
    await client({ persistDir, source: server.at('/a.tar.gz') }).c.poll();
    server.fail(500);
    const { c, events } = client({ persistDir, source: server.at('/b.tar.gz') });
    await c.start({ keepPolling: false });
    expect(c.active).toBeUndefined();
    expect(events[0]).toMatchObject({ type: 'error', stage: 'startup', error: { code: 'bundle_io_error' } });
    expect((events[0] as { error: Error }).error.message).toMatch(/came from .*\/a\.tar\.gz/);
  });

  it('a persist directory that cannot be written is reported; the new revision is active anyway', async () => {
    server = await freshServer();
    server.serve(rev1.bytes, '"e1"');
    const blocker = join(factory.dir(), 'file');
    writeFileSync(blocker, 'not a directory');
    const { c } = client({ persistDir: join(blocker, 'state') });
    const o = await c.poll();
    expect(o).toMatchObject({ status: 'activated', revision: 'r1', warning: { code: 'bundle_io_error' } });
    expect(c.status()).toMatchObject({ consecutive_failures: 0, last_error: { stage: 'persist' } });
  });
});

describe('BundleClient lifecycle', () => {
  it('start() polls once, schedules the next poll, and stop() leaves no timer or socket behind', async () => {
    server = await freshServer();
    server.serve(rev1.bytes, '"e1"');
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const { c, events } = client({ polling: { minDelayMs: 60_000, maxDelayMs: 60_000 } });
    await c.start();
    expect(types(events)).toEqual(['activated', 'scheduled']);
    expect(events[1]).toMatchObject({ delayMs: 60_000 });
    expect(c.status().next_poll_at).toBeDefined();
    expect(timers()).toBeGreaterThan(before);
    await c.stop();
    expect(timers()).toBe(before);
    expect(c.status().next_poll_at).toBeUndefined();
    expect(await c.poll()).toEqual({ status: 'stopped' });
    await expect(c.start()).rejects.toThrow(/once/);
    // what was active stays usable for requests still in flight
    expect(allow(c, 1)).toBe(true);
  });

  it('the timer keeps polling on its own', async () => {
    server = await freshServer();
    server.serve(rev1.bytes, '"e1"');
    const { c, events } = client({ polling: { minDelayMs: 1, maxDelayMs: 1 } });
    await c.start();
    await expect.poll(() => events.filter((e) => e.type === 'not_modified').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await c.stop();
  });

  it('stop() aborts a download in flight', async () => {
    server = await freshServer();
    server.hang();
    const { c, events } = client({ polling: { timeoutMs: 60_000 } });
    const started = c.start();
    await expect.poll(() => server.requests.length, { timeout: 5000 }).toBe(1);
    await c.stop();
    await started;
    expect(events).toEqual([]);
    expect(c.status().consecutive_failures).toBe(0);
  });

  it('concurrent polls share one request', async () => {
    server = await freshServer();
    server.serve(rev1.bytes, '"e1"');
    const { c } = client();
    const [a, b] = await Promise.all([c.poll(), c.poll()]);
    expect(a).toBe(b);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects sources it cannot use and contradictory settings up front', () => {
    expect(() => new BundleClient({ source: 'ftp://example.com/b.tar.gz' })).toThrow(/scheme "ftp:" is not supported/);
    expect(() => new BundleClient({ source: '' })).toThrow(/no bundle source/);
    expect(() => new BundleClient({ source: 'http://x', polling: { minDelayMs: 10, maxDelayMs: 1 } })).toThrow(RangeError);
  });
});

describe('BundleClient on local sources', () => {
  it('a .tar.gz file: activated, then re-read only when it changes', async () => {
    const file = join(factory.dir(), 'bundle.tar.gz');
    writeFileSync(file, rev1.bytes);
    const { c, events } = client({ source: file });
    expect(await c.poll()).toMatchObject({ status: 'activated', revision: 'r1' });
    expect(events[0]).toMatchObject({ type: 'activated', source: 'file' });
    expect(await c.poll()).toMatchObject({ status: 'not_modified' });
    writeFileSync(file, rev2.bytes);
    expect(await c.poll()).toMatchObject({ status: 'activated', revision: 'r2' });
    expect(allow(c, 2)).toBe(true);
    expect(c.status()).toMatchObject({ source: file, source_kind: 'local' });
    expect(c.status().etag).toBeUndefined();
  });

  it('a bad file keeps the previous revision; a missing one is an io error', async () => {
    const file = join(factory.dir(), 'bundle.tar.gz');
    writeFileSync(file, rev1.bytes);
    const { c } = client({ source: file });
    await c.poll();
    writeFileSync(file, await tamper(rev2.files));
    expectError(await c.poll(), 'bundle_signature_error');
    expect(c.active?.revision).toBe('r1');
    const missing = client({ source: join(factory.dir(), 'nope.tar.gz') });
    expectError(await missing.c.poll(), 'bundle_io_error', /no such file or directory/);
  });

  it('a bundle directory (unsigned, no verification): edits inside it are picked up', async () => {
    const dir = factory.policyDir(1);
    writeFileSync(join(dir, '.manifest'), '{"revision": "dev-1"}');
    const { c } = client({ source: dir, verification: undefined });
    expect(await c.poll()).toMatchObject({ status: 'activated', revision: 'dev-1' });
    expect(await c.poll()).toMatchObject({ status: 'not_modified' });
    writeFileSync(join(dir, 'app.gate'), 'package app\n\nallow := input.x == 5\n');
    writeFileSync(join(dir, '.manifest'), '{"revision": "dev-2"}');
    expect(await c.poll()).toMatchObject({ status: 'activated', revision: 'dev-2' });
    expect(allow(c, 5)).toBe(true);
  });

  it('file: URLs are local sources', async () => {
    const file = join(factory.dir(), 'b.tar.gz');
    writeFileSync(file, rev1.bytes);
    const { c } = client({ source: `file://${file}` });
    expect(await c.poll()).toMatchObject({ status: 'activated', revision: 'r1' });
  });
});
