import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/mock-upstream/sse.js';
import { writeFrames } from '../../src/mock-upstream/writer.js';

// The frame writer over a real socket. Frames come from a generator that counts how
// many were pulled: a writer that respects backpressure stops pulling while the
// client is not reading, one that ignores it pulls them all in one go.

const TOTAL = 20_000;
const PAYLOAD = 'x'.repeat(1000);

function* counted(counter: { pulled: number }): Generator<Frame> {
  for (let i = 0; i < TOTAL; i++) {
    counter.pulled++;
    yield { data: `${i} ${PAYLOAD}`, text: true };
  }
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: (res: ServerResponse) => void): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    handler(res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function get(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => request(url, resolve).on('error', reject).end());
}

describe('writeFrames', () => {
  it('stops pulling frames while the client does not read, and resumes when it does', async () => {
    const counter = { pulled: 0 };
    let res!: ServerResponse;
    let result: Promise<string> | undefined;
    const url = await serve((r) => {
      res = r;
      result = writeFrames(r, counted(counter), { chunkDelayMs: 0, hang: false }, new AbortController().signal);
    });
    const incoming = await get(url);
    incoming.pause();
    await expect.poll(() => res?.writableNeedDrain).toBe(true);
    // ~20 MB of frames; the socket and stream buffers hold a small part of it
    expect(counter.pulled).toBeLessThan(TOTAL / 2);
    let received = 0;
    incoming.on('data', (d: Buffer) => (received += d.length));
    const ended = new Promise((resolve) => incoming.on('end', resolve));
    incoming.resume();
    await ended;
    expect(await result).toBe('ended');
    expect(counter.pulled).toBe(TOTAL);
    expect(received).toBeGreaterThan(TOTAL * PAYLOAD.length);
  });

  it('stops at once when the client goes away', async () => {
    const counter = { pulled: 0 };
    let result: Promise<string> | undefined;
    let res!: ServerResponse;
    const url = await serve((r) => {
      res = r;
      result = writeFrames(r, counted(counter), { chunkDelayMs: 0, hang: false }, new AbortController().signal);
    });
    const incoming = await get(url);
    incoming.pause();
    await expect.poll(() => res?.writableNeedDrain).toBe(true);
    incoming.destroy();
    expect(await result).toBe('closed');
    expect(counter.pulled).toBeLessThan(TOTAL / 2);
  });

  it('hang: stops after the first frame with text and leaves the response open', async () => {
    let result: Promise<string> | undefined;
    let res!: ServerResponse;
    const frames: Frame[] = [{ comment: 'keep-alive' }, { data: 'head' }, { data: 'text', text: true }, { data: 'more', text: true }];
    const url = await serve((r) => {
      res = r;
      result = writeFrames(r, frames, { chunkDelayMs: 0, hang: true }, new AbortController().signal);
    });
    const incoming = await get(url);
    let text = '';
    incoming.on('data', (d: Buffer) => (text += d.toString()));
    expect(await result).toBe('hung');
    await expect.poll(() => text).toBe(': keep-alive\n\ndata: head\n\ndata: text\n\n');
    expect(res.writableEnded).toBe(false);
  });

  it('the signal stops a stream waiting between chunks', async () => {
    const ac = new AbortController();
    let result: Promise<string> | undefined;
    const url = await serve((r) => {
      result = writeFrames(r, [{ data: 'a' }, { data: 'b' }], { chunkDelayMs: 600_000, hang: false }, ac.signal);
    });
    const incoming = await get(url);
    let text = '';
    incoming.on('data', (d: Buffer) => (text += d.toString()));
    await expect.poll(() => text).toBe('data: a\n\n');
    ac.abort();
    expect(await result).toBe('closed');
  });
});
