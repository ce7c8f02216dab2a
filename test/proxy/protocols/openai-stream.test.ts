import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ResponseFormatError } from '../../../src/proxy/protocols/errors.js';
import { openaiAdapter as a } from '../../../src/proxy/protocols/openai.js';
import type { Operation, SseEvent } from '../../../src/proxy/protocols/types.js';
import { fakeFetch, fixtureStream, payloads } from './support/fixtures.js';
import { guardAll } from './support/guard.js';
import { serializeSse } from './support/sse.js';

const steps = (events: SseEvent[], op: Operation) => events.map((e) => a.streamStep(e, op));

/** Each event rewritten with its own texts: must mean the same (JSON-equal payloads). */
function identityRewrite(events: SseEvent[], op: Operation): SseEvent[] {
  return events.map((e) => a.rewriteStreamEvent(e, op, a.streamStep(e, op).deltas.map((d) => d.text)));
}

function client(sse: string): OpenAI {
  return new OpenAI({ apiKey: 'sk-test', baseURL: 'http://gateway.test/v1', maxRetries: 0, fetch: fakeFetch(200, 'text/event-stream', sse) });
}

describe('openai chat streams', () => {
  const events = fixtureStream('openai/chat-stream.sse');

  it('reports content deltas per choice, the finish_reason end, usage chunks and [DONE]', () => {
    expect(steps(events, 'chat')).toEqual([
      { deltas: [{ key: '0/content', text: '', path: '$.choices[0].delta.content' }], ends: [] },
      { deltas: [{ key: '0/content', text: 'A receipt went to jane', path: '$.choices[0].delta.content' }], ends: [] },
      { deltas: [{ key: '0/content', text: '.doe@exam', path: '$.choices[0].delta.content' }], ends: [] },
      { deltas: [{ key: '0/content', text: 'ple.com.', path: '$.choices[0].delta.content' }], ends: [] },
      { deltas: [], ends: ['0/*'] },
      { deltas: [], ends: [] },
      { deltas: [], ends: ['*'] },
    ]);
  });

  it('rewrites only the delta text', () => {
    const out = a.rewriteStreamEvent(events[1]!, 'chat', ['A receipt went to ']);
    const before = JSON.parse(events[1]!.data);
    before.choices[0].delta.content = 'A receipt went to ';
    expect(JSON.parse(out.data)).toEqual(before);
    expect(out.event).toBeUndefined();
  });

  it('an identity rewrite is the same event', () => {
    identityRewrite(events, 'chat').forEach((e, i) => expect(e).toBe(events[i]));
  });

  it('refuses a texts array that does not match the deltas', () => {
    expect(() => a.rewriteStreamEvent(events[1]!, 'chat', [])).toThrow(RangeError);
    expect(() => a.rewriteStreamEvent(events[1]!, 'chat', ['a', 'b'])).toThrow(RangeError);
  });

  it('a synthetic delta looks like the chunk it follows', () => {
    const e = a.deltaEvent('0/content', 'tail', events[3]!, 'chat');
    expect(e.event).toBeUndefined();
    expect(JSON.parse(e.data)).toEqual({
      id: 'chatcmpl-B9MHDbslfQUHQv8qDOEHN8CfLrY9L',
      object: 'chat.completion.chunk',
      created: 1741570283,
      model: 'gpt-4.1-2025-04-14',
      service_tier: 'default',
      system_fingerprint: 'fp_b376dfbbd5',
      choices: [{ index: 0, delta: { content: 'tail' }, logprobs: null, finish_reason: null }],
      usage: null,
    });
    expect(() => a.deltaEvent('content', 'x', events[3]!, 'chat')).toThrow(RangeError);
  });

  it('masked through the contract, the SDK assembles the masked message', async () => {
    const guarded = guardAll(a, 'chat', events);
    expect(serializeSse(guarded)).not.toContain('jane.doe');
    const stream = client(serializeSse(guarded)).chat.completions.stream({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } });
    const done = await stream.finalChatCompletion();
    expect(done.choices[0]!.message.content).toBe('A receipt went to [EMAIL].');
    expect(done.choices[0]!.finish_reason).toBe('stop');
    expect(done.usage?.total_tokens).toBe(225);
  });

  it('a server that sends the last text with the finish_reason: the delta and the end in one event', () => {
    const e: SseEvent = { data: JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'bye' }, finish_reason: 'stop' }] }) };
    expect(a.streamStep(e, 'chat')).toEqual({ deltas: [{ key: '0/content', text: 'bye', path: '$.choices[0].delta.content' }], ends: ['0/*'] });
  });
});

describe('openai chat tool-call streams', () => {
  const events = fixtureStream('openai/chat-stream-tools.sse');

  it('keys arguments by choice and tool call index', () => {
    const s = steps(events, 'chat');
    expect(s.map((x) => x.deltas.map((d) => `${d.key}=${d.text}`))).toEqual([
      ['0/tool_calls/0/arguments='],
      ['0/tool_calls/0/arguments={"to":"jane.d'],
      ['0/tool_calls/0/arguments=oe@example.com"}'],
      ['0/tool_calls/1/arguments='],
      ['0/tool_calls/1/arguments={"charge":"ch_3Q",'],
      ['0/tool_calls/1/arguments="amount":4900}'],
      [],
      [],
    ]);
    expect(s[1]!.deltas[0]!.path).toBe('$.choices[0].delta.tool_calls[0].function.arguments');
    expect(s[6]!.ends).toEqual(['0/*']);
    expect(s[7]!.ends).toEqual(['*']);
  });

  it('a synthetic tool-call delta names only the index and the arguments', () => {
    expect(JSON.parse(a.deltaEvent('0/tool_calls/1/arguments', '}', events[5]!, 'chat').data).choices).toEqual([
      { index: 0, delta: { tool_calls: [{ index: 1, function: { arguments: '}' } }] }, logprobs: null, finish_reason: null },
    ]);
  });

  it('masked through the contract, the SDK assembles both tool calls', async () => {
    const guarded = guardAll(a, 'chat', events);
    const done = await client(serializeSse(guarded)).chat.completions.stream({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }).finalChatCompletion();
    const calls = done.choices[0]!.message.tool_calls!;
    expect(calls.map((c) => (c.type === 'function' ? [c.id, c.function.name, c.function.arguments] : []))).toEqual([
      ['call_mQ4fXyJ1dPz7', 'send_email', '{"to":"[EMAIL]"}'],
      ['call_R2nLk9Vb0sE3', 'refund', '{"charge":"ch_3Q","amount":4900}'],
    ]);
  });
});

describe('openai chat streams with n=2', () => {
  const events = fixtureStream('openai/chat-stream-n2.sse');

  it('keeps choices apart and ends each at its own finish_reason', () => {
    const s = steps(events, 'chat');
    expect(s[0]!.deltas.map((d) => d.key)).toEqual(['0/content', '1/content']);
    expect(s[0]!.deltas[1]!.path).toBe('$.choices[1].delta.content');
    expect(s[1]!.deltas).toEqual([{ key: '1/content', text: 'Key AKIAIOSF', path: '$.choices[0].delta.content' }]);
    expect(s[3]!.ends).toEqual(['0/*']);
    expect(s[4]).toEqual({ deltas: [{ key: '1/content', text: 'ODNN7EXAMPLE', path: '$.choices[0].delta.content' }], ends: ['1/*'] });
  });

  it('a rewritten chunk has its token log probabilities emptied (they spell the text token by token)', () => {
    const out = JSON.parse(a.rewriteStreamEvent(events[1]!, 'chat', ['Key ']).data);
    expect(out.choices[0].logprobs).toBeNull();
    expect(out.choices[0].delta.content).toBe('Key ');
    const same = JSON.parse(a.rewriteStreamEvent(events[1]!, 'chat', ['Key AKIAIOSF']).data);
    expect(same.choices[0].logprobs).toBeNull();
  });

  it('masked through the contract, the SDK assembles both choices', async () => {
    const mask = (s: string) => s.replace(/AKIA[A-Z0-9]{16}/g, '[AWS_KEY]');
    const guarded = guardAll(a, 'chat', events, mask);
    expect(serializeSse(guarded)).not.toMatch(/AKIAIOSF|ODNN7/);
    const done = await client(serializeSse(guarded)).chat.completions.stream({ model: 'gpt-4o-mini', n: 2, messages: [{ role: 'user', content: 'hi' }] }).finalChatCompletion();
    expect(done.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'Hello', 'stop'],
      [1, 'Key [AWS_KEY]', 'length'],
    ]);
  });
});

describe('openai chat stream odds and ends', () => {
  const chunk = (delta: unknown, extra: object = {}) => ({ data: JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 2, delta, finish_reason: null, ...extra }] }) });

  it('refusal, reasoning_content, legacy function_call and audio transcript deltas', () => {
    const keys = [
      chunk({ refusal: 'I can' }),
      chunk({ reasoning_content: 'hmm' }),
      chunk({ function_call: { arguments: '{"a"' } }),
      chunk({ audio: { id: 'audio_1', transcript: 'hel' } }),
      chunk({ tool_calls: [{ index: 3, type: 'custom', custom: { input: 'SEL' } }] }),
    ].map((e) => a.streamStep(e, 'chat').deltas.map((d) => d.key));
    expect(keys).toEqual([['2/refusal'], ['2/reasoning_content'], ['2/function_call/arguments'], ['2/audio/transcript'], ['2/tool_calls/3/input']]);
    for (const [key, like] of [
      ['2/refusal', chunk({ refusal: 'x' })],
      ['2/function_call/arguments', chunk({ function_call: { arguments: 'x' } })],
      ['2/audio/transcript', chunk({ audio: { transcript: 'x' } })],
    ] as const) {
      const synthetic = a.deltaEvent(key, 'more', like, 'chat');
      expect(a.streamStep(synthetic, 'chat').deltas).toEqual([{ key, text: 'more', path: a.streamStep(like, 'chat').deltas[0]!.path }]);
    }
  });

  it('an error chunk and keep-alive-like empty data carry nothing', () => {
    expect(a.streamStep({ data: '{"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}' }, 'chat')).toEqual({ deltas: [], ends: [] });
    expect(a.streamStep({ data: '' }, 'chat')).toEqual({ deltas: [], ends: [] });
  });

  it('data that is not JSON cannot be inspected: fail closed', () => {
    expect(() => a.streamStep({ data: 'secret jane.doe@example.com' }, 'chat')).toThrow(ResponseFormatError);
    try {
      a.streamStep({ data: 'secret jane.doe@example.com' }, 'chat');
    } catch (e) {
      expect((e as ResponseFormatError).code).toBe('invalid_stream_event');
      expect((e as Error).message).not.toContain('jane');
    }
  });

  it('a delta whose content is not a string has every string in it treated as a whole text', () => {
    const s = a.streamStep(chunk({ content: [{ type: 'text', text: 'odd' }] }), 'chat');
    expect(s.deltas.map((d) => `${d.key}=${d.text}`)).toEqual(['whole:$.choices[0].delta.content[0].type=text', 'whole:$.choices[0].delta.content[0].text=odd']);
    expect(s.ends).toEqual(s.deltas.map((d) => d.key));
  });
});

describe('openai completion streams', () => {
  const events = fixtureStream('openai/completion-stream.sse');

  it('reports choice texts and ends', () => {
    const s = steps(events, 'completion');
    expect(s.map((x) => x.deltas.map((d) => `${d.key}=${d.text}`))).toEqual([['0/text=The payment'], ['0/text= went to DE89 3704'], ['0/text= 0044 0532 0130 00.'], ['0/text='], []]);
    expect(s[3]!.ends).toEqual(['0/*']);
    expect(s[4]!.ends).toEqual(['*']);
    expect(s[0]!.deltas[0]!.path).toBe('$.choices[0].text');
  });

  it('masked through the contract, the texts join to the masked completion', () => {
    const mask = (s: string) => s.replace(/DE89[\d ]+00/g, '[IBAN]');
    const guarded = guardAll(a, 'completion', events, mask);
    const text = payloads(guarded)
      .filter((p): p is { choices: Array<{ text: string }> } => typeof p === 'object')
      .map((p) => p.choices.map((c) => c.text).join(''))
      .join('');
    expect(text).toBe('The payment went to [IBAN].');
    expect(JSON.parse(a.deltaEvent('0/text', 'x', events[0]!, 'completion').data)).toEqual({
      id: 'cmpl-7iA7iJjj8V2zOkCGvWF2hAkDWBQZe',
      object: 'text_completion',
      created: 1690759702,
      choices: [{ text: 'x', index: 0, logprobs: null, finish_reason: null }],
      model: 'gpt-3.5-turbo-instruct',
      system_fingerprint: 'fp_44709d6fcb',
    });
  });
});

describe('openai responses streams', () => {
  const events = fixtureStream('openai/responses-stream.sse');
  const M = 'msg_67c9fdcf37fc8190ba82116e33fb28c507b8b0ad4e5eb654';

  it('reports deltas by output and content index, whole texts for what is repeated, ends', () => {
    const s = steps(events, 'responses');
    const show = s.map((x) => [x.deltas.map((d) => `${d.key}=${d.text}`), x.ends]);
    expect(show).toEqual([
      [[], []], // created: no output yet
      [[], []], // in_progress
      [[], []], // output_item.added: message with no content
      [['whole:$.part.text='], ['whole:$.part.text']], // content_part.added
      [['out/0/output_text/c0=Write to jane.d'], []],
      [['out/0/output_text/c0=oe@example'], []],
      [['out/0/output_text/c0=.com today.'], []],
      [['whole:$.text=Write to jane.doe@example.com today.'], ['whole:$.text', 'out/0/output_text/c0']],
      [['whole:$.part.text=Write to jane.doe@example.com today.'], ['whole:$.part.text', 'out/0/output_text/c0']],
      [['whole:$.item.content[0].text=Write to jane.doe@example.com today.'], ['whole:$.item.content[0].text', 'out/0/*']],
      [['whole:$.response.output[0].content[0].text=Write to jane.doe@example.com today.'], ['whole:$.response.output[0].content[0].text', '*']],
    ]);
    expect(s[4]!.deltas[0]!.path).toBe('$.delta');
  });

  it('a synthetic delta is the event it follows with another delta', () => {
    const e = a.deltaEvent('out/0/output_text/c0', 'more', events[6]!, 'responses');
    expect(e.event).toBe('response.output_text.delta');
    expect(JSON.parse(e.data)).toEqual({ type: 'response.output_text.delta', sequence_number: 6, item_id: M, output_index: 0, content_index: 0, delta: 'more', logprobs: [], obfuscation: 'k' });
    expect(() => a.deltaEvent('whole:$.text', 'x', events[7]!, 'responses')).toThrow(RangeError);
  });

  it('rewrites the repeated whole texts and the embedded response', () => {
    const done = a.rewriteStreamEvent(events[10]!, 'responses', ['masked']);
    const before = JSON.parse(events[10]!.data);
    before.response.output[0].content[0].text = 'masked';
    expect(JSON.parse(done.data)).toEqual(before);
    expect(done.event).toBe('response.completed');
    identityRewrite(events, 'responses').forEach((e, i) => expect(e).toBe(events[i]));
  });

  it('masked through the contract, the SDK assembles the masked response', async () => {
    const guarded = guardAll(a, 'responses', events);
    expect(serializeSse(guarded)).not.toContain('jane.doe');
    const stream = client(serializeSse(guarded)).responses.stream({ model: 'gpt-4.1', input: 'hi' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Write to [EMAIL] today.');
    expect(deltas.join('')).toBe('Write to [EMAIL] today.');
  });

  it('function call arguments stream and their done events', async () => {
    const ev = fixtureStream('openai/responses-stream-function.sse');
    const s = steps(ev, 'responses');
    expect(s.map((x) => x.deltas.map((d) => d.key))).toEqual([
      [],
      ['whole:$.item.arguments'],
      ['out/0/function_call_arguments/-'],
      ['out/0/function_call_arguments/-'],
      ['whole:$.arguments'],
      ['whole:$.item.arguments'],
      ['whole:$.response.output[0].arguments'],
    ]);
    expect(s[4]!.ends).toContain('out/0/function_call_arguments/-');
    const guarded = guardAll(a, 'responses', ev);
    expect(serializeSse(guarded)).not.toContain('jane.doe');
    const final = await client(serializeSse(guarded)).responses.stream({ model: 'gpt-4.1', input: 'hi' }).finalResponse();
    expect(final.output[0]).toMatchObject({ type: 'function_call', name: 'send_email', arguments: '{"to":"[EMAIL]"}', call_id: 'call_Vnc1OnDHhsrsTDu3ZG3EpFdR' });
  });

  it('other text deltas: refusals, reasoning summaries, custom tool input; audio is not text', () => {
    const ev = (p: object): SseEvent => ({ event: (p as { type: string }).type, data: JSON.stringify(p) });
    const key = (p: object) => a.streamStep(ev(p), 'responses').deltas.map((d) => d.key);
    expect(key({ type: 'response.refusal.delta', item_id: 'm', output_index: 1, content_index: 0, delta: 'no', sequence_number: 3 })).toEqual(['out/1/refusal/c0']);
    expect(key({ type: 'response.reasoning_summary_text.delta', item_id: 'r', output_index: 0, summary_index: 2, delta: 'x', sequence_number: 3 })).toEqual(['out/0/reasoning_summary_text/s2']);
    expect(key({ type: 'response.custom_tool_call_input.delta', item_id: 'c', output_index: 4, delta: 'SEL', sequence_number: 3 })).toEqual(['out/4/custom_tool_call_input/-']);
    expect(key({ type: 'response.audio.transcript.delta', delta: 'hel', sequence_number: 3 })).toEqual(['out/-/audio.transcript/-']);
    expect(key({ type: 'response.audio.delta', delta: 'UklGRg==', sequence_number: 3 })).toEqual([]);
    expect(key({ type: 'response.reasoning_summary_part.added', item_id: 'r', output_index: 0, summary_index: 0, part: { type: 'summary_text', text: '' }, sequence_number: 1 })).toEqual(['whole:$.part.text']);
    const done = a.streamStep(ev({ type: 'response.reasoning_summary_text.done', item_id: 'r', output_index: 0, summary_index: 2, text: 'all', sequence_number: 9 }), 'responses');
    expect(done.ends).toEqual(['whole:$.text', 'out/0/reasoning_summary_text/s2']);
    expect(a.streamStep(ev({ type: 'error', code: 'server_error', message: 'boom', param: null, sequence_number: 4 }), 'responses')).toEqual({ deltas: [], ends: [] });
    expect(a.streamStep(ev({ type: 'response.failed', sequence_number: 5, response: { id: 'r', output: [], status: 'failed' } }), 'responses').ends).toEqual(['*']);
  });
});
