import { isObject, own, withKey, type JsonObject } from './json.js';
import { chunkHeader, DONE, FINAL, isDone, LIFECYCLE, parsedLike } from './openai-stream.js';
import { WHOLE_PREFIX } from './stream.js';
import type { BudgetShape, Operation, SseEvent, StreamEnder, StreamEndReason, StreamStep, Usage } from './types.js';
import { lengthOf, mayReportUsage, objectAt, quietJson, railgateNote, tokenCount, usageOf } from './usage.js';

// Usage in OpenAI's APIs, for token budgets.
//
// - Chat and completions report `usage.prompt_tokens` / `completion_tokens` in a JSON
//   body; a stream reports them only when asked (`stream_options.include_usage`), in
//   a last chunk with `choices: []` before `[DONE]` (every other chunk then carries
//   `"usage": null`). The proxy asks for it and, when the client had not, drops that
//   chunk again.
// - Responses reports `usage.input_tokens` / `output_tokens`, in a stream inside the
//   final response.completed / .incomplete / .failed event.
// - Embeddings report `usage.prompt_tokens`; they generate nothing.
//
// A stream the proxy cuts ends as if its completion cap was reached: chat and
// completions with `finish_reason: "length"` for every open choice (then the usage
// chunk when the client asked for one, then `[DONE]`); Responses with a
// response.incomplete event (`incomplete_details.reason: "max_output_tokens"`) whose
// response holds the output delivered so far. The events carry a `railgate` object
// with the reason; SDKs ignore fields they do not know.

const STREAMS_USAGE_CHUNK: ReadonlySet<Operation> = new Set(['chat', 'completion']);

export function openaiUsage(body: unknown, operation: Operation): Usage | undefined {
  if (!isObject(body)) return undefined;
  const u = objectAt(body, 'usage');
  if (!u) return undefined;
  switch (operation) {
    case 'chat':
    case 'completion':
      return usageOf(tokenCount(u, 'prompt_tokens'), tokenCount(u, 'completion_tokens'));
    case 'embedding': {
      const prompt = tokenCount(u, 'prompt_tokens');
      return prompt === undefined ? undefined : { prompt, completion: 0 };
    }
    case 'responses':
      return usageOf(tokenCount(u, 'input_tokens'), tokenCount(u, 'output_tokens'));
    default:
      return undefined;
  }
}

export function openaiStreamUsage(event: SseEvent, operation: Operation): Usage | undefined {
  // most events carry no usage: skip parsing them
  if (!mayReportUsage(event)) return undefined;
  const p = quietJson(event);
  if (!p) return undefined;
  if (STREAMS_USAGE_CHUNK.has(operation)) return openaiUsage(p, operation);
  if (operation !== 'responses') return undefined;
  const type = own(p, 'type') ?? event.event;
  if (typeof type !== 'string' || !FINAL.has(type)) return undefined;
  return openaiUsage(objectAt(p, 'response'), 'responses');
}

export function openaiRequestStreamUsage(body: unknown, operation: Operation): { body: unknown; added: boolean } {
  if (!STREAMS_USAGE_CHUNK.has(operation) || !isObject(body) || own(body, 'stream') !== true) return { body, added: false };
  const options = own(body, 'stream_options');
  if (isObject(options) && own(options, 'include_usage') === true) return { body, added: false };
  return { body: withKey(body, 'stream_options', { ...(isObject(options) ? options : {}), include_usage: true }), added: true };
}

export function openaiIsUsageOnly(event: SseEvent, operation: Operation): boolean {
  if (!STREAMS_USAGE_CHUNK.has(operation) || !mayReportUsage(event)) return false;
  const p = quietJson(event);
  return p !== undefined && lengthOf(p, 'choices') === 0 && isObject(own(p, 'usage'));
}

function positive(o: JsonObject, key: string): number {
  const v = own(o, key);
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 ? v : 1;
}

export function openaiBudgetShape(body: unknown, operation: Operation): BudgetShape {
  if (!isObject(body)) return { messages: 0, completions: operation === 'embedding' ? 0 : 1 };
  switch (operation) {
    case 'chat':
      return { messages: lengthOf(body, 'messages') ?? 0, completions: positive(body, 'n') };
    case 'completion': {
      // each prompt gets n completions; best_of generates that many and returns n
      const prompts = Math.max(1, lengthOf(body, 'prompt') ?? 1);
      return { messages: 0, completions: prompts * Math.max(positive(body, 'n'), positive(body, 'best_of')) };
    }
    case 'responses': {
      const input = own(body, 'input');
      const items = typeof input === 'string' ? 1 : Array.isArray(input) ? input.length : 0;
      const instructions = typeof own(body, 'instructions') === 'string' ? 1 : 0;
      return { messages: items + instructions, completions: 1 };
    }
    default:
      return { messages: 0, completions: 0 };
  }
}

// --- chat and completions ----------------------------------------------------

/** The choice index of a stream key (`0/content`, `1/text`, `0/*`). */
function choiceOf(key: string): number | undefined {
  const n = Number(key.slice(0, key.indexOf('/')));
  return key.includes('/') && Number.isSafeInteger(n) ? n : undefined;
}

class ChoicesEnder implements StreamEnder {
  private like: SseEvent | undefined;
  private readonly open = new Set<number>();
  private finished = 0;

  constructor(private readonly operation: 'chat' | 'completion') {}

  observe(event: SseEvent, step: StreamStep): void {
    if (isDone(event)) return;
    if (step.deltas.length > 0 || this.like === undefined) this.like = event;
    for (const d of step.deltas) {
      const i = choiceOf(d.key);
      if (i !== undefined && !d.key.startsWith(WHOLE_PREFIX)) this.open.add(i);
    }
    for (const e of step.ends) {
      if (e === '*') {
        this.finished += this.open.size;
        this.open.clear();
        continue;
      }
      const i = choiceOf(e);
      if (i !== undefined && this.open.delete(i)) this.finished++;
    }
  }

  end(reason: StreamEndReason): SseEvent[] {
    const header = this.like ? chunkHeader(parsedLike(this.like)) : { object: this.operation === 'chat' ? 'chat.completion.chunk' : 'text_completion' };
    // a stream cut before any text still ends its (first) choice
    const open = this.open.size > 0 || this.finished > 0 ? [...this.open].sort((a, b) => a - b) : [0];
    const note = railgateNote(reason);
    const out: SseEvent[] = open.map((index) => ({
      data: JSON.stringify({
        ...header,
        choices: [this.operation === 'chat' ? { index, delta: {}, logprobs: null, finish_reason: 'length' } : { text: '', index, logprobs: null, finish_reason: 'length' }],
        railgate: note,
      }),
    }));
    if (reason.includeUsage) {
      const { prompt, completion } = reason.usage;
      out.push({ data: JSON.stringify({ ...header, choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } }) });
    }
    out.push({ data: DONE });
    return out;
  }
}

// --- responses ---------------------------------------------------------------

/** Events whose payload the ender reads (the rest only count towards sequence numbers). */
const STRUCTURAL = new Set([...LIFECYCLE, 'response.output_item.added', 'response.output_item.done', 'response.content_part.added', 'response.reasoning_summary_part.added']);

function indexOf(p: JsonObject, key: string): number | undefined {
  const v = own(p, key);
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

class ResponsesEnder implements StreamEnder {
  private response: JsonObject | undefined;
  private readonly items = new Map<number, { item: JsonObject; done: boolean }>();
  /** content and summary parts as added, by `<output>/c<index>` or `<output>/s<index>` */
  private readonly parts = new Map<string, JsonObject>();
  /** the text delivered per stream key */
  private readonly texts = new Map<string, string>();
  private seq = -1;

  observe(event: SseEvent, step: StreamStep): void {
    for (const d of step.deltas) {
      if (!d.key.startsWith(WHOLE_PREFIX)) this.texts.set(d.key, (this.texts.get(d.key) ?? '') + d.text);
    }
    this.seq++;
    if (event.event !== undefined && !STRUCTURAL.has(event.event)) return;
    const p = quietJson(event);
    if (!p) return;
    const seq = indexOf(p, 'sequence_number');
    if (seq !== undefined) this.seq = seq;
    const type = own(p, 'type') ?? event.event;
    if (typeof type !== 'string') return;
    const out = indexOf(p, 'output_index');
    if (LIFECYCLE.has(type)) {
      const r = objectAt(p, 'response');
      if (r) this.response = r;
    } else if ((type === 'response.output_item.added' || type === 'response.output_item.done') && out !== undefined) {
      const item = objectAt(p, 'item');
      if (item) this.items.set(out, { item, done: type.endsWith('.done') });
    } else if (type === 'response.content_part.added' && out !== undefined) {
      const part = objectAt(p, 'part');
      const c = indexOf(p, 'content_index');
      if (part && c !== undefined) this.parts.set(`${out}/c${c}`, part);
    } else if (type === 'response.reasoning_summary_part.added' && out !== undefined) {
      const part = objectAt(p, 'part');
      const s = indexOf(p, 'summary_index');
      if (part && s !== undefined) this.parts.set(`${out}/s${s}`, part);
    }
  }

  /** The parts of output `out` with prefix `c` or `s`, in index order, their text filled in from what was delivered. */
  private partsOf(out: number, sub: 'c' | 's', fill: (part: JsonObject, key: (kind: string) => string) => JsonObject): JsonObject[] {
    const found: Array<[number, JsonObject]> = [];
    for (const [k, part] of this.parts) {
      const m = /^(\d+)\/([cs])(\d+)$/.exec(k);
      if (m && Number(m[1]) === out && m[2] === sub) found.push([Number(m[3]), part]);
    }
    return found.sort((a, b) => a[0] - b[0]).map(([i, part]) => fill(structuredClone(part), (kind) => `out/${out}/${kind}/${sub}${i}`));
  }

  private delivered(item: JsonObject, out: number): JsonObject {
    const o = structuredClone(item);
    o['status'] = 'incomplete';
    const text = (key: string): string | undefined => this.texts.get(key);
    switch (own(o, 'type')) {
      case 'message':
        o['content'] = this.partsOf(out, 'c', (part, key) => {
          if (own(part, 'type') === 'refusal') part['refusal'] = text(key('refusal')) ?? own(part, 'refusal') ?? '';
          else part['text'] = text(key(String(own(part, 'type') ?? 'output_text'))) ?? own(part, 'text') ?? '';
          return part;
        });
        break;
      case 'reasoning':
        o['summary'] = this.partsOf(out, 's', (part, key) => {
          part['text'] = text(key('reasoning_summary_text')) ?? own(part, 'text') ?? '';
          return part;
        });
        break;
      case 'function_call':
        o['arguments'] = text(`out/${out}/function_call_arguments/-`) ?? own(o, 'arguments') ?? '';
        break;
      case 'custom_tool_call':
        o['input'] = text(`out/${out}/custom_tool_call_input/-`) ?? own(o, 'input') ?? '';
        break;
      default:
        break;
    }
    return o;
  }

  end(reason: StreamEndReason): SseEvent[] {
    const base: JsonObject = this.response ? structuredClone(this.response) : { id: 'resp_railgate', object: 'response', created_at: Math.floor(Date.now() / 1000) };
    const output = [...this.items.entries()].sort((a, b) => a[0] - b[0]).map(([i, { item, done }]) => (done ? item : this.delivered(item, i)));
    const { prompt, completion } = reason.usage;
    const response = {
      ...base,
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output,
      usage: { input_tokens: prompt, input_tokens_details: { cached_tokens: 0 }, output_tokens: completion, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: prompt + completion },
    };
    return [{ event: 'response.incomplete', data: JSON.stringify({ type: 'response.incomplete', sequence_number: this.seq + 1, response, railgate: railgateNote(reason) }) }];
  }
}

export function openaiStreamEnder(operation: Operation): StreamEnder {
  switch (operation) {
    case 'chat':
    case 'completion':
      return new ChoicesEnder(operation);
    case 'responses':
      return new ResponsesEnder();
    default:
      throw new RangeError(`the openai protocol does not stream ${operation}`);
  }
}
