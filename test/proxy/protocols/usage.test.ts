import { describe, expect, it } from 'vitest';
import { anthropicAdapter, httpAdapter, openaiAdapter } from '../../../src/proxy/protocols/index.js';
import type { SseEvent } from '../../../src/proxy/protocols/types.js';
import { fixtureJson, fixtureStream } from './support/fixtures.js';

// Reading usage, for token budgets, from the real shapes in the fixtures (OpenAI and
// Anthropic API references): JSON bodies, the stream events that carry usage,
// asking a stream for its usage, and how requests are framed.

const http = httpAdapter({ requestTexts: ['$.query'], responseTexts: ['$.results[*].text'], operation: 'other' });

function usageEvents(events: readonly SseEvent[], read: (e: SseEvent) => unknown): unknown[] {
  return events.map(read).filter((u) => u !== undefined);
}

describe('usage in JSON bodies', () => {
  it('OpenAI chat, completions, responses, embeddings', () => {
    expect(openaiAdapter.usage(fixtureJson('openai/chat-response.json'), 'chat')).toEqual(expect.objectContaining({ prompt: expect.any(Number), completion: expect.any(Number) }));
    const chat = fixtureJson('openai/chat-response.json') as { usage: { prompt_tokens: number; completion_tokens: number } };
    expect(openaiAdapter.usage(chat, 'chat')).toEqual({ prompt: chat.usage.prompt_tokens, completion: chat.usage.completion_tokens });
    const completion = fixtureJson('openai/completion-response.json') as { usage: { prompt_tokens: number; completion_tokens: number } };
    expect(openaiAdapter.usage(completion, 'completion')).toEqual({ prompt: completion.usage.prompt_tokens, completion: completion.usage.completion_tokens });
    const responses = fixtureJson('openai/responses-response.json') as { usage: { input_tokens: number; output_tokens: number } };
    expect(openaiAdapter.usage(responses, 'responses')).toEqual({ prompt: responses.usage.input_tokens, completion: responses.usage.output_tokens });
    const embeddings = fixtureJson('openai/embeddings-response.json') as { usage: { prompt_tokens: number } };
    expect(openaiAdapter.usage(embeddings, 'embedding')).toEqual({ prompt: embeddings.usage.prompt_tokens, completion: 0 });
  });

  it('Anthropic: the prompt is input plus cache creation plus cache reads', () => {
    const m = fixtureJson('anthropic/messages-response.json') as { usage: { input_tokens: number; output_tokens: number } };
    expect(anthropicAdapter.usage(m, 'messages')).toEqual({ prompt: m.usage.input_tokens, completion: m.usage.output_tokens });
    const cached = { ...m, usage: { input_tokens: 10, cache_creation_input_tokens: 200, cache_read_input_tokens: 3000, output_tokens: 40 } };
    expect(anthropicAdapter.usage(cached, 'messages')).toEqual({ prompt: 3210, completion: 40 });
  });

  it('counts that are not whole numbers ≥ 0 are not trusted; no usage is undefined', () => {
    expect(openaiAdapter.usage({ usage: { prompt_tokens: -1, completion_tokens: 2.5 } }, 'chat')).toBeUndefined();
    expect(openaiAdapter.usage({ usage: { prompt_tokens: 12, completion_tokens: '3' } }, 'chat')).toEqual({ prompt: 12 });
    expect(openaiAdapter.usage({ choices: [] }, 'chat')).toBeUndefined();
    expect(openaiAdapter.usage('not an object', 'chat')).toBeUndefined();
    expect(anthropicAdapter.usage({ usage: { output_tokens: 5 } }, 'messages')).toEqual({ completion: 5 });
    expect(http.usage({ usage: { prompt_tokens: 5 } }, 'other')).toBeUndefined();
  });
});

describe('usage in streams', () => {
  it('OpenAI chat: only the usage-only chunk before [DONE] reports, and it is the one to strip', () => {
    const events = fixtureStream('openai/chat-stream.sse');
    const last = events.filter((e) => e.data !== '[DONE]').at(-1)!;
    const u = (JSON.parse(last.data) as { usage: { prompt_tokens: number; completion_tokens: number } }).usage;
    expect(usageEvents(events, (e) => openaiAdapter.streamUsage(e, 'chat'))).toEqual([{ prompt: u.prompt_tokens, completion: u.completion_tokens }]);
    expect(events.map((e) => openaiAdapter.isUsageOnlyEvent(e, 'chat'))).toEqual(events.map((e) => e === last));
  });

  it('OpenAI responses: the final response event', () => {
    const events = fixtureStream('openai/responses-stream.sse');
    expect(usageEvents(events, (e) => openaiAdapter.streamUsage(e, 'responses'))).toEqual([{ prompt: 37, completion: 11 }]);
    expect(events.some((e) => openaiAdapter.isUsageOnlyEvent(e, 'responses'))).toBe(false);
  });

  it('Anthropic: message_start gives the prompt (not its placeholder output), message_delta the output', () => {
    const events = fixtureStream('anthropic/messages-stream.sse');
    expect(usageEvents(events, (e) => anthropicAdapter.streamUsage(e, 'messages'))).toEqual([{ prompt: 25 }, { completion: 15 }]);
    // newer API versions repeat the input in message_delta
    expect(anthropicAdapter.streamUsage({ event: 'message_delta', data: JSON.stringify({ type: 'message_delta', delta: {}, usage: { input_tokens: 30, output_tokens: 7 } }) }, 'messages')).toEqual({ prompt: 30, completion: 7 });
  });

  it('never throws on an event it cannot read', () => {
    const bad = { data: '{not json' };
    expect(openaiAdapter.streamUsage({ data: '{"usage": ' }, 'chat')).toBeUndefined();
    expect(openaiAdapter.streamUsage({ data: '{"choices": [], "usage": {"prompt_tokens": 1' }, 'chat')).toBeUndefined();
    expect(openaiAdapter.isUsageOnlyEvent({ data: '{"choices": [], "usage": {"prompt_tokens": 1' }, 'chat')).toBe(false);
    // a chunk whose text talks about usage is not a usage report
    expect(openaiAdapter.streamUsage({ data: JSON.stringify({ choices: [{ index: 0, delta: { content: '"usage": {"prompt_tokens": 5}' } }], usage: null }) }, 'chat')).toBeUndefined();
    expect(openaiAdapter.isUsageOnlyEvent({ data: '{"usage" ' }, 'chat')).toBe(false);
    expect(anthropicAdapter.streamUsage({ event: 'message_delta', data: '{"usage"' }, 'messages')).toBeUndefined();
    expect(openaiAdapter.streamUsage(bad, 'responses')).toBeUndefined();
    expect(http.streamUsage(bad, 'other')).toBeUndefined();
  });
});

describe('asking a stream for its usage', () => {
  it('OpenAI chat and completions: stream_options.include_usage is added, kept with the client’s other options', () => {
    expect(openaiAdapter.requestStreamUsage({ model: 'm', messages: [], stream: true }, 'chat')).toEqual({ body: { model: 'm', messages: [], stream: true, stream_options: { include_usage: true } }, added: true });
    expect(openaiAdapter.requestStreamUsage({ prompt: 'x', stream: true, stream_options: { include_obfuscation: false } }, 'completion')).toEqual({
      body: { prompt: 'x', stream: true, stream_options: { include_obfuscation: false, include_usage: true } },
      added: true,
    });
  });

  it('leaves a body alone when the client asked already, when it does not stream, and where usage always comes', () => {
    const asked = { model: 'm', messages: [], stream: true, stream_options: { include_usage: true } };
    expect(openaiAdapter.requestStreamUsage(asked, 'chat')).toEqual({ body: asked, added: false });
    const plain = { model: 'm', messages: [] };
    expect(openaiAdapter.requestStreamUsage(plain, 'chat').body).toBe(plain);
    const responses = { model: 'm', input: 'x', stream: true };
    expect(openaiAdapter.requestStreamUsage(responses, 'responses')).toEqual({ body: responses, added: false });
    const messages = { model: 'm', max_tokens: 5, messages: [], stream: true };
    expect(anthropicAdapter.requestStreamUsage(messages, 'messages')).toEqual({ body: messages, added: false });
  });
});

describe('budget shape', () => {
  it('OpenAI: messages and n for chat, prompts × max(n, best_of) for completions, items (+ instructions) for responses, nothing for embeddings', () => {
    expect(openaiAdapter.budgetShape(fixtureJson('openai/chat-request.json'), 'chat')).toEqual({ messages: 8, completions: 1 });
    expect(openaiAdapter.budgetShape({ messages: [{}, {}], n: 3 }, 'chat')).toEqual({ messages: 2, completions: 3 });
    expect(openaiAdapter.budgetShape(fixtureJson('openai/completion-request.json'), 'completion')).toEqual({ messages: 0, completions: 2 });
    expect(openaiAdapter.budgetShape({ prompt: 'x', n: 2, best_of: 5 }, 'completion')).toEqual({ messages: 0, completions: 5 });
    expect(openaiAdapter.budgetShape(fixtureJson('openai/responses-request.json'), 'responses')).toEqual({ messages: 8, completions: 1 });
    expect(openaiAdapter.budgetShape({ input: 'hello' }, 'responses')).toEqual({ messages: 1, completions: 1 });
    expect(openaiAdapter.budgetShape(fixtureJson('openai/embeddings-request.json'), 'embedding')).toEqual({ messages: 0, completions: 0 });
  });

  it('Anthropic: the messages and the system prompt; generic HTTP: nothing', () => {
    expect(anthropicAdapter.budgetShape(fixtureJson('anthropic/messages-request.json'), 'messages')).toEqual({ messages: 4, completions: 1 });
    expect(anthropicAdapter.budgetShape({ messages: [{}], max_tokens: 1 }, 'messages')).toEqual({ messages: 1, completions: 1 });
    expect(http.budgetShape({ query: 'x' }, 'other')).toEqual({ messages: 0, completions: 0 });
  });

  it('a nonsense n counts as 1', () => {
    expect(openaiAdapter.budgetShape({ messages: [], n: 0 }, 'chat').completions).toBe(1);
    expect(openaiAdapter.budgetShape({ messages: [], n: 'x' }, 'chat').completions).toBe(1);
  });
});
