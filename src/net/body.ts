import type { Readable } from 'node:stream';

// Reading HTTP bodies we did not write (bundle servers, identity providers,
// upstreams) without trusting their size: every buffer is bounded.

/** Drops a body we will not read, without an unhandled error if the transfer breaks meanwhile. */
export function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** The whole body, or `tooLarge()` thrown as soon as it passes maxBytes (the transfer is dropped). */
export async function readCapped(body: Readable, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const b = chunk as Buffer;
      size += b.length;
      if (size > maxBytes) throw tooLarge();
      chunks.push(b);
    }
  } finally {
    discard(body);
  }
  return Buffer.concat(chunks, size);
}
