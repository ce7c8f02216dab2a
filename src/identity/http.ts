import { request, type Dispatcher } from 'undici';
import { displayUrl } from '../net/url.js';
import { discard, readCapped } from '../net/body.js';

// One GET of a small JSON document from the identity provider (its discovery
// document or its JWKS), bounded in time and size. Redirects are not followed:
// the keys that decide who may call come from the URL configured or discovered,
// not from wherever a response points. Every failure is a FetchError whose
// message names the URL (without credentials or query) and the cause.

export class FetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchError';
  }
}

export interface FetchJsonOptions {
  timeoutMs: number;
  maxBytes: number;
  dispatcher: Dispatcher;
  /** aborts the request (the authenticator's close) */
  signal: AbortSignal;
}

function cause(e: unknown, where: string, timeoutMs: number, timedOut: boolean): FetchError {
  if (e instanceof FetchError) return e;
  if (timedOut) return new FetchError(`${where}: no complete response within ${timeoutMs} ms`);
  const code = (e as { code?: unknown })?.code;
  const sys = (e as { cause?: { code?: unknown } })?.cause?.code;
  const name = typeof sys === 'string' ? sys : typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
  return new FetchError(`${where}: request failed (${name})`);
}

/** GETs url and parses its JSON body; throws FetchError. */
export async function fetchJson(url: URL, o: FetchJsonOptions): Promise<unknown> {
  const where = displayUrl(url);
  const overall = AbortSignal.timeout(o.timeoutMs);
  const signal = AbortSignal.any([o.signal, overall]);
  let bytes: Buffer;
  try {
    const res = await request(url, {
      method: 'GET',
      headers: { accept: 'application/json, application/jwk-set+json;q=0.9' },
      signal,
      headersTimeout: o.timeoutMs,
      bodyTimeout: o.timeoutMs,
      dispatcher: o.dispatcher,
    });
    if (res.statusCode !== 200) {
      discard(res.body);
      const redirect = res.statusCode >= 300 && res.statusCode < 400 ? ' (a redirect; configure the final URL)' : '';
      throw new FetchError(`${where}: HTTP ${res.statusCode}${redirect}`);
    }
    const length = Number(res.headers['content-length']);
    if (Number.isFinite(length) && length > o.maxBytes) {
      discard(res.body);
      throw new FetchError(`${where} is ${length} bytes, larger than ${o.maxBytes}; not read`);
    }
    bytes = await readCapped(res.body, o.maxBytes, () => new FetchError(`${where} is larger than ${o.maxBytes} bytes; not read`));
  } catch (e) {
    throw cause(e, where, o.timeoutMs, overall.aborted);
  }
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw new FetchError(`${where} is not JSON`);
  }
}
