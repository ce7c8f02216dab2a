import type { HandlerContext } from './context.js';
import { MockError } from './errors.js';
import { asBody, contentText, isObject, optionalBool, optionalInt, type Body } from './fields.js';
import { randomHexId, randomId, unixSeconds } from './ids.js';
import { generate, pieces, type Generation } from './model.js';
import { countTokens } from './tokens.js';
import { eventFrame, withKeepAlives, type Frame, type Reply } from './sse.js';

// POST /v1/responses: a `response` object, or the Responses API's named events in
// the order the real API sends them:
//   response.created, response.in_progress, response.output_item.added,
//   response.content_part.added, response.output_text.delta…, response.output_text.done,
//   response.content_part.done, response.output_item.done, response.completed
// (a function call: output_item.added, function_call_arguments.delta…,
// function_call_arguments.done, output_item.done). A capped text ends with
// response.incomplete, as the real API does when max_output_tokens cuts it.

const TEXT_PARTS = ['input_text', 'output_text', 'text'];
const MAX_TOKENS = 1_000_000;

interface InputText {
  role: string;
  text: string;
}

/** Every text of `input` with its role; a string input is one user message. */
function inputTexts(body: Body): InputText[] {
  const input = body['input'];
  if (input === undefined || input === null) throw new MockError(400, "Missing required parameter: 'input'.", 'input', 'missing_required_parameter');
  if (typeof input === 'string') return [{ role: 'user', text: input }];
  if (!Array.isArray(input)) throw new MockError(400, "Invalid type for 'input': expected a string or an array of input items.", 'input', 'invalid_type');
  const out: InputText[] = [];
  input.forEach((item, i) => {
    if (!isObject(item)) throw new MockError(400, `Invalid 'input[${i}]': expected an object.`, `input[${i}]`, 'invalid_type');
    if (typeof item['role'] === 'string') out.push({ role: item['role'], text: contentText(item['content'], TEXT_PARTS) });
    else if (item['type'] === 'function_call_output' && typeof item['output'] === 'string') out.push({ role: 'tool', text: item['output'] });
  });
  return out;
}

function lastUserText(texts: readonly InputText[]): string {
  for (let i = texts.length - 1; i >= 0; i--) if (texts[i]!.role === 'user') return texts[i]!.text;
  return '';
}

interface Ids {
  response: string;
  item: string;
  call: string;
}

function outputItem(gen: Generation, ids: Ids, status: 'in_progress' | 'completed' | 'incomplete', empty: boolean): Record<string, unknown> {
  if (gen.kind === 'tool') {
    return { id: ids.item, type: 'function_call', status, arguments: empty ? '' : gen.arguments, call_id: ids.call, name: gen.name };
  }
  return { id: ids.item, type: 'message', status, content: empty ? [] : [textPart(gen.text)], role: 'assistant' };
}

function textPart(text: string): Record<string, unknown> {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

export function responses(raw: unknown, ctx: HandlerContext): Reply {
  const body = asBody(raw);
  const model = body['model'];
  if (typeof model !== 'string') throw new MockError(400, "Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  const texts = inputTexts(body);
  const cap = optionalInt(body, 'max_output_tokens', 1, MAX_TOKENS);
  const stream = optionalBool(body, 'stream');
  const instructions = typeof body['instructions'] === 'string' ? body['instructions'] : null;
  const gen = generate(lastUserText(texts), cap, true);
  const inputTokens = texts.reduce((sum, t) => sum + countTokens(t.text), instructions !== null ? countTokens(instructions) : 0);
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: gen.tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + gen.tokens,
  };
  const ids: Ids = {
    response: randomHexId('resp_', 50),
    item: gen.kind === 'tool' ? randomHexId('fc_', 50) : randomHexId('msg_', 50),
    call: randomId('call_', 24),
  };
  const incomplete = gen.kind === 'text' && gen.finish === 'length';
  const created = unixSeconds();
  const response = (status: string, output: unknown[], withUsage: boolean): Record<string, unknown> => ({
    id: ids.response,
    object: 'response',
    created_at: created,
    status,
    background: false,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions,
    max_output_tokens: cap ?? null,
    max_tool_calls: null,
    model,
    output,
    parallel_tool_calls: body['parallel_tool_calls'] ?? true,
    previous_response_id: body['previous_response_id'] ?? null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: body['store'] ?? true,
    temperature: body['temperature'] ?? 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: body['tool_choice'] ?? 'auto',
    tools: body['tools'] ?? [],
    top_p: body['top_p'] ?? 1,
    truncation: 'disabled',
    usage: withUsage ? usage : null,
    user: null,
    metadata: body['metadata'] ?? {},
  });
  const finalStatus = incomplete ? 'incomplete' : 'completed';
  const finalItem = outputItem(gen, ids, finalStatus, false);
  if (!stream) return { kind: 'json', body: response(finalStatus, [finalItem], true) };

  function* events(): Generator<Frame> {
    let seq = 0;
    const ev = (name: string, payload: Record<string, unknown>, text = false): Frame => eventFrame(name, { sequence_number: seq++, ...payload }, text);
    const at = { item_id: ids.item, output_index: 0 };
    yield ev('response.created', { response: response('in_progress', [], false) });
    yield ev('response.in_progress', { response: response('in_progress', [], false) });
    yield ev('response.output_item.added', { output_index: 0, item: outputItem(gen, ids, 'in_progress', true) });
    if (gen.kind === 'tool') {
      for (const delta of pieces(gen.arguments, ctx.chunkChars)) yield ev('response.function_call_arguments.delta', { ...at, delta }, true);
      yield ev('response.function_call_arguments.done', { ...at, name: gen.name, arguments: gen.arguments });
    } else {
      const part = { ...at, content_index: 0 };
      yield ev('response.content_part.added', { ...part, part: textPart('') });
      for (const delta of pieces(gen.text, ctx.chunkChars)) yield ev('response.output_text.delta', { ...part, delta, logprobs: [] }, true);
      yield ev('response.output_text.done', { ...part, text: gen.text, logprobs: [] });
      yield ev('response.content_part.done', { ...part, part: textPart(gen.text) });
    }
    yield ev('response.output_item.done', { output_index: 0, item: finalItem });
    yield ev(`response.${finalStatus}`, { response: response(finalStatus, [finalItem], true) });
  }
  return { kind: 'sse', frames: withKeepAlives(events()) };
}
