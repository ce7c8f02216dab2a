import { errors as undiciErrors, request, type Dispatcher } from 'undici';
import { BundleError } from './errors.js';
import { displayUrl } from '../net/url.js';
import { discard, readCapped } from '../net/body.js';

// One conditional GET of a bundle archive. Everything that can go wrong becomes a
// BundleError saying which: the status, a timeout (connect, headers, body, overall),
// the connection, a redirect refused, or a body past the size cap (the download is
// aborted there, not read to the end). The caller's request headers may carry
// credentials: they are sent only to the configured origin and never appear in a
// message.

/** Redirects followed per download; object storage and CDNs need one or two. */
export const MAX_REDIRECTS = 5;
/** How much of an error response's body is read to quote it in the message. */
const ERROR_BODY_BYTES = 1024;
const ERROR_BODY_QUOTE = 200;

export interface DownloadRequest {
  url: URL;
  /** sent as If-None-Match */
  etag?: string;
  /** extra headers (Authorization, …); dropped when a redirect leaves the origin */
  headers?: Readonly<Record<string, string>>;
  /** the whole download: headers and body */
  timeoutMs: number;
  /** the largest archive accepted; a longer body is aborted */
  maxBytes: number;
  /** aborts the download (the client's stop) */
  signal?: AbortSignal;
  dispatcher?: Dispatcher;
}

export type DownloadResult =
  | { status: 'not_modified'; etag: string | undefined }
  | { status: 'ok'; bytes: Uint8Array; etag: string | undefined };

type Body = Dispatcher.ResponseData['body'];

/** Drops a body we will not read; undici reports the destroy as an error event, expected here. */

/** Reads a short body (304, redirect) to its end so the connection can be reused; drops a long one. */
async function drain(body: Body): Promise<void> {
  body.on('error', () => undefined);
  await body.dump({ limit: 64 * 1024 }).catch(() => undefined);
}

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function downloadError(url: URL, reason: string, hint: string, cause?: unknown): BundleError {
  return new BundleError('bundle_download_error', `cannot download ${displayUrl(url)}: ${reason}`, {
    hint,
    ...(cause !== undefined ? { cause } : {}),
  });
}

/** Thrown when the client is stopped mid-download; the client does not count it as a failure. */
export class DownloadAborted extends Error {
  constructor() {
    super('download aborted: the bundle client was stopped');
    this.name = 'DownloadAborted';
  }
}

/** Maps what undici (or the abort signals) threw to a BundleError naming the cause. */
function explain(e: unknown, url: URL, req: DownloadRequest, overall: AbortSignal, phase: 'headers' | 'body'): Error {
  if (req.signal?.aborted) return new DownloadAborted();
  if (e instanceof BundleError) return e;
  const code = typeof (e as { code?: unknown })?.code === 'string' ? (e as { code: string }).code : '';
  const ms = req.timeoutMs;
  const slow = 'check that the bundle server is up and reachable, or raise the download timeout';
  if (overall.aborted) {
    const what = phase === 'headers' ? 'no response within' : 'the response body did not arrive in full within';
    return downloadError(url, `timed out: ${what} ${ms} ms`, slow, e);
  }
  if (e instanceof undiciErrors.HeadersTimeoutError || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return downloadError(url, `timed out: no response headers within ${ms} ms`, slow, e);
  }
  if (e instanceof undiciErrors.BodyTimeoutError || code === 'UND_ERR_BODY_TIMEOUT') {
    return downloadError(url, `timed out: the response body stalled for ${ms} ms`, slow, e);
  }
  if (e instanceof undiciErrors.ConnectTimeoutError || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return downloadError(url, 'timed out connecting to the server', slow, e);
  }
  const cause = (e as { cause?: { code?: unknown; message?: unknown } })?.cause;
  const sysCode = typeof cause?.code === 'string' ? cause.code : code;
  const message = e instanceof Error ? e.message : String(e);
  if (['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'].includes(sysCode)) {
    return downloadError(url, `connection failed (${sysCode})`, 'check the URL and that the bundle server is up', e);
  }
  if (code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') {
    return downloadError(url, `the connection closed early (${message})`, 'check the bundle server and any proxy in between', e);
  }
  return downloadError(url, `request failed (${sysCode || message})`, 'check the URL and the bundle server', e);
}

/** A short, single-line, printable quote of an error response's body, if it has one. */
async function quoteErrorBody(body: Body): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const b = chunk as Buffer;
      chunks.push(b);
      size += b.length;
      if (size >= ERROR_BODY_BYTES) break;
    }
  } catch {
    // the status already says what went wrong
  } finally {
    discard(body);
  }
  const text = Buffer.concat(chunks)
    .subarray(0, ERROR_BODY_BYTES)
    .toString('utf8')
    .replace(/[\u0000-\u001f\u007f\ufffd]+/g, ' ')
    .trim();
  if (text === '') return '';
  return `: ${text.length > ERROR_BODY_QUOTE ? `${text.slice(0, ERROR_BODY_QUOTE)}…` : text}`;
}

function redirectTarget(from: URL, location: string | undefined): URL {
  if (!location) throw downloadError(from, 'a redirect without a Location header', 'fix the bundle server');
  let to: URL;
  try {
    to = new URL(location, from);
  } catch (e) {
    throw downloadError(from, 'a redirect to an invalid URL', 'fix the bundle server', e);
  }
  if (to.protocol !== 'http:' && to.protocol !== 'https:') {
    throw downloadError(from, `a redirect to a ${to.protocol} URL was refused`, 'point the client at the final http(s) URL');
  }
  if (from.protocol === 'https:' && to.protocol === 'http:') {
    throw downloadError(from, `a redirect from https to plain http (${displayUrl(to)}) was refused`, 'serve the bundle over https, or point the client at the final URL');
  }
  return to;
}

/** GETs the bundle at req.url: 304 → not_modified; 200 → the bytes; anything else throws BundleError. */
export async function downloadBundle(req: DownloadRequest): Promise<DownloadResult> {
  const overall = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, overall]) : overall;
  const origin = req.url.origin;
  let url = req.url;
  let phase: 'headers' | 'body' = 'headers';
  try {
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = {
        accept: 'application/gzip, application/x-gzip, application/octet-stream;q=0.9, */*;q=0.1',
        ...(url.origin === origin ? req.headers : {}),
        ...(req.etag !== undefined ? { 'if-none-match': req.etag } : {}),
      };
      const res = await request(url, {
        method: 'GET',
        headers,
        signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
        ...(req.dispatcher ? { dispatcher: req.dispatcher } : {}),
      });
      const etag = header(res.headers, 'etag');
      const status = res.statusCode;
      if (status === 304) {
        await drain(res.body);
        return { status: 'not_modified', etag };
      }
      if ([301, 302, 303, 307, 308].includes(status)) {
        await drain(res.body);
        if (hop >= MAX_REDIRECTS) {
          throw downloadError(req.url, `more than ${MAX_REDIRECTS} redirects`, 'point the client at the final URL');
        }
        url = redirectTarget(url, header(res.headers, 'location'));
        continue;
      }
      if (status !== 200) {
        const quote = await quoteErrorBody(res.body);
        const hint =
          status === 401 || status === 403
            ? 'check the credentials sent to the bundle server (the Authorization header)'
            : status === 404
              ? 'check the bundle URL'
              : status >= 500
                ? 'the bundle server failed; the client retries with backoff'
                : 'check the bundle URL and the server';
        throw downloadError(url, `HTTP ${status}${quote}`, hint);
      }
      const length = Number(header(res.headers, 'content-length'));
      if (Number.isFinite(length) && length > req.maxBytes) {
        discard(res.body);
        throw new BundleError('bundle_too_large', `the download of ${displayUrl(url)} is ${length} bytes, more than the limit of ${req.maxBytes}; not read`, {
          hint: 'make the bundle smaller, or raise the archive size limit',
        });
      }
      phase = 'body';
      const bytes = await readCapped(res.body, req.maxBytes, () =>
        new BundleError('bundle_too_large', `the download of ${displayUrl(url)} is larger than the limit of ${req.maxBytes} bytes; aborted`, {
          hint: 'make the bundle smaller, or raise the archive size limit',
        }),
      );
      return { status: 'ok', bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), etag };
    }
  } catch (e) {
    throw explain(e, url, req, overall, phase);
  }
}
