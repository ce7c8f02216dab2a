import type { HandlerContext } from './context.js';
import { MockError } from './errors.js';
import { asBody, contentText, isObject, optionalBool, optionalInt, requiredArray, requiredString, type Body } from './fields.js';
import { randomId } from './ids.js';
import { chatPromptTokens, generate, pieces, type Generation } from './model.js';
import { eventFrame, type Frame, type Reply } from './sse.js';

// POST /v1/messages (Anthropic): a `message`, or the named events
//   message_start, content_block_start, ping, content_block_delta…,
//   content_block_stop, message_delta, message_stop
// with text_delta for text and input_json_delta for a tool_use block. As the real
// API, it wants an `anthropic-version` header and a `max_tokens`.

const TEXT_BLOCKS = ['text'];
const MAX_TOKENS = 1_000_000;

function messagesOf(body: Body): Body[] {
  return requiredArray(body, 'messages').map((m, i) => {
    if (!isObject(m) || (m['role'] !== 'user' && m['role'] !== 'assistant')) {
      throw new MockError(400, `messages.${i}.role: Input should be 'user' or 'assistant'`, `messages.${i}.role`);
    }
    return m;
  });
}

function lastUserText(messages: readonly Body[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!['role'] === 'user') return contentText(messages[i]!['content'], TEXT_BLOCKS);
  }
  return '';
}

function stopReason(gen: Generation): string {
  if (gen.kind === 'tool') return 'tool_use';
  return gen.finish === 'length' ? 'max_tokens' : 'end_turn';
}

function block(gen: Generation, toolId: string): Record<string, unknown> {
  return gen.kind === 'tool' ? { type: 'tool_use', id: toolId, name: gen.name, input: gen.input } : { type: 'text', text: gen.text };
}

export function messages(raw: unknown, ctx: HandlerContext): Reply {
  if (ctx.headers['anthropic-version'] === undefined) throw new MockError(400, 'anthropic-version: header is required');
  const body = asBody(raw);
  const model = requiredString(body, 'model');
  const cap = optionalInt(body, 'max_tokens', 1, MAX_TOKENS);
  if (cap === undefined) throw new MockError(400, 'max_tokens: Field required', 'max_tokens');
  const msgs = messagesOf(body);
  const stream = optionalBool(body, 'stream');
  const gen = generate(lastUserText(msgs), cap, true);
  const system = contentText(body['system'], TEXT_BLOCKS);
  const inputTokens = chatPromptTokens([...(system ? [system] : []), ...msgs.map((m) => contentText(m['content'], TEXT_BLOCKS))]);
  const id = randomId('msg_01', 22);
  const toolId = randomId('toolu_01', 22);
  const usage = (output: number): Record<string, unknown> => ({
    input_tokens: inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: output,
    service_tier: 'standard',
  });
  const message = (content: unknown[], stop: string | null, output: number): Record<string, unknown> => ({
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: usage(output),
  });
  if (!stream) return { kind: 'json', body: message([block(gen, toolId)], stopReason(gen), gen.tokens) };

  function* events(): Generator<Frame> {
    yield eventFrame('message_start', { message: message([], null, 1) });
    yield eventFrame('content_block_start', {
      index: 0,
      content_block: gen.kind === 'tool' ? { type: 'tool_use', id: toolId, name: gen.name, input: {} } : { type: 'text', text: '' },
    });
    yield eventFrame('ping', {});
    for (const part of pieces(gen.kind === 'tool' ? gen.arguments : gen.text, ctx.chunkChars)) {
      const delta = gen.kind === 'tool' ? { type: 'input_json_delta', partial_json: part } : { type: 'text_delta', text: part };
      yield eventFrame('content_block_delta', { index: 0, delta }, true);
    }
    yield eventFrame('content_block_stop', { index: 0 });
    yield eventFrame('message_delta', { delta: { stop_reason: stopReason(gen), stop_sequence: null }, usage: { output_tokens: gen.tokens } });
    yield eventFrame('message_stop', {});
  }
  return { kind: 'sse', frames: events() };
}
