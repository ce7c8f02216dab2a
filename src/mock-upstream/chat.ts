import type { HandlerContext } from './context.js';
import { MockError } from './errors.js';
import { asBody, contentText, includeUsage, isObject, optionalBool, optionalInt, requiredArray, requiredString, type Body } from './fields.js';
import { randomId, unixSeconds } from './ids.js';
import { chatPromptTokens, generate, pieces, type Generation } from './model.js';
import { DONE, dataFrame, withKeepAlives, type Frame, type Reply } from './sse.js';

// POST /v1/chat/completions: a `chat.completion`, or a stream of
// `chat.completion.chunk` data frames ending in [DONE].

export const SYSTEM_FINGERPRINT = 'fp_7f3d2a91c0';
const TEXT_PARTS = ['text'];
const MAX_TOKENS = 1_000_000;

interface Chat {
  id: string;
  created: number;
  model: string;
  n: number;
  gen: Generation;
  callId: string;
  usage: Record<string, unknown>;
}

function messagesOf(body: Body): Body[] {
  return requiredArray(body, 'messages').map((m, i) => {
    if (!isObject(m) || typeof m['role'] !== 'string') {
      throw new MockError(400, `Invalid 'messages[${i}]': expected an object with a string 'role'.`, `messages[${i}]`, 'invalid_type');
    }
    return m;
  });
}

function lastUserText(messages: readonly Body[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!['role'] === 'user') return contentText(messages[i]!['content'], TEXT_PARTS);
  }
  return '';
}

function message(c: Chat): Record<string, unknown> {
  if (c.gen.kind === 'tool') {
    return {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: c.callId, type: 'function', function: { name: c.gen.name, arguments: c.gen.arguments } }],
      refusal: null,
      annotations: [],
    };
  }
  return { role: 'assistant', content: c.gen.text, refusal: null, annotations: [] };
}

function finishReason(gen: Generation): string {
  return gen.kind === 'tool' ? 'tool_calls' : gen.finish;
}

function* chunks(c: Chat, chunkChars: number, withUsage: boolean): Generator<Frame> {
  const base = (choices: unknown[]): Record<string, unknown> => ({
    id: c.id,
    object: 'chat.completion.chunk',
    created: c.created,
    model: c.model,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices,
    ...(withUsage ? { usage: null } : {}),
  });
  const choice = (index: number, delta: unknown, finish: string | null = null): unknown => ({ index, delta, logprobs: null, finish_reason: finish });
  const gen = c.gen;
  for (let i = 0; i < c.n; i++) {
    const first =
      gen.kind === 'tool'
        ? { role: 'assistant', content: null, tool_calls: [{ index: 0, id: c.callId, type: 'function', function: { name: gen.name, arguments: '' } }], refusal: null }
        : { role: 'assistant', content: '', refusal: null };
    yield dataFrame(base([choice(i, first)]));
  }
  const parts = pieces(gen.kind === 'tool' ? gen.arguments : gen.text, chunkChars);
  for (const part of parts) {
    for (let i = 0; i < c.n; i++) {
      const delta = gen.kind === 'tool' ? { tool_calls: [{ index: 0, function: { arguments: part } }] } : { content: part };
      yield dataFrame(base([choice(i, delta)]), true);
    }
  }
  for (let i = 0; i < c.n; i++) yield dataFrame(base([choice(i, {}, finishReason(gen))]));
  if (withUsage) yield dataFrame({ ...base([]), usage: c.usage });
  yield DONE;
}

export function chatCompletions(raw: unknown, ctx: HandlerContext): Reply {
  const body = asBody(raw);
  const model = requiredString(body, 'model');
  const messages = messagesOf(body);
  const n = optionalInt(body, 'n', 1, 128) ?? 1;
  const cap = optionalInt(body, 'max_completion_tokens', 1, MAX_TOKENS) ?? optionalInt(body, 'max_tokens', 1, MAX_TOKENS);
  const stream = optionalBool(body, 'stream');
  const gen = generate(lastUserText(messages), cap, true);
  const promptTokens = chatPromptTokens(messages.map((m) => contentText(m['content'], TEXT_PARTS)));
  const completionTokens = gen.tokens * n;
  const c: Chat = {
    id: randomId('chatcmpl-', 29),
    created: unixSeconds(),
    model,
    n,
    gen,
    callId: randomId('call_', 24),
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
  };
  if (stream) return { kind: 'sse', frames: withKeepAlives(chunks(c, ctx.chunkChars, includeUsage(body))) };
  return {
    kind: 'json',
    body: {
      id: c.id,
      object: 'chat.completion',
      created: c.created,
      model,
      choices: Array.from({ length: n }, (_, index) => ({ index, message: message(c), logprobs: null, finish_reason: finishReason(gen) })),
      usage: c.usage,
      service_tier: 'default',
      system_fingerprint: SYSTEM_FINGERPRINT,
    },
  };
}
