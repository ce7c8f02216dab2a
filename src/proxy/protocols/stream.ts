import { ResponseFormatError, responseTooDeep } from './errors.js';
import { mapLeaves } from './json.js';
import type { SseEvent, StreamStep, TextDelta } from './types.js';

// One walk per protocol over an SSE event's JSON payload serves both streamStep
// (which texts the event carries, which streams it ends) and rewriteStreamEvent
// (the payload with those texts replaced, in the same order), so the two can never
// disagree. Two kinds of text:
// - a delta appends to a text stream (`key`) that continues in later events;
// - a whole text is complete in this event (the Responses API repeats each finished
//   text in its `.done` events and in `response.completed`): it is reported as a
//   delta of a stream of its own, `whole:<path>`, which the same event ends — so a
//   stream guard masks it at once, like a non-streamed body.

export interface Slots {
  /** text appended to the stream `key`; returns the text to put in its place */
  delta(text: string, key: string, path: string): string;
  /** a complete text (a stream that starts and ends in this event) */
  whole(text: string, path: string): string;
  /** the event ends the stream `key` (`prefix/*`: every stream under the prefix; `*`: all) */
  end(key: string): void;
}

/** The walk of one protocol: the payload with its texts passed through `slots` (copied only where changed). */
export type EventWalk = (payload: unknown, event: SseEvent, slots: Slots) => unknown;

export const WHOLE_PREFIX = 'whole:';

/** An event's data as JSON; `undefined` for an empty data field (nothing to inspect). */
export function eventJson(event: SseEvent): unknown {
  if (event.data.trim() === '') return undefined;
  try {
    return JSON.parse(event.data) as unknown;
  } catch {
    // never echo the data: it is generated text
    throw new ResponseFormatError('invalid_stream_event', `the upstream sent an SSE event${event.event ? ` (${event.event})` : ''} whose data is not JSON; it cannot be inspected`);
  }
}

export function stepOf(walk: EventWalk, event: SseEvent, payload: unknown): StreamStep {
  const deltas: TextDelta[] = [];
  const ends: string[] = [];
  walk(payload, event, {
    delta(text, key, path) {
      deltas.push({ key, text, path });
      return text;
    },
    whole(text, path) {
      const key = WHOLE_PREFIX + path;
      deltas.push({ key, text, path });
      ends.push(key);
      return text;
    },
    end(key) {
      if (!ends.includes(key)) ends.push(key);
    },
  });
  return { deltas, ends };
}

export function rewriteWith(walk: EventWalk, event: SseEvent, payload: unknown, texts: readonly string[]): SseEvent {
  let i = 0;
  const take = (): string => {
    if (i >= texts.length) throw new RangeError(`rewriteStreamEvent: ${texts.length} texts for an event with more deltas`);
    return texts[i++]!;
  };
  const out = walk(payload, event, { delta: take, whole: take, end() {} });
  if (i !== texts.length) throw new RangeError(`rewriteStreamEvent: ${texts.length} texts for an event with ${i} deltas`);
  if (out === payload) return event;
  return { ...event, data: JSON.stringify(out) };
}

/** A field of generated text inside a streamed payload: a string is a delta of `key`; any other value's strings are whole texts. */
export function streamed(v: unknown, key: string, path: string, s: Slots): unknown {
  if (v === undefined || v === null) return v;
  if (typeof v === 'string') return s.delta(v, key, path);
  return mapLeaves(v, path, (t, p) => s.whole(t, p), responseTooDeep);
}

/** A visitor for the whole-body walks (./openai-response.ts) that reports every text as a whole text. */
export function wholeVisit(s: Slots): (text: string, path: string) => string {
  return (t, p) => s.whole(t, p);
}
