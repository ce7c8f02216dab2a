// Realistic SSE streams as OpenAI and Anthropic servers send them (the shapes of
// their documented chunk / event objects), built from texts cut into deltas, for the
// stream guard's tests.

import type { SseEvent } from '../../../src/proxy/protocols/types.js';
import { serializeEvent } from '../../../src/proxy/sse.js';

export interface Frame {
  /** SSE text of the frame (an event or a comment) */
  text: string;
}

const ev = (data: unknown, event?: string): string => serializeEvent({ ...(event ? { event } : {}), data: typeof data === 'string' ? data : JSON.stringify(data) });

export interface ChatStreamSpec {
  /** the assistant's content, as deltas */
  content: string[];
  /** one tool call's arguments, as deltas (none when empty) */
  args: string[];
  usage: boolean;
  /** frame indexes after which a keep-alive comment is sent */
  keepAlive: number[];
  /** put the last content delta in the chunk that carries finish_reason */
  finishWithContent: boolean;
}

/** An OpenAI chat completions stream (`stream: true`, optionally `include_usage`). */
export function chatStream(s: ChatStreamSpec): string[] {
  const head = { id: 'chatcmpl-9xYz', object: 'chat.completion.chunk', created: 1_718_000_000, model: 'gpt-4.1-mini-2025-04-14', service_tier: 'default', system_fingerprint: 'fp_38343a2f8f' };
  const chunk = (delta: object, finish: string | null = null, extra: object = {}) => ({
    ...head,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(s.usage ? { usage: null } : {}),
    ...extra,
  });
  const frames: string[] = [ev(chunk({ role: 'assistant', content: '', refusal: null }))];
  const content = [...s.content];
  const last = s.finishWithContent && s.args.length === 0 ? content.pop() : undefined;
  for (const c of content) frames.push(ev(chunk({ content: c })));
  if (s.args.length > 0) {
    frames.push(ev(chunk({ tool_calls: [{ index: 0, id: 'call_Qm8xE2', type: 'function', function: { name: 'send_email', arguments: '' } }] })));
    for (const a of s.args) frames.push(ev(chunk({ tool_calls: [{ index: 0, function: { arguments: a } }] })));
  }
  frames.push(ev(chunk(last !== undefined ? { content: last } : {}, s.args.length > 0 ? 'tool_calls' : 'stop')));
  if (s.usage) {
    frames.push(ev({ ...head, choices: [], usage: { prompt_tokens: 19, completion_tokens: 87, total_tokens: 106, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } } }));
  }
  frames.push(ev('[DONE]'));
  return withKeepAlives(frames, s.keepAlive, ': keep-alive\n\n');
}

export interface MessagesStreamSpec {
  /** the text block, as deltas */
  text: string[];
  /** a tool_use block's input JSON, as partial_json deltas (none when empty) */
  input: string[];
  pings: number[];
}

/** An Anthropic Messages stream. */
export function messagesStream(s: MessagesStreamSpec): string[] {
  const frames: string[] = [
    ev(
      {
        type: 'message_start',
        message: { id: 'msg_01XFDUDYJgAACzvnptvVoYEL', type: 'message', role: 'assistant', content: [], model: 'claude-sonnet-4-20250514', stop_reason: null, stop_sequence: null, usage: { input_tokens: 25, output_tokens: 1 } },
      },
      'message_start',
    ),
    ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
    ev({ type: 'ping' }, 'ping'),
  ];
  for (const t of s.text) frames.push(ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } }, 'content_block_delta'));
  frames.push(ev({ type: 'content_block_stop', index: 0 }, 'content_block_stop'));
  if (s.input.length > 0) {
    frames.push(ev({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'send_email', input: {} } }, 'content_block_start'));
    for (const p of s.input) frames.push(ev({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: p } }, 'content_block_delta'));
    frames.push(ev({ type: 'content_block_stop', index: 1 }, 'content_block_stop'));
  }
  frames.push(ev({ type: 'message_delta', delta: { stop_reason: s.input.length > 0 ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 42 } }, 'message_delta'));
  frames.push(ev({ type: 'message_stop' }, 'message_stop'));
  return withKeepAlives(frames, s.pings, ev({ type: 'ping' }, 'ping'));
}

/** An OpenAI Responses API stream of one message with one output_text part. */
export function responsesStream(deltas: string[]): string[] {
  const text = deltas.join('');
  const msg = (t: string, status: string) => ({ id: 'msg_67ccd3acc8d48190a77525dc6de64b4104becd8d5f6d7bbc', type: 'message', status, role: 'assistant', content: t === '' && status === 'in_progress' ? [] : [{ type: 'output_text', text: t, annotations: [] }] });
  const response = (status: string, output: unknown[]) => ({ id: 'resp_67ccd3a9da748190baa7f1570fe91ac604becd8d5f6d7bbc', object: 'response', created_at: 1_741_476_777, status, model: 'gpt-4.1-2025-04-14', output });
  const base = { item_id: 'msg_67ccd3acc8d48190a77525dc6de64b4104becd8d5f6d7bbc', output_index: 0, content_index: 0 };
  const frames = [
    ev({ type: 'response.created', sequence_number: 0, response: response('in_progress', []) }, 'response.created'),
    ev({ type: 'response.output_item.added', sequence_number: 1, output_index: 0, item: msg('', 'in_progress') }, 'response.output_item.added'),
    ev({ type: 'response.content_part.added', sequence_number: 2, ...base, part: { type: 'output_text', text: '', annotations: [] } }, 'response.content_part.added'),
    ...deltas.map((d, i) => ev({ type: 'response.output_text.delta', sequence_number: 3 + i, ...base, delta: d, logprobs: [] }, 'response.output_text.delta')),
    ev({ type: 'response.output_text.done', sequence_number: 3 + deltas.length, ...base, text, logprobs: [] }, 'response.output_text.done'),
    ev({ type: 'response.content_part.done', sequence_number: 4 + deltas.length, ...base, part: { type: 'output_text', text, annotations: [] } }, 'response.content_part.done'),
    ev({ type: 'response.output_item.done', sequence_number: 5 + deltas.length, output_index: 0, item: msg(text, 'completed') }, 'response.output_item.done'),
    ev({ type: 'response.completed', sequence_number: 6 + deltas.length, response: response('completed', [msg(text, 'completed')]) }, 'response.completed'),
  ];
  return frames;
}

function withKeepAlives(frames: string[], after: readonly number[], keepAlive: string): string[] {
  const out: string[] = [];
  frames.forEach((f, i) => {
    out.push(f);
    // never after the last frame: [DONE] / message_stop stay last
    if (i < frames.length - 1) for (const a of after) if (a % frames.length === i) out.push(keepAlive);
  });
  return out;
}

/** `text` cut into deltas at the given points (no empty delta). */
export function deltasOf(text: string, cuts: readonly number[]): string[] {
  const at = [0, ...[...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b), text.length];
  const out: string[] = [];
  for (let i = 1; i < at.length; i++) if (at[i]! > at[i - 1]!) out.push(text.slice(at[i - 1], at[i]));
  return out.length > 0 ? out : [''];
}

export type { SseEvent };
