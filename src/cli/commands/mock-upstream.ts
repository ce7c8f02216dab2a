import { startMockUpstream, type MockUpstream, type RecordedRequest } from '../../mock-upstream/index.js';
import { EXIT_OK, UsageError, type CliIO } from '../io.js';

// `railgate mock-upstream`: starts the mock model server, prints where it listens
// and one line per request, and runs until SIGINT/SIGTERM (exit 0).

export interface MockUpstreamCliOptions {
  host: string;
  port: number;
  latency?: number;
  chunkDelay?: number;
  chunkChars?: number;
  requireAuth?: string;
  embeddingDimensions?: number;
  quiet: boolean;
}

/** Resolves when the process is asked to stop (SIGINT, SIGTERM). */
function stopSignal(): { promise: Promise<void>; dispose: () => void } {
  let dispose = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    const stop = (): void => {
      dispose();
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    dispose = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    };
  });
  return { promise, dispose };
}

/** One line per request: what was asked and how it ended, never the prompt or a header value. */
export function requestLine(r: RecordedRequest, now: number): string {
  const body = r.body as { stream?: unknown } | undefined;
  const stream = typeof body === 'object' && body !== null && body.stream === true ? ' stream' : '';
  const outcome = r.aborted ? ` ${r.status ?? '-'} aborted` : ` ${r.status ?? '-'}`;
  return `${r.method} ${r.path}${outcome}${stream} ${now - r.receivedAt} ms`;
}

/**
 * Runs the mock until `until` resolves (the process's SIGINT/SIGTERM by default).
 * Exit 0 when stopped; a port in use or a bad address is a usage error (exit 2).
 */
export async function runMockUpstream(io: CliIO, o: MockUpstreamCliOptions, until?: Promise<unknown>): Promise<number> {
  const signal = until === undefined ? stopSignal() : undefined;
  let mock: MockUpstream;
  try {
    mock = await startMockUpstream({
      host: o.host,
      port: o.port,
      ...(o.latency !== undefined ? { latencyMs: o.latency } : {}),
      ...(o.chunkDelay !== undefined ? { chunkDelayMs: o.chunkDelay } : {}),
      ...(o.chunkChars !== undefined ? { chunkChars: o.chunkChars } : {}),
      ...(o.requireAuth !== undefined ? { requireAuth: o.requireAuth } : {}),
      ...(o.embeddingDimensions !== undefined ? { embeddingDimensions: o.embeddingDimensions } : {}),
      // a long-running server keeps no history: nobody reads it
      maxRecorded: 0,
      ...(o.quiet ? {} : { onResponse: (r: RecordedRequest) => io.out(`${requestLine(r, Date.now())}\n`) }),
    });
  } catch (e) {
    signal?.dispose();
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new UsageError(`cannot listen on ${o.host}:${o.port}: the address is already in use`, 'pick another port with --port, or --port 0 for a free one');
    if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' || err.code === 'EACCES') {
      throw new UsageError(`cannot listen on ${o.host}:${o.port}: ${err.code}`, 'check --host and --port');
    }
    if (e instanceof RangeError) throw new UsageError(e.message.replace(/^mock upstream: /, ''));
    throw e;
  }
  io.out(`mock upstream listening on ${mock.url}\n`);
  try {
    await (until ?? signal!.promise);
  } finally {
    signal?.dispose();
    await mock.close();
  }
  return EXIT_OK;
}
