import type { IncomingHttpHeaders } from 'node:http';

/** What a handler knows besides the body: the request's headers and how to chunk streams. */
export interface HandlerContext {
  headers: IncomingHttpHeaders;
  /** characters of generated text per stream delta */
  chunkChars: number;
  /** embedding length when the request does not ask for `dimensions` */
  embeddingDimensions: number;
}
