import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readControls, MAX_DELAY_MS, MAX_CHUNK_CHARS, type Controls } from './controls.js';
import { defaultMessage, errorBody, errorHeaders, MockError, type Provider } from './errors.js';
import { MAX_DIMENSIONS } from './embeddings.js';
import { randomHexId, randomId } from './ids.js';
import { matchRoute } from './routes.js';
import type { Frame, Reply } from './sse.js';
import type { MockUpstream, MockUpstreamOptions, RecordedRequest } from './types.js';
import { sleep, writeFrames } from './writer.js';

// The mock's HTTP shell, on node:http alone so it shares nothing with the proxy's
// stack. Per request: read the body (bounded), record it, apply the x-mock-*
// controls, check the credential, answer from the route's handler. Streams are
// written event by event, waiting for 'drain' whenever the socket's buffer is full,
// and stop as soon as the client goes away.

const DEFAULT_MAX_BODY = 16 * 1024 * 1024;
const DEFAULT_MAX_RECORDED = 1000;

interface Settings {
  latencyMs: number;
  chunkDelayMs: number;
  chunkChars: number;
  requireAuth: string | undefined;
  maxBodyBytes: number;
  embeddingDimensions: number;
  maxRecorded: number;
  onResponse: ((r: RecordedRequest) => void) | undefined;
}

function intOption(name: string, v: number | undefined, min: number, max: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`mock upstream: ${name} must be a whole number from ${min} to ${max}, got ${v}`);
  return v;
}

function settings(o: MockUpstreamOptions): Settings {
  if (o.requireAuth !== undefined && o.requireAuth.length === 0) throw new RangeError('mock upstream: requireAuth must not be empty');
  return {
    latencyMs: intOption('latencyMs', o.latencyMs, 0, MAX_DELAY_MS, 0),
    chunkDelayMs: intOption('chunkDelayMs', o.chunkDelayMs, 0, MAX_DELAY_MS, 0),
    chunkChars: intOption('chunkChars', o.chunkChars, 1, MAX_CHUNK_CHARS, 4),
    requireAuth: o.requireAuth,
    maxBodyBytes: intOption('maxBodyBytes', o.maxBodyBytes, 1, 1024 * 1024 * 1024, DEFAULT_MAX_BODY),
    embeddingDimensions: intOption('embeddingDimensions', o.embeddingDimensions, 1, MAX_DIMENSIONS, 8),
    maxRecorded: intOption('maxRecorded', o.maxRecorded, 0, 1_000_000, DEFAULT_MAX_RECORDED),
    onResponse: o.onResponse,
  };
}

type BodyRead = { ok: true; bytes: Buffer } | { ok: false; reason: 'too_large' | 'aborted' };

function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume(); // discard what the client still sends; the 413 closes the connection
    return Promise.resolve({ ok: false, reason: 'too_large' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        resolve({ ok: false, reason: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve({ ok: true, bytes: Buffer.concat(chunks) }));
    req.on('error', () => resolve({ ok: false, reason: 'aborted' }));
    req.on('close', () => resolve({ ok: false, reason: 'aborted' })); // no-op once settled
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Whether the request carries the upstream credential the mock was told to require. */
function authorized(provider: Provider, req: IncomingMessage, key: string): boolean {
  // @anthropic-ai/sdk 1.x sends the API key as a bearer token; the HTTP API takes x-api-key too
  if (provider === 'anthropic' && header(req, 'x-api-key') === key) return true;
  return header(req, 'authorization') === `Bearer ${key}`;
}

function unauthorized(provider: Provider, req: IncomingMessage): MockError {
  if (provider === 'anthropic') {
    return new MockError(401, header(req, 'x-api-key') === undefined && header(req, 'authorization') === undefined ? 'x-api-key header is required' : 'invalid x-api-key');
  }
  return header(req, 'authorization') === undefined
    ? new MockError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
    : new MockError(401, 'Incorrect API key provided.', null, 'invalid_api_key');
}

function requestIdHeader(provider: Provider): Record<string, string> {
  return provider === 'anthropic' ? { 'request-id': randomId('req_011', 24) } : { 'x-request-id': randomHexId('req_', 32) };
}

export async function startMockUpstream(options: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const s = settings(options);
  const host = options.host ?? '127.0.0.1';
  const port = intOption('port', options.port, 0, 65535, 0);
  const requests: RecordedRequest[] = [];
  const closing = new AbortController();
  // every open request listens to it: many concurrent requests are normal, not a leak
  setMaxListeners(0, closing.signal);
  /** responses not yet closed, so close() can wait until each has recorded how it ended */
  const open = new Set<Promise<void>>();

  function record(r: RecordedRequest): void {
    if (s.maxRecorded === 0) return;
    requests.push(r);
    if (requests.length > s.maxRecorded) requests.shift();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    let path: string;
    try {
      path = new URL(rawUrl, 'http://mock.invalid').pathname;
    } catch {
      path = rawUrl;
    }
    const rec: RecordedRequest = { method, path, url: rawUrl, headers: req.headers, body: undefined, bodyBytes: 0, receivedAt: Date.now(), finished: false, aborted: false };
    record(rec);
    const ac = new AbortController();
    const onClosing = (): void => ac.abort();
    closing.signal.addEventListener('abort', onClosing, { once: true });
    const ended = new Promise<void>((resolve) =>
      res.on('close', () => {
        rec.finished = res.writableFinished;
        rec.aborted = !res.writableFinished;
        ac.abort();
        closing.signal.removeEventListener('abort', onClosing);
        open.delete(ended);
        resolve();
        try {
          s.onResponse?.(rec);
        } catch {
          // a failing observer (a closed stdout) must not take the server down
        }
      }),
    );
    open.add(ended);

    const match = matchRoute(method, path, req.headers);
    const provider = match.route ? match.route.provider : match.provider;
    const sendJson = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      const text = JSON.stringify(body);
      rec.status = status;
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...requestIdHeader(provider), ...headers });
      res.end(text);
    };
    const fail = (e: MockError, headers: Record<string, string> = {}): void => sendJson(e.status, errorBody(provider, e), { ...errorHeaders(e.status), ...headers });

    const read = await readBody(req, s.maxBodyBytes);
    if (!read.ok) {
      if (read.reason === 'too_large' && !res.headersSent && !res.destroyed) {
        fail(new MockError(413, `The request body is larger than ${s.maxBodyBytes} bytes.`, null, 'request_too_large'), { connection: 'close' });
      }
      return;
    }
    rec.bodyBytes = read.bytes.length;
    let body: unknown;
    let malformed = false;
    if (read.bytes.length > 0) {
      try {
        body = JSON.parse(read.bytes.toString('utf8'));
        rec.body = body;
      } catch {
        malformed = true;
      }
    }

    let controls: Controls;
    try {
      controls = readControls(req.headers, s);
    } catch (e) {
      fail(e as MockError);
      return;
    }
    if (!(await sleep(controls.delayMs, ac.signal))) return;
    // the request stays open, unanswered, until the client or close() ends it
    if (controls.hang === 'headers') return;
    if (s.requireAuth !== undefined && !authorized(provider, req, s.requireAuth)) return fail(unauthorized(provider, req));
    if (controls.status !== undefined) return fail(new MockError(controls.status, defaultMessage(provider, controls.status)));
    if (!match.route) {
      return fail(new MockError(404, provider === 'openai' ? `Invalid URL (${method} ${path.slice(0, 200)})` : 'Not Found', null, provider === 'openai' ? 'unknown_url' : null));
    }
    if (match.route.method === 'POST' && (malformed || read.bytes.length === 0)) {
      return fail(
        new MockError(
          400,
          provider === 'openai'
            ? 'We could not parse the JSON body of your request. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.'
            : 'There was an error parsing the body of your request.',
          null,
          'invalid_json',
        ),
      );
    }
    let reply: Reply;
    try {
      reply = match.route.handle(body, { headers: req.headers, chunkChars: controls.chunkChars, embeddingDimensions: s.embeddingDimensions }, match.params);
    } catch (e) {
      if (e instanceof MockError) return fail(e);
      throw e;
    }
    if (reply.kind === 'json') {
      if (controls.hang !== 'body') return sendJson(200, reply.body);
      // the headers promise the whole body; only half of it ever comes
      const bytes = Buffer.from(JSON.stringify(reply.body));
      rec.status = 200;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length, ...requestIdHeader(provider) });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      return;
    }
    await stream(res, rec, reply.frames, controls, provider, ac.signal);
  }

  async function stream(res: ServerResponse, rec: RecordedRequest, frames: Iterable<Frame>, c: Controls, provider: Provider, signal: AbortSignal): Promise<void> {
    rec.status = 200;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...requestIdHeader(provider) });
    res.flushHeaders();
    await writeFrames(res, frames, { chunkDelayMs: c.chunkDelayMs, hang: c.hang === 'body' }, signal);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // a bug in the mock: say so in the answer rather than leave the client waiting
      if (!res.headersSent) {
        const text = JSON.stringify({ error: { message: `mock upstream internal error: ${e instanceof Error ? e.message : String(e)}`, type: 'server_error', param: null, code: null } });
        res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      } else {
        res.destroy();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  let closed: Promise<void> | undefined;
  return {
    url,
    requests,
    reset: () => void (requests.length = 0),
    close: () =>
      (closed ??= (async () => {
        closing.abort();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await stopped;
        await Promise.all([...open]);
      })()),
  };
}
