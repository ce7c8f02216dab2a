import { isObject, own, type JsonObject } from './json.js';
import type { BudgetShape, Operation, SseEvent, StreamEnder, StreamEndReason, StreamStep, Usage } from './types.js';
import { lengthOf, mayReportUsage, objectAt, quietJson, railgateNote, sumCounts, tokenCount, usageOf } from './usage.js';

// Usage in Anthropic's Messages API, for token budgets. A message's `usage` has
// `input_tokens` plus, with prompt caching, `cache_creation_input_tokens` and
// `cache_read_input_tokens` (the prompt is their sum: every one was processed), and
// `output_tokens`. A stream reports the input in message_start and the output, as a
// running total, in message_delta (which newer API versions also give the input).
// Usage is always reported: there is nothing to request.
//
// A stream the proxy cuts ends as one whose max_tokens was reached: content_block_stop
// for every open block, message_delta with `stop_reason: "max_tokens"` and the output
// delivered, message_stop. The message_delta carries a `railgate` object with the reason.

const PROMPT_FIELDS = ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'];

function promptOf(u: JsonObject): number | undefined {
  return tokenCount(u, 'input_tokens') === undefined ? undefined : sumCounts(u, PROMPT_FIELDS);
}

export function anthropicUsage(body: unknown): Usage | undefined {
  if (!isObject(body)) return undefined;
  const u = objectAt(body, 'usage');
  return u ? usageOf(promptOf(u), tokenCount(u, 'output_tokens')) : undefined;
}

export function anthropicStreamUsage(event: SseEvent): Usage | undefined {
  if (!mayReportUsage(event)) return undefined;
  const p = quietJson(event);
  if (!p) return undefined;
  const type = own(p, 'type') ?? event.event;
  if (type === 'message_start') {
    // output_tokens here is a placeholder (1), not the answer's length
    const u = objectAt(objectAt(p, 'message') ?? {}, 'usage');
    return u ? usageOf(promptOf(u), undefined) : undefined;
  }
  if (type === 'message_delta') {
    const u = objectAt(p, 'usage');
    return u ? usageOf(promptOf(u), tokenCount(u, 'output_tokens')) : undefined;
  }
  return undefined;
}

export function anthropicBudgetShape(body: unknown): BudgetShape {
  if (!isObject(body)) return { messages: 0, completions: 1 };
  const system = own(body, 'system');
  const hasSystem = (typeof system === 'string' && system !== '') || (Array.isArray(system) && system.length > 0);
  return { messages: (lengthOf(body, 'messages') ?? 0) + (hasSystem ? 1 : 0), completions: 1 };
}

class MessagesEnder implements StreamEnder {
  private readonly open = new Set<number>();

  observe(event: SseEvent, step: StreamStep): void {
    for (const d of step.deltas) {
      const m = /^block\/(\d+)$/.exec(d.key);
      if (m) this.open.add(Number(m[1]));
    }
    // a tool_use block starts without text: its start names it
    if (event.event === 'content_block_start') {
      const i = own(quietJson(event) ?? {}, 'index');
      if (typeof i === 'number' && Number.isSafeInteger(i) && i >= 0) this.open.add(i);
    }
    for (const e of step.ends) {
      if (e === '*') this.open.clear();
      const m = /^block\/(\d+)$/.exec(e);
      if (m) this.open.delete(Number(m[1]));
    }
  }

  end(reason: StreamEndReason): SseEvent[] {
    const out: SseEvent[] = [...this.open]
      .sort((a, b) => a - b)
      .map((index) => ({ event: 'content_block_stop', data: JSON.stringify({ type: 'content_block_stop', index }) }));
    out.push({
      event: 'message_delta',
      data: JSON.stringify({
        type: 'message_delta',
        delta: { stop_reason: 'max_tokens', stop_sequence: null },
        usage: { output_tokens: reason.usage.completion },
        railgate: railgateNote(reason),
      }),
    });
    out.push({ event: 'message_stop', data: JSON.stringify({ type: 'message_stop' }) });
    return out;
  }
}

export function anthropicStreamEnder(operation: Operation): StreamEnder {
  if (operation !== 'messages') throw new RangeError(`the anthropic protocol has no operation ${operation}`);
  return new MessagesEnder();
}
