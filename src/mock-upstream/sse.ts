// Server-sent events as the providers frame them: `data: {json}\n\n` for OpenAI's
// chat and completions, `event: name\ndata: {json}\n\n` for the Responses API and
// Anthropic, comment lines (`: keep-alive`) that clients must skip.

export type Frame =
  | { comment: string }
  | {
      event?: string;
      data: string;
      /** the frame carries generated text (x-mock-hang: body stops after the first such frame) */
      text?: boolean;
    };

/** What a handler answers: a JSON body, or a stream of frames produced as they are written. */
export type Reply = { kind: 'json'; body: unknown } | { kind: 'sse'; frames: Iterable<Frame> };

/** A data frame every this many a keep-alive comment is sent, besides the one before the first. */
export const KEEP_ALIVE_EVERY = 16;

export function encodeFrame(f: Frame): string {
  if ('comment' in f) return `: ${f.comment}\n\n`;
  return `${f.event !== undefined ? `event: ${f.event}\n` : ''}data: ${f.data}\n\n`;
}

export function dataFrame(payload: unknown, text = false): Frame {
  return { data: JSON.stringify(payload), ...(text ? { text } : {}) };
}

/** A named event whose payload repeats the name as `type`, as both providers do. */
export function eventFrame(event: string, payload: Record<string, unknown>, text = false): Frame {
  return { event, data: JSON.stringify({ type: event, ...payload }), ...(text ? { text } : {}) };
}

export const DONE: Frame = { data: '[DONE]' };

/** The frames with a keep-alive comment before the first and after every KEEP_ALIVE_EVERY data frames. */
export function* withKeepAlives(frames: Iterable<Frame>): Generator<Frame> {
  yield { comment: 'keep-alive' };
  let n = 0;
  for (const f of frames) {
    yield f;
    if ('data' in f && ++n % KEEP_ALIVE_EVERY === 0) yield { comment: 'keep-alive' };
  }
}
