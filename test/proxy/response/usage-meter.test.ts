import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anthropicAdapter, openaiAdapter } from '../../../src/proxy/protocols/index.js';
import type { Operation, ProtocolAdapter } from '../../../src/proxy/protocols/types.js';
import { createStreamGuard } from '../../../src/proxy/response/stream-guard.js';
import { chainGuards, createUsageMeter, QUOTA_CUT_CODE, type UsageMeterOptions } from '../../../src/proxy/response/usage-meter.js';
import type { ChunkGuard } from '../../../src/proxy/stream.js';
import { countTokens } from '../../../src/runtime/tokens.js';
import { classifierSet, maskRules } from '../../masking/fixtures.js';
import { fixtureText } from '../protocols/support/fixtures.js';
import { parseSse } from '../protocols/support/sse.js';
import { chatStream, deltasOf, messagesStream, responsesStream } from './streams.js';

// The usage meter over real stream shapes: it passes what it does not act on byte
// for byte (however the bytes are cut), keeps the usage the stream reports, counts
// what it delivers exactly, drops the usage chunk the client did not ask for, and
// cuts a stream at its reservation with the end the protocol uses for a reached cap.

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (chunks: Uint8Array[]): string => Buffer.concat(chunks).toString('utf8');

function meterOf(adapter: ProtocolAdapter, operation: Operation, o: Partial<UsageMeterOptions> = {}) {
  return createUsageMeter({ adapter, operation, stripUsage: false, includeUsage: false, promptTokens: 9, cutMessage: 'the reservation was reached', ...o });
}

/** `text` through a guard in pieces cut at `cuts`. */
function run(g: ChunkGuard, text: string, cuts: readonly number[] = []): string {
  const bytes = enc(text);
  const at = [0, ...[...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b), bytes.length];
  const out: Uint8Array[] = [];
  for (let i = 1; i < at.length && !g.blocked; i++) out.push(...g.push(bytes.subarray(at[i - 1], at[i])));
  if (!g.blocked) out.push(...g.end());
  return dec(out);
}

const payloads = (text: string): Array<Record<string, unknown> | string> => parseSse(text).map((e) => (e.data === '[DONE]' ? e.data : (JSON.parse(e.data) as Record<string, unknown>)));

const FIXTURES: Array<[string, ProtocolAdapter, Operation, string, { prompt?: number; completion?: number }]> = [
  ['openai/chat-stream.sse', openaiAdapter, 'chat', 'gpt-4.1', { prompt: 214, completion: 11 }],
  ['openai/chat-stream-n2.sse', openaiAdapter, 'chat', 'gpt-4o-mini', {}],
  ['openai/chat-stream-tools.sse', openaiAdapter, 'chat', 'gpt-4.1', {}],
  ['openai/completion-stream.sse', openaiAdapter, 'completion', 'gpt-3.5-turbo-instruct', {}],
  ['openai/responses-stream.sse', openaiAdapter, 'responses', 'gpt-4.1', { prompt: 37, completion: 11 }],
  ['anthropic/messages-stream.sse', anthropicAdapter, 'messages', 'claude-sonnet-4-5', { prompt: 25, completion: 15 }],
];

/** Per text stream, what the adapter reads as deltas (not the repeated whole texts), joined. */
function deliveredTokens(adapter: ProtocolAdapter, op: Operation, text: string, model: string): number {
  const byKey = new Map<string, string>();
  for (const e of parseSse(text)) {
    for (const d of adapter.streamStep(e, op).deltas) if (!d.key.startsWith('whole:')) byKey.set(d.key, (byKey.get(d.key) ?? '') + d.text);
  }
  let n = 0;
  for (const t of byKey.values()) if (t !== '') n += countTokens(t, model);
  return n;
}

describe('the usage meter on real streams', () => {
  it.each(FIXTURES)('%s: byte for byte, however cut; the reported usage; the delivered tokens', (name, adapter, op, model, usage) => {
    const text = fixtureText(name);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 20 }), (cuts) => {
        const m = meterOf(adapter, op, { model, completionLimit: 100_000 });
        expect(run(m, text, cuts)).toBe(text);
        expect(m.reported).toEqual(usage);
        expect(m.completed).toBe(true);
        expect(m.cut).toBe(false);
        expect(m.delivered()).toBe(deliveredTokens(adapter, op, text, model));
      }),
      { numRuns: 30 },
    );
  });

  it('drops the usage-only chunk when the proxy asked for it, and only that', () => {
    const text = fixtureText('openai/chat-stream.sse');
    const m = meterOf(openaiAdapter, 'chat', { stripUsage: true });
    const out = run(m, text, [17, 300, 301]);
    const usageFrame = text.split('\n\n').find((f) => f.includes('"choices":[]'))!;
    expect(out).toBe(text.replace(`${usageFrame}\n\n`, ''));
    // it was read before it was dropped
    expect(m.reported).toEqual({ prompt: 214, completion: 11 });
  });

  it('not completed when the upstream did not end the stream', () => {
    const m = meterOf(openaiAdapter, 'chat');
    m.push(enc(fixtureText('openai/chat-stream.sse').slice(0, 400)));
    expect(m.completed).toBe(false);
  });
});

const words = (n: number): string[] => Array.from({ length: n }, (_, i) => (i === 0 ? 'word' : ' word'));

describe('cutting a stream at its reservation', () => {
  it('chat: the event that would pass the limit is withheld; the open choice ends with finish_reason length and the reason, then [DONE]', () => {
    const text = chatStream({ content: words(100), args: [], usage: true, keepAlive: [], finishWithContent: false }).join('');
    const m = meterOf(openaiAdapter, 'chat', { model: 'gpt-4.1-mini', completionLimit: 10, stripUsage: true });
    const out = run(m, text, [50, 51, 999]);
    expect(m.cut).toBe(true);
    expect(m.blocked).toBe(true);
    expect(m.completed).toBe(false);
    expect(m.delivered()).toBe(10);
    const p = payloads(out);
    expect(p.at(-1)).toBe('[DONE]');
    const end = p.at(-2) as { id: string; model: string; choices: unknown[]; railgate: { code: string; message: string } };
    expect(end.choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: 'length' }]);
    expect(end.railgate).toEqual({ code: QUOTA_CUT_CODE, message: 'the reservation was reached' });
    expect(end.id).toBe('chatcmpl-9xYz');
    expect(end.model).toBe('gpt-4.1-mini-2025-04-14');
    const content = p.slice(0, -2).map((c) => ((c as { choices: Array<{ delta: { content?: string } }> }).choices[0]!.delta.content ?? '')).join('');
    expect(countTokens(content, 'gpt-4.1-mini')).toBe(10);
    // nothing after the cut is read any more
    expect(m.push(enc(text))).toEqual([]);
  });

  it('chat: reports usage at the end when the client asked for it', () => {
    const text = chatStream({ content: words(100), args: [], usage: true, keepAlive: [], finishWithContent: false }).join('');
    const m = meterOf(openaiAdapter, 'chat', { completionLimit: 7, includeUsage: true });
    const p = payloads(run(m, text));
    expect(p.at(-2)).toMatchObject({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16 } });
  });

  it('chat with n = 2: every open choice ends', () => {
    const head = { id: 'chatcmpl-n2', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini' };
    const frames = [0, 1].map((i) => `data: ${JSON.stringify({ ...head, choices: [{ index: i, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`);
    for (let k = 0; k < 50; k++) for (const i of [0, 1]) frames.push(`data: ${JSON.stringify({ ...head, choices: [{ index: i, delta: { content: ' word' }, finish_reason: null }] })}\n\n`);
    const m = meterOf(openaiAdapter, 'chat', { completionLimit: 20 });
    const p = payloads(run(m, frames.join('')));
    const ends = p.filter((c) => typeof c !== 'string' && (c as { railgate?: unknown }).railgate) as Array<{ choices: Array<{ index: number; finish_reason: string }> }>;
    expect(ends.map((e) => e.choices[0]!.index)).toEqual([0, 1]);
    expect(m.delivered()).toBe(20);
  });

  it('completions: a final chunk with empty text and finish_reason length', () => {
    const head = { id: 'cmpl-1', object: 'text_completion', created: 1, model: 'gpt-3.5-turbo-instruct' };
    const frames = words(40).map((w) => `data: ${JSON.stringify({ ...head, choices: [{ text: w, index: 0, logprobs: null, finish_reason: null }] })}\n\n`);
    const m = meterOf(openaiAdapter, 'completion', { completionLimit: 5 });
    const p = payloads(run(m, frames.join('') + 'data: [DONE]\n\n'));
    expect(p.at(-2)).toMatchObject({ object: 'text_completion', choices: [{ text: '', index: 0, logprobs: null, finish_reason: 'length' }], railgate: { code: QUOTA_CUT_CODE } });
    expect(p.at(-1)).toBe('[DONE]');
  });

  it('responses: response.incomplete with the output delivered so far, the next sequence number and the usage', () => {
    const text = responsesStream(words(60)).join('');
    const m = meterOf(openaiAdapter, 'responses', { model: 'gpt-4.1', completionLimit: 12 });
    const events = parseSse(run(m, text));
    const last = events.at(-1)!;
    expect(last.event).toBe('response.incomplete');
    const p = JSON.parse(last.data) as {
      type: string;
      sequence_number: number;
      railgate: { code: string };
      response: { id: string; status: string; incomplete_details: { reason: string }; output: Array<{ status: string; content: Array<{ type: string; text: string }> }>; usage: { input_tokens: number; output_tokens: number; total_tokens: number } };
    };
    const deltas = events.filter((e) => e.event === 'response.output_text.delta').map((e) => (JSON.parse(e.data) as { delta: string }).delta);
    expect(p.type).toBe('response.incomplete');
    expect(p.sequence_number).toBe(3 + deltas.length);
    expect(p.railgate.code).toBe(QUOTA_CUT_CODE);
    expect(p.response.id).toBe('resp_67ccd3a9da748190baa7f1570fe91ac604becd8d5f6d7bbc');
    expect(p.response.status).toBe('incomplete');
    expect(p.response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(p.response.output).toHaveLength(1);
    expect(p.response.output[0]!.status).toBe('incomplete');
    expect(p.response.output[0]!.content).toEqual([{ type: 'output_text', text: deltas.join(''), annotations: [] }]);
    expect(p.response.usage).toMatchObject({ input_tokens: 9, output_tokens: 12, total_tokens: 21 });
  });

  it('anthropic: content_block_stop for the open block, message_delta with max_tokens and the output, message_stop', () => {
    const text = messagesStream({ text: words(80), input: [], pings: [] }).join('');
    const m = meterOf(anthropicAdapter, 'messages', { model: 'claude-sonnet-4', completionLimit: 15 });
    const events = parseSse(run(m, text));
    expect(events.slice(-3).map((e) => e.event)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(JSON.parse(events.at(-3)!.data)).toEqual({ type: 'content_block_stop', index: 0 });
    expect(JSON.parse(events.at(-2)!.data)).toEqual({ type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { output_tokens: 15 }, railgate: { code: QUOTA_CUT_CODE, message: 'the reservation was reached' } });
    // the prompt the stream reported, for the settlement
    expect(m.reported).toEqual({ prompt: 25 });
  });

  it('a limit the first text already passes cuts before any text', () => {
    const text = chatStream({ content: ['a long first delta of several tokens'], args: [], usage: false, keepAlive: [], finishWithContent: false }).join('');
    const m = meterOf(openaiAdapter, 'chat', { completionLimit: 2 });
    const p = payloads(run(m, text));
    expect(p.map((c) => (typeof c === 'string' ? c : (c as { choices: Array<{ finish_reason: string | null }> }).choices[0]?.finish_reason ?? null))).toEqual([null, 'length', '[DONE]']);
    expect(m.delivered()).toBe(0);
  });

  it('never passes its limit, wherever the stream is cut into deltas and bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 80 }), fc.array(fc.nat(), { maxLength: 10 }), fc.integer({ min: 0, max: 60 }), (deltaCuts, byteCuts, limit) => {
        const content = 'The quick brown fox jumps over the lazy dog; then 1234 more résumés arrived, 東京 and all. '.repeat(3);
        const text = chatStream({ content: deltasOf(content, deltaCuts), args: [], usage: false, keepAlive: [1], finishWithContent: true }).join('');
        const m = meterOf(openaiAdapter, 'chat', { model: 'gpt-4.1', completionLimit: limit });
        const out = run(m, text, byteCuts);
        const sent = payloads(out)
          .filter((c): c is Record<string, unknown> => typeof c !== 'string')
          .map((c) => ((c as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ?? ''))
          .join('');
        expect(countTokens(sent, 'gpt-4.1')).toBe(m.delivered());
        expect(m.delivered()).toBeLessThanOrEqual(limit);
        expect(m.cut).toBe(countTokens(content, 'gpt-4.1') > limit);
        if (!m.cut) expect(out).toBe(text);
      }),
      { numRuns: 150 },
    );
  });
});

describe('after the mask guard', () => {
  it('counts the text the client receives, masked', () => {
    const set = classifierSet();
    const mask = createStreamGuard({ adapter: openaiAdapter, operation: 'chat', rules: maskRules(['pii.email']), classifiers: set, blockedError: { code: 'x', type: 'x', message: 'x' } });
    const meter = meterOf(openaiAdapter, 'chat', { model: 'gpt-4.1' });
    const text = chatStream({ content: deltasOf('mail jane.doe@example.com today please', [3, 9, 14, 20, 27]), args: [], usage: false, keepAlive: [], finishWithContent: false }).join('');
    const out = run(chainGuards(mask, meter), text, [10, 200]);
    const sent = payloads(out)
      .filter((c): c is Record<string, unknown> => typeof c !== 'string')
      .map((c) => ((c as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ?? ''))
      .join('');
    expect(sent).toBe('mail [PII.EMAIL] today please');
    expect(meter.delivered()).toBe(countTokens(sent, 'gpt-4.1'));
    expect(meter.completed).toBe(true);
  });
});
