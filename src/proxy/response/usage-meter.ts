import type { Operation, ProtocolAdapter, SseEvent, StreamEnder, Usage } from '../protocols/types.js';
import { WHOLE_PREFIX } from '../protocols/stream.js';
import { serializeEvent, SseParser } from '../sse.js';
import type { ChunkGuard } from '../stream.js';
import { TokenTally } from '../tally.js';

// A streamed response as a token budget sees it, bytes in, bytes out, after the mask
// guard (so it sees what the client receives). Pure and synchronous, like the guard.
//
// - Usage the upstream reports in the stream is kept (adapter.streamUsage); the
//   usage-only events the proxy asked for on the client's behalf are dropped
//   (`stripUsage`).
// - Every text delta released is counted with the model's tokenizer (whole texts
//   that repeat what was streamed — the Responses API's `.done` events — are not).
// - With a `completionLimit` (the completion tokens the reservation holds), an event
//   whose text would take the count past it is not sent: the stream ends there with
//   the protocol's own end for a reached cap (adapter.streamEnder), and `blocked`
//   tells the pipeline to stop reading and abort the upstream.
// Everything else passes through byte for byte.

export const QUOTA_CUT_CODE = 'quota_reservation_reached';

export interface UsageMeterOptions {
  adapter: ProtocolAdapter;
  operation: Operation;
  /** the tokenizer's model */
  model?: string;
  /** cut the stream before its delivered completion tokens pass this; undefined: never */
  completionLimit?: number;
  /** drop usage-only events (the proxy asked for usage, the client did not) */
  stripUsage: boolean;
  /** the client asked for usage in the stream: the end the proxy writes reports it */
  includeUsage: boolean;
  /** the prompt's tokens as reserved, reported at a cut when the upstream reported none */
  promptTokens: number;
  /** what the end event says, for people */
  cutMessage: string;
  maxEventBytes?: number;
}

export interface UsageMeter extends ChunkGuard {
  /** the usage the upstream reported so far (the latest value of each part) */
  readonly reported: Usage;
  /** the upstream ended the stream itself (not cut, not broken off) */
  readonly completed: boolean;
  /** the proxy ended the stream at the reservation */
  readonly cut: boolean;
  /** completion tokens delivered so far, counted exactly */
  delivered(): number;
}

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');

class Meter implements UsageMeter {
  private readonly parser: SseParser;
  private readonly tally: TokenTally;
  private readonly ender: StreamEnder | undefined;
  private usage: Usage = {};
  private stopped = false;
  private isCut = false;
  private ended = false;

  constructor(private readonly o: UsageMeterOptions) {
    this.parser = new SseParser(o.maxEventBytes === undefined ? {} : { maxEventBytes: o.maxEventBytes });
    this.tally = new TokenTally(o.model);
    this.ender = o.completionLimit === undefined ? undefined : o.adapter.streamEnder(o.operation);
  }

  get blocked(): boolean {
    return this.isCut;
  }

  get cut(): boolean {
    return this.isCut;
  }

  get completed(): boolean {
    return this.ended && !this.isCut;
  }

  get reported(): Usage {
    return this.usage;
  }

  delivered(): number {
    return this.tally.total();
  }

  push(chunk: Uint8Array): Uint8Array[] {
    if (this.stopped) return [];
    return this.items(this.parser.push(chunk));
  }

  end(): Uint8Array[] {
    if (this.stopped) return [];
    const out = this.items(this.parser.end());
    if (!this.stopped) this.ended = true;
    this.stopped = true;
    return out;
  }

  private items(items: ReturnType<SseParser['push']>): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const item of items) {
      if (item.kind !== 'event') {
        out.push(utf8(item.raw));
        continue;
      }
      const verdict = this.event(item.event);
      if (verdict === 'cut') {
        out.push(...this.cutHere());
        break;
      }
      if (verdict === 'send') out.push(utf8(item.raw));
    }
    return out;
  }

  /** Reads one event: send it, drop it (usage the client did not ask for), or cut the stream before it. */
  private event(event: SseEvent): 'send' | 'drop' | 'cut' {
    const { adapter, operation } = this.o;
    const u = adapter.streamUsage(event, operation);
    if (u) this.usage = { ...this.usage, ...u };
    if (this.o.stripUsage && adapter.isUsageOnlyEvent(event, operation)) return 'drop';
    const step = adapter.streamStep(event, operation);
    const counted = step.deltas.filter((d) => d.text !== '' && !d.key.startsWith(WHOLE_PREFIX));
    if (!this.tally.tryAdd(counted, this.o.completionLimit)) return 'cut';
    this.ender?.observe(event, step);
    return 'send';
  }

  private cutHere(): Uint8Array[] {
    this.isCut = true;
    this.stopped = true;
    const events = this.ender!.end({
      code: QUOTA_CUT_CODE,
      message: this.o.cutMessage,
      usage: { prompt: this.usage.prompt ?? this.o.promptTokens, completion: this.tally.total() },
      includeUsage: this.o.includeUsage,
    });
    return events.map((e) => utf8(serializeEvent(e)));
  }
}

export function createUsageMeter(opts: UsageMeterOptions): UsageMeter {
  return new Meter(opts);
}

/** Two guards in a row: the second sees what the first releases; either may stop the stream. */
export function chainGuards(first: ChunkGuard | undefined, second: ChunkGuard): ChunkGuard {
  if (!first) return second;
  const through = (chunks: Uint8Array[]): Uint8Array[] => {
    const out: Uint8Array[] = [];
    for (const c of chunks) {
      if (second.blocked) break;
      out.push(...second.push(c));
    }
    return out;
  };
  return {
    push: (chunk) => through(first.push(chunk)),
    end: () => {
      if (second.blocked) return [];
      const out = first.blocked ? [] : through(first.end());
      return second.blocked ? out : [...out, ...second.end()];
    },
    get blocked() {
      return first.blocked || second.blocked;
    },
  };
}
