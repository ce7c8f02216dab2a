import type { SseEvent } from './protocols/types.js';

// Server-sent events, as the WHATWG HTML standard defines the stream format: UTF-8
// text, lines ended by CRLF, LF or CR, `field: value` lines, comments starting with
// `:`, an empty line dispatching the event. The parser is incremental (bytes arrive
// split anywhere: inside a multi-byte character, between CR and LF) and keeps the
// exact text of every frame, so what the guard does not rewrite passes through byte
// for byte. It is bounded: a line or an event larger than maxEventBytes is an error,
// not a buffer that grows with whatever the upstream sends.

export const DEFAULT_MAX_EVENT_BYTES = 1 << 20;

export class SseError extends Error {
  constructor(
    readonly code: 'sse_event_too_large',
    message: string,
  ) {
    super(message);
    this.name = 'SseError';
  }
}

/**
 * What the parser yields, in stream order. `raw` is the exact text the item was read
 * from (its lines with their line endings, the blank line that ended an event
 * included): the concatenation of every item's raw is the whole stream as decoded.
 * - `event`: a frame with at least one `data` field (what a client dispatches);
 * - `comment`: a comment line outside any frame (keep-alives such as `: ping`);
 * - `other`: anything else: a frame without data (`retry: 3000`, an `id` alone), a
 *   blank line outside a frame, or the LF of a CRLF whose CR ended an item already
 *   yielded.
 */
export type SseItem = { kind: 'event'; event: SseEvent; raw: string } | { kind: 'comment' | 'other'; raw: string };

export interface SseParserOptions {
  /** the largest line or event accepted, in bytes (default 1 MiB) */
  maxEventBytes?: number;
}

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly max: number;
  /** text of the current, unfinished line */
  private line = '';
  /** the last character read was a CR: an LF right after it belongs to that line end */
  private afterCr = false;
  /** the current frame: its raw lines so far, and its fields */
  private frame: string[] = [];
  private frameSize = 0;
  private data: string[] = [];
  private eventType: string | undefined;
  private id: string | undefined;
  private ended = false;

  constructor(opts: SseParserOptions = {}) {
    this.max = opts.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  }

  /** Reads the next bytes (or text) of the stream; returns the items they complete. */
  push(chunk: Uint8Array | string): SseItem[] {
    if (this.ended) throw new Error('SseParser: push after end');
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const out: SseItem[] = [];
    this.read(text, out);
    return out;
  }

  /**
   * The stream ended: the items still open. A last frame without its blank line is
   * yielded as if it had one (a client would drop it, but it must not pass unread).
   */
  end(): SseItem[] {
    if (this.ended) return [];
    this.ended = true;
    const out: SseItem[] = [];
    this.read(this.decoder.decode(), out);
    if (this.line.length > 0) this.endLine('', out);
    if (this.frame.length > 0) this.dispatch(out);
    return out;
  }

  private read(text: string, out: SseItem[]): void {
    let i = 0;
    const n = text.length;
    if (this.afterCr && n > 0) {
      this.afterCr = false;
      if (text.charCodeAt(0) === 10) {
        // the LF of a CRLF split between chunks
        if (this.frame.length > 0) {
          this.frame[this.frame.length - 1] += '\n';
          this.frameSize += 1;
        } else out.push({ kind: 'other', raw: '\n' });
        i = 1;
      }
    }
    while (i < n) {
      const lf = text.indexOf('\n', i);
      const cr = text.indexOf('\r', i);
      const at = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (at < 0) {
        this.line += text.slice(i);
        if (this.line.length > this.max) this.tooLarge('line');
        return;
      }
      this.line += text.slice(i, at);
      let eol = text[at]!;
      i = at + 1;
      if (eol === '\r') {
        if (i < n) {
          if (text.charCodeAt(i) === 10) {
            eol = '\r\n';
            i++;
          }
        } else this.afterCr = true;
      }
      this.endLine(eol, out);
    }
  }

  private endLine(eol: string, out: SseItem[]): void {
    const line = this.line;
    this.line = '';
    const raw = line + eol;
    const size = Buffer.byteLength(raw, 'utf8');
    if (size > this.max) this.tooLarge('line');
    if (line.length === 0) {
      if (this.frame.length === 0) out.push({ kind: 'other', raw });
      else {
        this.frame.push(raw);
        this.dispatch(out);
      }
      return;
    }
    if (line.charCodeAt(0) === 58 /* : */ && this.frame.length === 0) {
      out.push({ kind: 'comment', raw });
      return;
    }
    this.frameSize += size;
    if (this.frameSize > this.max) this.tooLarge('event');
    this.frame.push(raw);
    if (line.charCodeAt(0) === 58) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      // `retry` and unknown fields change nothing a guard looks at: they stay in raw
    }
  }

  private dispatch(out: SseItem[]): void {
    const raw = this.frame.join('');
    if (this.data.length > 0) {
      const event: SseEvent = { data: this.data.join('\n') };
      if (this.eventType) event.event = this.eventType;
      if (this.id !== undefined) event.id = this.id;
      out.push({ kind: 'event', event, raw });
    } else out.push({ kind: 'other', raw });
    this.frame = [];
    this.frameSize = 0;
    this.data = [];
    this.eventType = undefined;
    this.id = undefined;
  }

  private tooLarge(what: 'line' | 'event'): never {
    throw new SseError('sse_event_too_large', `the upstream sent an SSE ${what} larger than ${this.max} bytes; the stream was stopped (raise the limit if such events are expected)`);
  }
}

/** One line of a field, without anything that would end the line early. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]/g, '');
}

/**
 * An event as SSE text: `event:` (if any), `id:` (if any), one `data:` line per line
 * of its data, and the blank line that dispatches it.
 */
export function serializeEvent(e: SseEvent): string {
  let out = '';
  if (e.event !== undefined && e.event !== '') out += `event: ${oneLine(e.event)}\n`;
  if (e.id !== undefined) out += `id: ${oneLine(e.id)}\n`;
  for (const line of e.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** The same as serializeEvent (the name the server uses). */
export const serializeSseEvent = serializeEvent;
