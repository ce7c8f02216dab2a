import type { Readable } from 'node:stream';
import { Pool } from 'undici';
import type { ConnectionConfig } from '../config/types.js';
import { ProxyError } from './errors.js';
import { upstreamSecrets } from './headers.js';
import type { Target } from './route.js';
import { readCapped } from '../net/body.js';

// Forwarding: one undici Pool per connection (keep-alive, bounded timeouts), and
// the translation of transport failures into the proxy's errors — a refused or
// reset connection is 502 upstream_unavailable, any timeout (connect, headers,
// body) is 504 upstream_timeout. The request is tied to an AbortSignal so a client
// that goes away takes its upstream request with it.

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

export interface ForwardRequest {
  method: string;
  target: Target;
  headers: Record<string, string>;
  body?: Buffer;
  signal: AbortSignal;
}

/** The client went away before the upstream answered: nothing to send. */
export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'ClientGone';
  }
}

export class Upstream {
  readonly connection: ConnectionConfig;
  /** the upstream credential values, scrubbed from anything passed back */
  readonly secrets: readonly string[];
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly display: string;

  constructor(connection: ConnectionConfig) {
    this.connection = connection;
    const url = new URL(connection.upstream);
    this.basePath = url.pathname.replace(/\/+$/, '');
    // never show credentials that may sit in the URL itself
    this.display = `${url.protocol}//${url.host}${this.basePath}`;
    this.secrets = upstreamSecrets(connection.upstreamHeaders);
    this.pool = new Pool(url.origin, {
      connect: { timeout: connection.timeouts.connectMs },
      headersTimeout: connection.timeouts.headersMs,
      bodyTimeout: connection.timeouts.bodyMs,
    });
  }

  /** `https://host/base`, for logs and error messages */
  get origin(): string {
    return this.display;
  }

  path(target: Target): string {
    return `${this.basePath}${target.path}${target.query}`;
  }

  /**
   * Sends the request; resolves when the upstream's status and headers arrive.
   * Rejects with ProxyError (502/504) or ClientGone.
   */
  async send(r: ForwardRequest): Promise<UpstreamResponse> {
    try {
      const res = await this.pool.request({
        method: r.method as 'POST',
        path: this.path(r.target),
        headers: r.headers,
        ...(r.body !== undefined ? { body: r.body } : {}),
        signal: r.signal,
      });
      return { status: res.statusCode, headers: res.headers, body: res.body };
    } catch (e) {
      throw this.failure(e, r.signal, 'headers');
    }
  }

  /** The error for a transport failure while waiting for `phase` (used for body reads too). */
  failure(e: unknown, signal: AbortSignal, phase: 'headers' | 'body'): Error {
    if (signal.aborted) return new ClientGone();
    if (e instanceof ProxyError) return e;
    const code = (e as { code?: unknown } | null)?.code;
    const name = this.connection.name;
    const t = this.connection.timeouts;
    switch (code) {
      case 'UND_ERR_CONNECT_TIMEOUT':
        return new ProxyError(504, 'upstream_timeout', `connecting to the upstream of connection ${name} (${this.display}) took longer than ${t.connectMs} ms; try again later`, { cause: e });
      case 'UND_ERR_HEADERS_TIMEOUT':
        return new ProxyError(504, 'upstream_timeout', `the upstream of connection ${name} (${this.display}) did not answer within ${t.headersMs} ms; try again later`, { cause: e });
      case 'UND_ERR_BODY_TIMEOUT':
        return new ProxyError(504, 'upstream_timeout', `the upstream of connection ${name} (${this.display}) stopped sending its response for ${t.bodyMs} ms; try again later`, { cause: e });
      default: {
        const why = typeof code === 'string' ? ` (${code})` : '';
        const what = phase === 'headers' ? 'could not be reached' : 'broke off its response';
        return new ProxyError(502, 'upstream_unavailable', `the upstream of connection ${name} (${this.display}) ${what}${why}; try again later`, { cause: e });
      }
    }
  }

  /** Stops accepting requests; waits for those in flight unless `force`. */
  async close(force = false): Promise<void> {
    if (force) await this.pool.destroy();
    else await this.pool.close();
  }
}

/** Reads a response body up to `limit` bytes; past it, rejects with 502 response_too_large. */
export function readLimited(body: Readable, limit: number, connection: string): Promise<Buffer> {
  return readCapped(
    body,
    limit,
    () => new ProxyError(502, 'response_too_large', `the upstream response of connection ${connection} is larger than ${limit} bytes, the most the proxy inspects; ask for a smaller response`),
  );
}
