import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { encodeFrame, type Frame } from './sse.js';

// Writing a stream of frames to a response the way a well-behaved server does: a
// frame is produced only when the previous one was taken (the frames are a lazy
// iterable), a full socket buffer is waited out ('drain'), and a client that goes
// away stops the work at once.

/** Waits `ms`; false when the wait was cut short by the signal. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Resolves true when the response can take more data, false when it closed first. */
function drained(res: ServerResponse, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted || res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      signal.removeEventListener('abort', onClose);
      resolve(ok);
    };
    const onDrain = (): void => done(true);
    const onClose = (): void => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
    signal.addEventListener('abort', onClose, { once: true });
  });
}

export interface WriteOptions {
  /** delay between data frames (comments are not delayed) */
  chunkDelayMs: number;
  /** stop after the first frame that carries generated text, leaving the response open */
  hang: boolean;
}

/**
 * Writes the frames to a response whose headers are set. `ended`: all written and
 * the response ended; `hung`: stopped on purpose, response left open; `closed`: the
 * client went away (or the signal fired) first.
 */
export async function writeFrames(res: ServerResponse, frames: Iterable<Frame>, o: WriteOptions, signal: AbortSignal): Promise<'ended' | 'hung' | 'closed'> {
  let sentData = false;
  for (const f of frames) {
    if (signal.aborted || res.destroyed) return 'closed';
    if ('data' in f) {
      if (sentData && !(await sleep(o.chunkDelayMs, signal))) return 'closed';
      sentData = true;
    }
    if (!res.write(encodeFrame(f)) && !(await drained(res, signal))) return 'closed';
    if (o.hang && 'data' in f && f.text === true) return 'hung';
  }
  if (o.hang) return 'hung';
  res.end();
  return 'ended';
}
