import { Readable } from 'node:stream';

// Streaming a response body to the client through an optional chunk guard (the
// SSE masking guard), with backpressure: the upstream is read only as fast as the
// client takes bytes, and nothing is buffered beyond the guard's bounded
// hold-back. The first upstream chunk is awaited before anything is sent, so a
// response that fails (or is blocked) before its first byte still gets a proper
// status instead of a broken stream.

/** What the stream masking guard offers (src/proxy/response/stream-guard.ts). */
export interface ChunkGuard {
  push(chunk: Uint8Array): Uint8Array[];
  end(): Uint8Array[];
  /** true once a blocking rule matched: the guard has emitted its error event and wants the stream to stop */
  readonly blocked: boolean;
}

export interface OpenedStream {
  /** what the guard produced from the first chunk (empty when the body was empty) */
  first: Uint8Array[];
  /** the guard blocked on the first chunk: nothing was sent yet */
  blockedEarly: boolean;
  /** the body for the client; reading it pulls the upstream */
  body: Readable;
}

export interface StreamOptions {
  /** bytes to append when the upstream fails mid-stream (an SSE error event), or none: the stream is cut */
  onError?: (e: unknown) => Uint8Array[];
  /** called once with the error when the upstream fails mid-stream (for the log) */
  onFailure?: (e: unknown) => void;
}

/**
 * Waits for the first upstream chunk (rejecting with the upstream's error if it
 * fails first), then returns the client body: the guarded first chunk, then the
 * rest, then the guard's tail. When the guard blocks, the upstream is destroyed
 * (its request aborted) and the client body ends after the guard's error event.
 */
export async function openStream(source: Readable, guard: ChunkGuard | undefined, opts: StreamOptions = {}): Promise<OpenedStream> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  let head: IteratorResult<Uint8Array>;
  let first: Uint8Array[];
  try {
    head = await it.next();
    first = head.done ? [] : guard ? guard.push(head.value) : [head.value];
  } catch (e) {
    source.destroy();
    throw e;
  }
  const blockedEarly = guard?.blocked === true;
  if (blockedEarly) source.destroy();

  async function* rest(): AsyncGenerator<Uint8Array> {
    try {
      yield* first;
      if (guard?.blocked) return;
      let done = head.done === true;
      for (;;) {
        // upstream failures and guard failures (an event it cannot read) end the stream alike
        let out: Uint8Array[];
        try {
          if (done) out = guard ? guard.end() : [];
          else {
            const next = await it.next();
            if (next.done) {
              done = true;
              out = guard ? guard.end() : [];
            } else out = guard ? guard.push(next.value) : [next.value];
          }
        } catch (e) {
          opts.onFailure?.(e);
          if (opts.onError) {
            yield* opts.onError(e);
            return;
          }
          throw e;
        }
        yield* out;
        if (done || guard?.blocked) return;
      }
    } finally {
      // the client went away, the guard blocked, or the stream is done: release the upstream
      if (!source.destroyed) source.destroy();
    }
  }

  return { first, blockedEarly, body: Readable.from(rest(), { objectMode: false }) };
}
