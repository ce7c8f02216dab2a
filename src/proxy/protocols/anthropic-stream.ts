import { responseTooDeep } from './errors.js';
import { childPath, isObject, mapItems, mapLeaves, own, withKey, type JsonObject, type Visit } from './json.js';
import { streamed, wholeVisit, type EventWalk } from './stream.js';
import type { SseEvent } from './types.js';

// Where generated text lives in an Anthropic Messages response, whole or streamed.
//
// A message's `content[]` blocks: `text.text`, `thinking.thinking` (masking it
// breaks the block's signature if the client sends it back: the upstream then
// refuses that turn, which is the safe failure), and the string leaves of
// `tool_use` / `server_tool_use` `input`. Citations quote the client's own
// documents and are left alone.
//
// Streams are keyed by block index, `block/<index>`: `content_block_start` may
// already carry text (a delta), `content_block_delta` carries `text_delta.text`,
// `input_json_delta.partial_json` (the tool input as raw JSON text) or
// `thinking_delta.thinking`; `content_block_stop` ends the block's stream and
// `message_stop` ends `*`. `ping`, `message_delta`, signature and citation deltas
// and `error` carry no text.

const TOOL_BLOCKS = new Set(['tool_use', 'server_tool_use', 'mcp_tool_use']);

function blockTexts(b: JsonObject, path: string, f: Visit): JsonObject {
  const type = own(b, 'type');
  if (TOOL_BLOCKS.has(type as string)) {
    const input = own(b, 'input');
    return withKey(b, 'input', mapLeaves(input, childPath(path, 'input'), f, responseTooDeep));
  }
  const field = type === 'thinking' ? 'thinking' : 'text';
  const v = own(b, field);
  if (typeof v === 'string') return withKey(b, field, f(v, childPath(path, field)));
  return b;
}

function messageTexts(m: JsonObject, path: string, f: Visit): JsonObject {
  const content = own(m, 'content');
  if (!Array.isArray(content)) return m;
  const at = childPath(path, 'content');
  return withKey(m, 'content', mapItems(content, (b, i) => (isObject(b) ? blockTexts(b, childPath(at, i), f) : b)));
}

export function messagesResponseTexts(body: unknown, f: Visit): unknown {
  return isObject(body) ? messageTexts(body, '$', f) : body;
}

function blockIndex(p: JsonObject): number | undefined {
  const i = own(p, 'index');
  return typeof i === 'number' ? i : undefined;
}

const DELTA_FIELDS: Record<string, string> = { text_delta: 'text', input_json_delta: 'partial_json', thinking_delta: 'thinking' };
const NO_TEXT_DELTAS = new Set(['signature_delta', 'citations_delta']);

export const messagesEventWalk: EventWalk = (payload, event, s) => {
  if (!isObject(payload)) return payload;
  const t = own(payload, 'type') ?? event.event;
  const i = blockIndex(payload);
  switch (t) {
    case 'message_start': {
      const m = own(payload, 'message');
      return isObject(m) ? withKey(payload, 'message', messageTexts(m, '$.message', wholeVisit(s))) : payload;
    }
    case 'content_block_start': {
      const b = own(payload, 'content_block');
      if (!isObject(b) || i === undefined) return payload;
      const at = '$.content_block';
      const type = own(b, 'type');
      if (TOOL_BLOCKS.has(type as string)) return withKey(payload, 'content_block', blockTexts(b, at, wholeVisit(s)));
      const field = type === 'thinking' ? 'thinking' : 'text';
      return withKey(payload, 'content_block', withKey(b, field, streamed(own(b, field), `block/${i}`, childPath(at, field), s)));
    }
    case 'content_block_delta': {
      const d = own(payload, 'delta');
      if (!isObject(d) || i === undefined) return payload;
      const type = own(d, 'type');
      if (NO_TEXT_DELTAS.has(type as string)) return payload;
      const field = DELTA_FIELDS[type as string] ?? 'text';
      return withKey(payload, 'delta', withKey(d, field, streamed(own(d, field), `block/${i}`, childPath('$.delta', field), s)));
    }
    case 'content_block_stop':
      if (i !== undefined) s.end(`block/${i}`);
      return payload;
    case 'message_stop':
      s.end('*');
      return payload;
    default:
      // ping, message_delta, error
      return payload;
  }
};

/** A `content_block_delta` appending `text` to block `key` (`block/<index>`), of the kind `like` shows the block is. */
export function messagesDeltaEvent(key: string, text: string, like: SseEvent): SseEvent {
  const m = /^block\/(\d+)$/.exec(key);
  if (!m) throw new RangeError(`deltaEvent: ${key} is not a stream key of the anthropic protocol`);
  let p: unknown;
  try {
    p = JSON.parse(like.data);
  } catch {
    p = undefined;
  }
  let deltaType = 'text_delta';
  if (isObject(p)) {
    const d = own(p, 'delta');
    const b = own(p, 'content_block');
    if (isObject(d) && typeof own(d, 'type') === 'string' && !NO_TEXT_DELTAS.has(own(d, 'type') as string)) deltaType = own(d, 'type') as string;
    else if (isObject(b) && own(b, 'type') === 'thinking') deltaType = 'thinking_delta';
    else if (isObject(b) && TOOL_BLOCKS.has(own(b, 'type') as string)) deltaType = 'input_json_delta';
  }
  const field = DELTA_FIELDS[deltaType] ?? 'text';
  return {
    event: 'content_block_delta',
    data: JSON.stringify({ type: 'content_block_delta', index: Number(m[1]), delta: { type: deltaType, [field]: text } }),
  };
}
