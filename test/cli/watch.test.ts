import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeys } from '../../src/bundle/keygen.js';
import { runWatch, type WatchOptions } from '../../src/cli/commands/watch.js';
import { BundleFactory, tamper } from '../bundle/support/bundles.js';
import { BundleServer } from '../bundle/support/server.js';
import { cli, spawnRailgate } from './run.js';

// `railgate bundle watch` against a real bundle server: --once in-process for the
// detailed cases, runWatch with a stop promise for the long-running loop, and one
// real process stopped with SIGTERM.

const factory = new BundleFactory();
let pub: string;
let rev1: Awaited<ReturnType<BundleFactory['build']>>;
let server: BundleServer;

beforeAll(async () => {
  const k = await generateKeys('ES256');
  pub = join(factory.dir('keys'), 'public.pem');
  writeFileSync(pub, k.publicKey!);
  rev1 = await factory.build(1, { key: k.privateKey, alg: 'ES256' });
});
afterAll(() => factory.cleanup());

let open: BundleServer | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});
async function start(): Promise<BundleServer> {
  open = await BundleServer.start();
  return open;
}

describe('railgate bundle watch --once', () => {
  it('activates a verified bundle: one line, exit 0', async () => {
    server = await start();
    server.serve(rev1.bytes, '"e1"');
    const r = await cli(['bundle', 'watch', server.at(), '--verification-key', pub, '--once']);
    expect(r).toEqual({ code: 0, stdout: 'activated revision "r1" from download\n', stderr: '' });
  });

  it('a server error: the error line, no bundle active, exit 1', async () => {
    server = await start();
    server.fail(500, 'down for maintenance');
    const r = await cli(['bundle', 'watch', server.at(), '--once']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`error: bundle_download_error: cannot download ${server.at()}: HTTP 500: down for maintenance (the bundle server failed; the client retries with backoff)\n`);
    expect(r.stderr).toBe('railgate: no bundle is active\n');
  });

  it('a tampered bundle is rejected: exit 1', async () => {
    server = await start();
    server.serve(await tamper(rev1.files), '"bad"');
    const r = await cli(['bundle', 'watch', server.at(), '--verification-key', pub, '--signing-alg', 'ES256', '--once']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^error: bundle_signature_error: .*app\.gate/);
  });

  it('--format json: one JSON object per event', async () => {
    server = await start();
    server.serve(rev1.bytes, '"e1"');
    const dir = join(factory.dir(), 'state');
    const r = await cli(['bundle', 'watch', server.at(), '--verification-key', pub, '--persist-dir', dir, '--once', '--format', 'json']);
    expect(r.code).toBe(0);
    const events = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events).toMatchObject([
      { event: 'activated', revision: 'r1', source: 'download' },
      { event: 'persisted', revision: 'r1', path: dir },
    ]);
    expect(new Date(events[0]!['at'] as string).toISOString()).toBe(events[0]!['at']);
  });

  it('--persist-dir: a restart with the server down starts from the persisted bundle', async () => {
    server = await start();
    server.serve(rev1.bytes, '"e1"');
    const dir = join(factory.dir(), 'state');
    const url = server.at();
    expect((await cli(['bundle', 'watch', url, '--verification-key', pub, '--persist-dir', dir, '--once'])).stdout).toBe(
      `activated revision "r1" from download\npersisted revision "r1" to ${dir}\n`,
    );
    await server.close();
    open = undefined;
    const r = await cli(['bundle', 'watch', url, '--verification-key', pub, '--persist-dir', dir, '--once']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('activated revision "r1" from the persisted bundle');
    expect(lines[1]).toMatch(/^error: bundle_download_error: .*connection failed \(ECONNREFUSED\)/);
    expect(lines).toHaveLength(2);
  });

  it('a local bundle file', async () => {
    const file = join(factory.dir(), 'b.tar.gz');
    writeFileSync(file, rev1.bytes);
    const r = await cli(['bundle', 'watch', file, '--once']);
    expect(r).toEqual({ code: 0, stdout: 'activated revision "r1" from file\n', stderr: '' });
  });

  it('sends --header values and never prints them', async () => {
    server = await start();
    server.fail(401, 'no');
    const r = await cli(['bundle', 'watch', server.at(), '--header', 'Authorization: Bearer t0ken', '--once']);
    expect(r.code).toBe(1);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer t0ken');
    expect(r.stdout).toMatch(/HTTP 401.*check the credentials/);
    expect(`${r.stdout}${r.stderr}`).not.toContain('t0ken');
  });
});

describe('railgate bundle watch: bad usage (exit 2)', () => {
  it.each([
    [['--key-id', 'k'], /--signing-alg, --key-id and --scope need --verification-key/],
    [['--min-delay', '10', '--max-delay', '5'], /--min-delay \(10\) is greater than --max-delay \(5\)/],
    [['--min-delay', '0'], /--min-delay must be a positive whole number/],
    [['--signing-alg', 'none', '--verification-key', 'x'], /Allowed choices are/],
    [['--header', 'no colon s3cret'], /--header must be "Name: value"/],
    [['--verification-key', '/nonexistent/key.pem'], /bundle_key_error: the --verification-key file "\/nonexistent\/key.pem" does not exist/],
  ])('%j', async (args, message) => {
    const r = await cli(['bundle', 'watch', 'http://127.0.0.1:1/b.tar.gz', ...args, '--once']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('s3cret');
  });

  it('an unsupported scheme', async () => {
    const r = await cli(['bundle', 'watch', 'ftp://example.com/b.tar.gz', '--once']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/scheme "ftp:" is not supported/);
  });

  it('--help shows examples', async () => {
    const r = await cli(['bundle', 'watch', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:\n  railgate bundle watch https://');
    expect(r.stdout).toContain('--persist-dir');
  });
});

describe('railgate bundle watch (running)', () => {
  const base: WatchOptions = { header: [], once: false, format: 'text', minDelay: 1, maxDelay: 1 };

  it('prints each poll until stopped, then exits 0', async () => {
    server = await start();
    server.serve(rev1.bytes, '"e1"');
    let out = '';
    let stop!: () => void;
    const until = new Promise<void>((resolve) => (stop = resolve));
    const io = { out: (t: string) => void (out += t), err: () => undefined, errIsTTY: false, env: {}, readStdin: () => Promise.resolve('') };
    const running = runWatch(io, server.at(), base, until);
    await expect.poll(() => out.split('\n').filter((l) => l.startsWith('not modified')).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    stop();
    expect(await running).toBe(0);
    expect(out.split('\n')[0]).toBe('activated revision "r1" from download');
    expect(out).toContain('not modified (ETag matches, revision "r1")');
  });

  it('prints backing off lines while the server fails', async () => {
    server = await start();
    server.fail(503);
    let out = '';
    let stop!: () => void;
    const until = new Promise<void>((resolve) => (stop = resolve));
    const io = { out: (t: string) => void (out += t), err: () => undefined, errIsTTY: false, env: {}, readStdin: () => Promise.resolve('') };
    // a retry after ~1 s at most (the backoff base), so this sees one backoff line and stops
    const running = runWatch(io, server.at(), base, until);
    await expect.poll(() => out, { timeout: 10_000 }).toMatch(/backing off \d+ ms \(1 failure in a row\)/);
    stop();
    expect(await running).toBe(0);
    expect(out).toMatch(/^error: bundle_download_error: .*HTTP 503/);
  });

  it('a real process stops cleanly on SIGTERM with exit 0', { timeout: 60_000 }, async () => {
    server = await start();
    server.serve(rev1.bytes, '"e1"');
    const r = spawnRailgate(['bundle', 'watch', server.at(), '--verification-key', pub]);
    try {
      await expect.poll(() => r.out(), { timeout: 50_000 }).toContain('activated revision "r1" from download\n');
      r.child.kill('SIGTERM');
      expect(await r.exited).toBe(0);
      expect(r.err()).toBe('');
    } finally {
      r.kill();
    }
  });
});
