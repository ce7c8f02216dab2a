import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A real bundle server on 127.0.0.1 (port 0), in-process, whose behaviour a test
// switches between serving a bundle (with ETag / If-None-Match), failing with a
// status, never answering, redirecting and streaming an endless body. It records
// every request it receives.

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export class BundleServer {
  readonly requests: Recorded[] = [];
  handler: Handler = (_req, res) => res.writeHead(404).end();
  /** bytes written by the endless handler before the client went away */
  streamed = 0;
  /** whether the endless handler saw the client close the connection */
  clientAborted = false;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<BundleServer> {
    let self: BundleServer | undefined;
    const server = createServer((req, res) => {
      self!.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
      self!.handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new BundleServer(server, `http://127.0.0.1:${port}`);
    return self;
  }

  /** `url` + path */
  at(path = '/bundle.tar.gz'): string {
    return `${this.url}${path}`;
  }

  /** Serves `bytes` with `etag`; answers 304 when If-None-Match names it. */
  serve(bytes: Uint8Array, etag?: string): void {
    this.handler = (req, res) => {
      if (etag !== undefined && req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': String(bytes.length), ...(etag !== undefined ? { etag } : {}) });
      res.end(Buffer.from(bytes));
    };
  }

  fail(status: number, body = 'internal error'): void {
    this.handler = (_req, res) => res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  }

  /** Accepts the request and never answers. */
  hang(): void {
    this.handler = () => undefined;
  }

  redirect(location: string, status = 302): void {
    this.handler = (_req, res) => res.writeHead(status, { location }).end();
  }

  /** Streams zeros (chunked, no Content-Length) until the client goes away, at most `limit` bytes. */
  endless(limit = 256 * 1024 * 1024): void {
    this.streamed = 0;
    this.clientAborted = false;
    this.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/gzip' });
      const chunk = Buffer.alloc(64 * 1024);
      res.on('close', () => {
        if (!res.writableFinished) this.clientAborted = true;
      });
      const pump = (): void => {
        while (!res.destroyed && this.streamed < limit) {
          this.streamed += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        if (!res.destroyed) res.end();
      };
      pump();
    };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
