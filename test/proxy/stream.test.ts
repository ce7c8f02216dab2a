import { Readable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { compileSources } from '../../src/compiler/sources.js';
import { openaiAdapter } from '../../src/proxy/protocols/index.js';
import { createStreamGuard } from '../../src/proxy/response/stream-guard.js';
import { openStream } from '../../src/proxy/stream.js';

// Streaming a response body to the client: backpressure, failures before and after
// the first byte, blocking, and a client that goes away.

const classifiers = compileSources(new Map([['p.gate', 'package p\n']])).policy!.classifiers;

function chunk(text: string): string {
  return `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;
}

function guard(action: 'mask' | 'block' = 'mask') {
  return createStreamGuard({
    adapter: openaiAdapter,
    operation: 'chat',
    rules: [{ classifier: 'secret.aws_access_key', replacement: '[SECRET]', action }],
    classifiers,
    blockedError: { code: 'response_blocked', message: 'blocked', type: 'policy_violation' },
  });
}

/** An endless upstream that counts the chunks it was asked for. */
function endless(): { source: Readable; produced: () => number } {
  let n = 0;
  const source = new Readable({
    highWaterMark: 1024,
    read() {
      n++;
      this.push(Buffer.from(chunk('x'.repeat(1000))));
    },
  });
  return { source, produced: () => n };
}

async function text(r: Readable): Promise<string> {
  let out = '';
  for await (const c of r) out += Buffer.from(c as Uint8Array).toString();
  return out;
}

describe('openStream', () => {
  it('reads the upstream only as fast as the client takes bytes', async () => {
    const { source, produced } = endless();
    const opened = await openStream(source, guard());
    for (let i = 0; i < 20; i++) await tick();
    const before = produced();
    expect(before).toBeLessThan(100);
    // a slow client reads a little; the upstream is pulled a little further, never to the end
    const it = opened.body[Symbol.asyncIterator]();
    for (let i = 0; i < 10; i++) await it.next();
    for (let i = 0; i < 20; i++) await tick();
    expect(produced()).toBeLessThan(before + 100);
    opened.body.destroy();
    await tick();
    expect(source.destroyed).toBe(true);
  });

  it('masks across chunks and passes the end through', async () => {
    const source = Readable.from([chunk('key AKIAIOSF'), chunk('ODNN7EXAMPLE ok'), 'data: [DONE]\n\n'].map((s) => Buffer.from(s)));
    const opened = await openStream(source, guard());
    const out = await text(opened.body);
    expect(out).not.toContain('AKIA');
    expect(out).toContain('[SECRET]');
    expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('an upstream failure before the first byte rejects (the caller answers with a status)', async () => {
    const source = new Readable({
      read() {
        this.destroy(Object.assign(new Error('timeout'), { code: 'UND_ERR_BODY_TIMEOUT' }));
      },
    });
    await expect(openStream(source, guard())).rejects.toMatchObject({ code: 'UND_ERR_BODY_TIMEOUT' });
  });

  it('an upstream failure after the first byte appends the error event and ends', async () => {
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent++ === 0) this.push(Buffer.from(chunk('hello')));
        else this.destroy(new Error('socket hang up'));
      },
    });
    const failures: unknown[] = [];
    const opened = await openStream(source, guard(), { onFailure: (e) => failures.push(e), onError: () => [Buffer.from('data: {"error":{"code":"upstream_unavailable"}}\n\n')] });
    const out = await text(opened.body);
    expect(out).toContain('hello');
    expect(out.endsWith('data: {"error":{"code":"upstream_unavailable"}}\n\n')).toBe(true);
    expect(failures).toHaveLength(1);
  });

  it('a blocking match ends the stream with the error event and releases the upstream', async () => {
    const { source } = endless();
    const combined = Readable.from(
      (async function* () {
        yield Buffer.from(chunk('hello '));
        yield Buffer.from(chunk('the key AKIAIOSFODNN7EXAMPLE leaks'));
        yield* source;
      })(),
    );
    const opened = await openStream(combined, guard('block'));
    expect(opened.blockedEarly).toBe(false);
    const out = await text(opened.body);
    expect(out).not.toContain('AKIA');
    expect(out).toContain('hello');
    expect(out).toMatch(/data: \{"error":\{.*"code":"response_blocked".*\n\n$/);
    await tick();
    expect(combined.destroyed).toBe(true);
  });

  it('a blocking match in the first chunk is reported before anything is sent', async () => {
    const { source } = endless();
    const combined = Readable.from(
      (async function* () {
        yield Buffer.from(chunk('the key AKIAIOSFODNN7EXAMPLE leaks') + chunk(' more'));
        yield* source;
      })(),
    );
    const opened = await openStream(combined, guard('block'));
    expect(opened.blockedEarly).toBe(true);
    expect(combined.destroyed).toBe(true);
  });
});
