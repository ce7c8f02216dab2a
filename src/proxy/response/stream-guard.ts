import { StreamMasker } from '../../masking/index.js';
import type { ClassifierSet } from '../../runtime/classifiers/types.js';
import type { MaskRule } from '../decision.js';
import type { ErrorDetails, Operation, ProtocolAdapter, SseEvent } from '../protocols/types.js';
import { serializeEvent, SseParser, type SseItem } from '../sse.js';

// A streamed (SSE) response through the mask rules, bytes in, bytes out. Pure and
// synchronous: the server wraps it in a stream with backpressure.
//
// Each event is parsed (SseParser) and asked for its text deltas (the adapter's
// streamStep). Every text stream (`key`: a choice's content, a tool call's
// arguments, a content block) has its own StreamMasker, which releases text as soon
// as it cannot be part of a match and holds back at most its hold-back window; the
// event is rewritten to carry what was released (possibly '' for a delta held back
// entirely). Before an event that ends a stream (a finish_reason, content_block_stop,
// [DONE], message_stop), what that stream still holds is flushed in an extra delta
// event the adapter builds, so the client receives the whole text, masked, before
// the end it expects. A stream that an event both adds to and ends (a chunk with
// content and finish_reason; a complete text the Responses API repeats in a `.done`
// event) gets its rest in that event. Events without text — [DONE], usage chunks,
// pings, keep-alive comments, retry lines — pass through byte for byte, in order.
//
// A match of a rule with action `block` stops the stream: the protocol's error event
// is sent instead of the event that revealed it, and nothing after. The blocked
// value is never sent: it is still held back when it is found.
//
// Bounds: events larger than maxEventBytes (the parser), more than maxOpenTexts text
// streams open at once, or more than maxHeldChars held over all of them stop the
// stream with a StreamGuardError.

export const DEFAULT_MAX_OPEN_TEXTS = 1024;
export const DEFAULT_MAX_HELD_CHARS = 8 * 1024 * 1024;

export class StreamGuardError extends Error {
  constructor(
    readonly code: 'stream_too_many_texts' | 'stream_held_too_much',
    message: string,
  ) {
    super(message);
    this.name = 'StreamGuardError';
  }
}

export interface StreamGuardOptions {
  adapter: ProtocolAdapter;
  operation: Operation;
  rules: readonly MaskRule[];
  classifiers: ClassifierSet;
  /** what the client is told when a blocking rule matches */
  blockedError: ErrorDetails;
  /** the largest SSE line or event accepted (default 1 MiB) */
  maxEventBytes?: number;
  /** text streams open at once, at most (default 1024) */
  maxOpenTexts?: number;
  /** UTF-16 code units held back over all text streams, at most (default 8 Mi) */
  maxHeldChars?: number;
}

export interface StreamGuard {
  /** the next bytes of the upstream stream; returns the frames to send, in order */
  push(chunk: Uint8Array): Uint8Array[];
  /** the upstream stream ended: the last frames */
  end(): Uint8Array[];
  /** a blocking rule matched: the error event was sent, nothing more will be */
  readonly blocked: boolean;
  /** replaced spans so far */
  readonly masked: number;
  /** the classifiers that matched so far, sorted */
  readonly classifiers: string[];
}

export function createStreamGuard(opts: StreamGuardOptions): StreamGuard {
  return new Guard(opts);
}

interface OpenText {
  masker: StreamMasker;
  /** the last event that carried a delta for it */
  like: SseEvent;
}

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');

class Guard implements StreamGuard {
  private readonly parser: SseParser;
  private readonly texts = new Map<string, OpenText>();
  private readonly maxOpen: number;
  private readonly maxHeld: number;
  private stopped = false;
  private isBlocked = false;
  private closedMasked = 0;
  private readonly closedFound = new Set<string>();

  constructor(private readonly o: StreamGuardOptions) {
    this.parser = new SseParser(o.maxEventBytes === undefined ? {} : { maxEventBytes: o.maxEventBytes });
    this.maxOpen = o.maxOpenTexts ?? DEFAULT_MAX_OPEN_TEXTS;
    this.maxHeld = o.maxHeldChars ?? DEFAULT_MAX_HELD_CHARS;
    // a rule naming an unknown classifier fails now, before any byte is sent
    new StreamMasker(o.rules, o.classifiers);
  }

  get blocked(): boolean {
    return this.isBlocked;
  }

  get masked(): number {
    let n = this.closedMasked;
    for (const t of this.texts.values()) n += t.masker.masked;
    return n;
  }

  get classifiers(): string[] {
    const all = new Set(this.closedFound);
    for (const t of this.texts.values()) for (const c of t.masker.classifiers) all.add(c);
    return [...all].sort();
  }

  push(chunk: Uint8Array): Uint8Array[] {
    if (this.stopped) return [];
    return this.items(this.parser.push(chunk));
  }

  end(): Uint8Array[] {
    if (this.stopped) return [];
    const out = this.items(this.parser.end());
    if (this.stopped) return out;
    // the upstream ended without ending every text stream: flush what they hold
    const frames: string[] = [];
    for (const key of [...this.texts.keys()]) {
      const t = this.texts.get(key)!;
      const rest = this.close(key, t);
      if (t.masker.blocked) return [...out, this.block()];
      if (rest !== '') frames.push(serializeEvent(this.o.adapter.deltaEvent(key, rest, t.like, this.o.operation)));
    }
    this.stopped = true;
    return [...out, ...frames.map(utf8)];
  }

  private items(items: SseItem[]): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const item of items) {
      if (item.kind !== 'event') {
        out.push(utf8(item.raw));
        continue;
      }
      const frames = this.event(item.event, item.raw);
      if (frames === undefined) {
        out.push(this.block());
        break;
      }
      for (const f of frames) out.push(utf8(f));
    }
    return out;
  }

  /** The frames for one event (flushes first), or undefined when a blocking rule matched. */
  private event(event: SseEvent, raw: string): string[] | undefined {
    const { adapter, operation } = this.o;
    const step = adapter.streamStep(event, operation);
    const here = new Set(step.deltas.map((d) => d.key));
    const ending = this.ending(step.ends, here);
    const frames: string[] = [];
    // streams this event ends without adding to them: their rest goes first
    for (const [key, t] of [...this.texts]) {
      if (!ending.has(key) || here.has(key)) continue;
      const rest = this.close(key, t);
      if (t.masker.blocked) return undefined;
      if (rest !== '') frames.push(serializeEvent(adapter.deltaEvent(key, rest, t.like, operation)));
    }
    const texts: string[] = [];
    const last = new Map<string, number>();
    step.deltas.forEach((d, i) => {
      let t = this.texts.get(d.key);
      if (!t) t = this.open(d.key, d.path, event);
      texts.push(t.masker.push(d.text));
      t.like = event;
      last.set(d.key, i);
    });
    for (const [key, i] of last) {
      const t = this.texts.get(key)!;
      if (ending.has(key)) texts[i] += this.close(key, t);
      if (t.masker.blocked) return undefined;
    }
    this.checkHeld();
    const rewritten = adapter.rewriteStreamEvent(event, operation, texts);
    frames.push(rewritten === event ? raw : serializeEvent(rewritten));
    return frames;
  }

  /** The open streams (and this event's) that `ends` names: a key, `prefix/*`, or `*`. */
  private ending(ends: readonly string[], here: ReadonlySet<string>): Set<string> {
    const out = new Set<string>();
    if (ends.length === 0) return out;
    const keys = [...this.texts.keys(), ...here];
    for (const e of ends) {
      if (e === '*') for (const k of keys) out.add(k);
      else if (e.endsWith('/*')) {
        const prefix = e.slice(0, -1);
        for (const k of keys) if (k.startsWith(prefix)) out.add(k);
      } else out.add(e);
    }
    return out;
  }

  private open(key: string, path: string, like: SseEvent): OpenText {
    if (this.texts.size >= this.maxOpen) {
      throw new StreamGuardError('stream_too_many_texts', `the upstream stream opened more than ${this.maxOpen} text streams at once; it was stopped`);
    }
    const t: OpenText = { masker: new StreamMasker(this.o.rules, this.o.classifiers, { path }), like };
    this.texts.set(key, t);
    return t;
  }

  /** Ends a text stream: returns what it still held, masked. */
  private close(key: string, t: OpenText): string {
    const rest = t.masker.end();
    this.texts.delete(key);
    this.closedMasked += t.masker.masked;
    for (const c of t.masker.classifiers) this.closedFound.add(c);
    return rest;
  }

  private checkHeld(): void {
    let held = 0;
    for (const t of this.texts.values()) held += t.masker.withheld;
    if (held > this.maxHeld) {
      throw new StreamGuardError('stream_held_too_much', `the upstream stream left more than ${this.maxHeld} characters of text undecided at once; it was stopped`);
    }
  }

  private block(): Uint8Array {
    this.isBlocked = true;
    this.stopped = true;
    for (const [key, t] of [...this.texts]) {
      this.texts.delete(key);
      this.closedMasked += t.masker.masked;
      for (const c of t.masker.classifiers) this.closedFound.add(c);
    }
    return utf8(serializeEvent(this.o.adapter.streamError(this.o.blockedError)));
  }
}
