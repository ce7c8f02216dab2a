import { childPath, isObject, mapItems, own, withKey, type JsonObject } from './json.js';
import {
  chatMessageTexts,
  responsesItemTexts,
  responsesObjectTexts,
  responsesPartTexts,
  slot,
  withoutLogprobs,
} from './openai-response.js';
import { streamed, wholeVisit, WHOLE_PREFIX, type EventWalk, type Slots } from './stream.js';
import type { SseEvent } from './types.js';

// Where generated text lives in OpenAI's streams, and how to add text to a stream.
//
// Chat and completions send unnamed events, one chunk each, and `data: [DONE]` at
// the end. A chunk's choices carry deltas keyed by choice index: `0/content`,
// `0/refusal`, `0/tool_calls/1/arguments`, `0/function_call/arguments`, `1/text`
// (completions). A choice's `finish_reason` ends `<index>/*` — all of that choice's
// streams, whatever tool calls it opened — and `[DONE]` ends `*`. Usage-only chunks
// (`choices: []`) and error chunks carry nothing.
//
// The Responses API sends named events. Each `response.<kind>.delta` (output text,
// refusal, function call arguments, reasoning text and summaries, custom tool input,
// MCP arguments, code interpreter code, audio transcript — not `response.audio.delta`,
// which is audio) is a delta of `out/<output_index>/<kind>/<c<content_index> |
// s<summary_index> | ->`; the matching `.done` event ends that stream. Finished
// texts that events repeat — `.done` events' `text`/`arguments`/..., the `part` of
// `content_part.*` and `reasoning_summary_part.*`, the `item` of `output_item.*`,
// the `response` of `response.created` ... `response.completed` — are whole texts
// (see ./stream.ts). `output_item.done` ends `out/<output_index>/*`;
// `response.completed`, `.failed` and `.incomplete` end `*`.

export const DONE = '[DONE]';

export function isDone(event: SseEvent): boolean {
  return event.data.trim() === DONE;
}

function eachChoice(p: JsonObject, f: (choice: JsonObject, at: string, index: number) => JsonObject): JsonObject {
  const choices = own(p, 'choices');
  if (!Array.isArray(choices)) return p;
  return withKey(
    p,
    'choices',
    mapItems(choices, (c, i) => {
      if (!isObject(c)) return c;
      const index = own(c, 'index');
      return f(c, childPath('$.choices', i), typeof index === 'number' ? index : i);
    }),
  );
}

function field(o: JsonObject, key: string, path: string, streamKey: string, s: Slots): JsonObject {
  return withKey(o, key, streamed(own(o, key), streamKey, childPath(path, key), s));
}

function nested(o: JsonObject, key: string, path: string, g: (x: JsonObject, at: string) => JsonObject): JsonObject {
  const v = own(o, key);
  return isObject(v) ? withKey(o, key, g(v, childPath(path, key))) : o;
}

function chatDelta(d: JsonObject, at: string, c: number, s: Slots): JsonObject {
  let out = field(d, 'content', at, `${c}/content`, s);
  out = field(out, 'refusal', at, `${c}/refusal`, s);
  out = field(out, 'reasoning_content', at, `${c}/reasoning_content`, s);
  out = field(out, 'reasoning', at, `${c}/reasoning`, s);
  const calls = own(out, 'tool_calls');
  if (Array.isArray(calls)) {
    const callsPath = childPath(at, 'tool_calls');
    out = withKey(
      out,
      'tool_calls',
      mapItems(calls, (x, j) => {
        if (!isObject(x)) return x;
        const n = typeof own(x, 'index') === 'number' ? (own(x, 'index') as number) : j;
        const cp = childPath(callsPath, j);
        const call = nested(x, 'function', cp, (fn, p) => field(fn, 'arguments', p, `${c}/tool_calls/${n}/arguments`, s));
        return nested(call, 'custom', cp, (cu, p) => field(cu, 'input', p, `${c}/tool_calls/${n}/input`, s));
      }),
    );
  }
  out = nested(out, 'function_call', at, (fc, p) => field(fc, 'arguments', p, `${c}/function_call/arguments`, s));
  return nested(out, 'audio', at, (a, p) => field(a, 'transcript', p, `${c}/audio/transcript`, s));
}

export const chatChunkWalk: EventWalk = (payload, event, s) => {
  if (isDone(event)) {
    s.end('*');
    return payload;
  }
  if (!isObject(payload)) return payload;
  return eachChoice(payload, (choice, at, c) => {
    let out = nested(choice, 'delta', at, (d, p) => chatDelta(d, p, c, s));
    // some servers put a whole message in a chunk
    out = nested(out, 'message', at, (m, p) => chatMessageTexts(m, p, wholeVisit(s)));
    out = withoutLogprobs(out);
    const finish = own(out, 'finish_reason');
    if (finish !== undefined && finish !== null) s.end(`${c}/*`);
    return out;
  });
};

export const completionChunkWalk: EventWalk = (payload, event, s) => {
  if (isDone(event)) {
    s.end('*');
    return payload;
  }
  if (!isObject(payload)) return payload;
  return eachChoice(payload, (choice, at, c) => {
    const out = withoutLogprobs(field(choice, 'text', at, `${c}/text`, s));
    const finish = own(out, 'finish_reason');
    if (finish !== undefined && finish !== null) s.end(`${c}/*`);
    return out;
  });
};

export const LIFECYCLE = new Set(['response.created', 'response.in_progress', 'response.queued', 'response.completed', 'response.failed', 'response.incomplete']);
export const FINAL = new Set(['response.completed', 'response.failed', 'response.incomplete']);
/** The fields in which `.done` events repeat a finished text. */
const DONE_TEXT_FIELDS = ['text', 'refusal', 'arguments', 'input', 'code', 'transcript'];
const PART_KINDS: Record<string, string> = { output_text: 'output_text', refusal: 'refusal', reasoning_text: 'reasoning_text', summary_text: 'reasoning_summary_text' };

function index(p: JsonObject, key: string): string | undefined {
  const v = own(p, key);
  return typeof v === 'number' ? String(v) : undefined;
}

/** The stream key of a Responses API event of `kind` (`output_text`, `function_call_arguments`, ...). */
export function responsesKey(p: JsonObject, kind: string): string {
  const c = index(p, 'content_index');
  const sIdx = index(p, 'summary_index');
  const sub = c !== undefined ? `c${c}` : sIdx !== undefined ? `s${sIdx}` : '-';
  return `out/${index(p, 'output_index') ?? '-'}/${kind}/${sub}`;
}

/** `response.output_text.delta` → `output_text`; undefined unless the event is a text delta or done. */
function kindOf(type: string, suffix: '.delta' | '.done'): string | undefined {
  if (!type.startsWith('response.') || !type.endsWith(suffix)) return undefined;
  const kind = type.slice('response.'.length, -suffix.length);
  // audio itself (base64), not its transcript
  if (kind === 'audio' || kind === 'output_audio') return undefined;
  return kind;
}

export const responsesEventWalk: EventWalk = (payload, event, s) => {
  if (isDone(event)) {
    s.end('*');
    return payload;
  }
  if (!isObject(payload)) return payload;
  const t = own(payload, 'type') ?? event.event;
  if (typeof t !== 'string') return payload;
  const whole = wholeVisit(s);
  if (LIFECYCLE.has(t)) {
    const out = nested(payload, 'response', '$', (r, at) => responsesObjectTexts(r, at, whole));
    if (FINAL.has(t)) s.end('*');
    return out;
  }
  if (t === 'response.output_item.added' || t === 'response.output_item.done') {
    const out = nested(payload, 'item', '$', (it, at) => responsesItemTexts(it, at, whole));
    if (t.endsWith('.done')) s.end(`out/${index(payload, 'output_index') ?? '-'}/*`);
    return out;
  }
  if (t.startsWith('response.content_part.') || t.startsWith('response.reasoning_summary_part.')) {
    const out = nested(payload, 'part', '$', (part, at) => responsesPartTexts(part, at, whole));
    const part = own(payload, 'part');
    const kind = isObject(part) && typeof own(part, 'type') === 'string' ? PART_KINDS[own(part, 'type') as string] : undefined;
    if (t.endsWith('.done') && kind) s.end(responsesKey(payload, kind));
    return out;
  }
  const deltaKind = kindOf(t, '.delta');
  if (deltaKind !== undefined) {
    return withoutLogprobs(field(payload, 'delta', '$', responsesKey(payload, deltaKind), s));
  }
  const doneKind = kindOf(t, '.done');
  if (doneKind !== undefined) {
    let out = payload;
    for (const f of DONE_TEXT_FIELDS) out = slot(out, f, '$', whole);
    s.end(responsesKey(payload, doneKind));
    return withoutLogprobs(out);
  }
  // error, keepalive, annotations, tool progress: no generated text
  return payload;
};

// --- synthetic deltas --------------------------------------------------------

export function parsedLike(like: SseEvent): JsonObject {
  try {
    const v = JSON.parse(like.data) as unknown;
    return isObject(v) ? v : {};
  } catch {
    return {};
  }
}

/** The chunk fields to copy from `like` (id, object, created, model, ...); usage is per stream, not per chunk. */
export function chunkHeader(like: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(like)) {
    if (k === 'choices') continue;
    Object.defineProperty(out, k, { value: k === 'usage' ? null : like[k], enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function chatDeltaFor(rest: string, text: string): JsonObject {
  const parts = rest.split('/');
  if (parts[0] === 'tool_calls' && parts.length === 3) {
    const n = Number(parts[1]);
    return { tool_calls: [parts[2] === 'input' ? { index: n, custom: { input: text } } : { index: n, function: { arguments: text } }] };
  }
  if (parts[0] === 'function_call') return { function_call: { arguments: text } };
  if (parts[0] === 'audio') return { audio: { transcript: text } };
  if (parts.length === 1 && ['content', 'refusal', 'reasoning_content', 'reasoning'].includes(parts[0]!)) return { [parts[0]!]: text };
  throw new RangeError(`deltaEvent: no chat delta for stream key ${rest}`);
}

function choiceIndex(key: string): [number, string] {
  const slash = key.indexOf('/');
  const n = Number(key.slice(0, slash));
  if (slash < 0 || !Number.isSafeInteger(n)) throw new RangeError(`deltaEvent: ${key} is not a stream key of this protocol`);
  return [n, key.slice(slash + 1)];
}

export function chatDeltaEvent(key: string, text: string, like: SseEvent): SseEvent {
  const [index, rest] = choiceIndex(key);
  const chunk = chunkHeader(parsedLike(like));
  chunk['choices'] = [{ index, delta: chatDeltaFor(rest, text), logprobs: null, finish_reason: null }];
  return { data: JSON.stringify(chunk) };
}

export function completionDeltaEvent(key: string, text: string, like: SseEvent): SseEvent {
  const [index, rest] = choiceIndex(key);
  if (rest !== 'text') throw new RangeError(`deltaEvent: no completion delta for stream key ${key}`);
  const chunk = chunkHeader(parsedLike(like));
  chunk['choices'] = [{ text, index, logprobs: null, finish_reason: null }];
  return { data: JSON.stringify(chunk) };
}

export function responsesDeltaEvent(key: string, text: string, like: SseEvent): SseEvent {
  const p = parsedLike(like);
  const t = own(p, 'type') ?? like.event;
  if (key.startsWith(WHOLE_PREFIX) || typeof t !== 'string' || kindOf(t, '.delta') === undefined) {
    throw new RangeError(`deltaEvent: stream key ${key} needs the delta event it was last seen in`);
  }
  let out = withKey(p, 'delta', text);
  if (Array.isArray(own(out, 'logprobs'))) out = withKey(out, 'logprobs', []);
  return { event: t, data: JSON.stringify(out) };
}
