import type { IncomingHttpHeaders } from 'node:http';

// The public shapes of the mock model server: how it is started, what a test
// holds while it runs, and what it remembers about each request.

export interface MockUpstreamOptions {
  /** interface to listen on; default 127.0.0.1 */
  host?: string;
  /** TCP port; 0 (the default) picks a free one */
  port?: number;
  /** delay before the first byte of every response (x-mock-delay-ms overrides it per request) */
  latencyMs?: number;
  /** delay between stream events (x-mock-chunk-delay-ms overrides it per request) */
  chunkDelayMs?: number;
  /** characters of generated text per stream delta; default 4 (x-mock-chunk-chars overrides it) */
  chunkChars?: number;
  /**
   * When set, every request must carry exactly this upstream credential, else 401 in
   * the provider's style: `Authorization: Bearer <it>` on OpenAI paths; `x-api-key: <it>`
   * (or `Authorization: Bearer <it>`, which @anthropic-ai/sdk 1.x sends) on Anthropic paths.
   */
  requireAuth?: string;
  /** largest request body accepted; default 16 MiB, larger → 413 */
  maxBodyBytes?: number;
  /** length of embedding vectors when the request does not ask for `dimensions`; default 8 */
  embeddingDimensions?: number;
  /** how many requests `requests` keeps (the oldest are dropped first); default 1000, 0 keeps none */
  maxRecorded?: number;
  /** called once per request when its response has ended or the client went away */
  onResponse?: (request: RecordedRequest) => void;
}

export interface RecordedRequest {
  method: string;
  /** the path without the query string, e.g. `/v1/chat/completions` */
  path: string;
  /** the request target as received, query string included */
  url: string;
  /** as Node received them: lower-case names */
  headers: IncomingHttpHeaders;
  /** the parsed JSON body; undefined when there was none or it was not JSON */
  body: unknown;
  /** size of the body in bytes (counted up to the limit) */
  bodyBytes: number;
  /** Date.now() when the request arrived */
  receivedAt: number;
  /** the status sent, once headers went out */
  status?: number;
  /** true when the response was complete (every byte written and ended) */
  finished: boolean;
  /** true when the connection closed before the response was complete (the client disconnected, or the mock was closed) */
  aborted: boolean;
}

export interface MockUpstream {
  /** `http://127.0.0.1:PORT`; the OpenAI SDK's baseURL is `${url}/v1`, the Anthropic SDK's is `url` */
  url: string;
  /** stops listening, ends every open connection (hanging ones too) and resolves when done */
  close(): Promise<void>;
  /** every request received, oldest first (bounded by maxRecorded), for tests to assert what reached the upstream */
  requests: RecordedRequest[];
  /** forgets the recorded requests (the same array is emptied) */
  reset(): void;
}
