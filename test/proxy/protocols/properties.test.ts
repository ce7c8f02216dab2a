import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anthropicAdapter } from '../../../src/proxy/protocols/anthropic.js';
import { httpAdapter } from '../../../src/proxy/protocols/http.js';
import { openaiAdapter } from '../../../src/proxy/protocols/openai.js';
import { WHOLE_PREFIX } from '../../../src/proxy/protocols/stream.js';
import type { Operation, ProtocolAdapter, SseEvent } from '../../../src/proxy/protocols/types.js';
import { fixtureStream, maskEmailsIn } from './support/fixtures.js';
import { guardAll } from './support/guard.js';

// The adapter contract as properties: rewriting visits exactly the texts parse
// reports, in the same order, in a copy, and changes nothing else; stream rewrites
// change only the texts; synthetic deltas map back to their stream; and any
// re-chunking of a stream is still masked completely through the contract.

const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom('', 'jane.doe@example.com', 'card 4111 1111 1111 1111'),
);
const extra = fc.dictionary(fc.constantFrom('metadata', 'temperature', 'user', 'x_vendor'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 });

const chatPart = fc.oneof(
  fc.record({ type: fc.constant('text'), text }),
  fc.record({ type: fc.constant('refusal'), refusal: text }),
  fc.record({ type: fc.constant('image_url'), image_url: fc.record({ url: fc.constant('https://x.test/a.png') }) }),
  fc.record({ type: fc.constant('future_kind'), text }),
);
const toolCall = fc.oneof(
  fc.record({ id: fc.constant('call_1'), type: fc.constant('function'), function: fc.record({ name: fc.constant('f'), arguments: text }) }),
  fc.record({ id: fc.constant('call_2'), type: fc.constant('custom'), custom: fc.record({ name: fc.constant('g'), input: text }) }),
);
const chatMessage = fc.record(
  {
    role: fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool'),
    content: fc.oneof(text, fc.constant(null), fc.array(chatPart, { maxLength: 3 })),
    name: fc.constant('n'),
    refusal: fc.oneof(text, fc.constant(null)),
    tool_calls: fc.array(toolCall, { maxLength: 2 }),
    function_call: fc.record({ name: fc.constant('f'), arguments: text }),
  },
  { requiredKeys: ['role'] },
);
const chatBody = fc.record(
  {
    model: fc.constant('gpt-4.1'),
    messages: fc.array(chatMessage, { maxLength: 4 }),
    prediction: fc.record({ type: fc.constant('content'), content: fc.oneof(text, fc.array(fc.record({ type: fc.constant('text'), text }), { maxLength: 2 })) }),
    extra,
  },
  { requiredKeys: ['messages'] },
);

const completionBody = fc.record({ prompt: fc.oneof(text, fc.array(text, { maxLength: 3 })), suffix: fc.oneof(text, fc.constant(null)), extra }, { requiredKeys: [] });
const embeddingBody = fc.record({ input: fc.oneof(text, fc.array(text, { maxLength: 3 })), extra }, { requiredKeys: ['input'] });

const responsesItem = fc.oneof(
  fc.record({ role: fc.constant('user'), content: fc.oneof(text, fc.array(fc.oneof(fc.record({ type: fc.constant('input_text'), text }), fc.record({ type: fc.constant('input_image'), image_url: fc.constant('https://x.test/i.png') })), { maxLength: 3 })) }),
  fc.record({ type: fc.constant('message'), role: fc.constant('assistant'), content: fc.array(fc.oneof(fc.record({ type: fc.constant('output_text'), text, annotations: fc.constant([]) }), fc.record({ type: fc.constant('refusal'), refusal: text })), { maxLength: 2 }) }),
  fc.record({ type: fc.constant('function_call'), call_id: fc.constant('c'), name: fc.constant('f'), arguments: text }),
  fc.record({ type: fc.constant('function_call_output'), call_id: fc.constant('c'), output: fc.oneof(text, fc.array(fc.record({ type: fc.constant('input_text'), text }), { maxLength: 2 })) }),
  fc.record({ type: fc.constant('reasoning'), id: fc.constant('rs'), summary: fc.array(fc.record({ type: fc.constant('summary_text'), text }), { maxLength: 2 }) }),
  fc.record({ type: fc.constant('item_reference'), id: fc.constant('msg_1') }),
);
const responsesBody = fc.record(
  {
    instructions: fc.oneof(text, fc.constant(null)),
    input: fc.oneof(text, fc.array(responsesItem, { maxLength: 4 })),
    prompt: fc.record({ id: fc.constant('pmpt'), variables: fc.dictionary(fc.constantFrom('a', 'b'), fc.oneof(text, fc.record({ type: fc.constant('input_text'), text }))) }),
    extra,
  },
  { requiredKeys: [] },
);

const block: fc.Arbitrary<unknown> = fc.letrec<{ block: unknown }>((tie) => ({
  block: fc.oneof(
    { depthSize: 'small' },
    fc.record({ type: fc.constant('text'), text }),
    fc.record({ type: fc.constant('thinking'), thinking: text, signature: fc.constant('sig') }),
    fc.record({ type: fc.constant('tool_use'), id: fc.constant('toolu_1'), name: fc.constant('t'), input: fc.jsonValue({ maxDepth: 3 }) }),
    fc.record({ type: fc.constant('tool_result'), tool_use_id: fc.constant('toolu_1'), content: fc.oneof(text, fc.array(tie('block'), { maxLength: 2 })) }),
    fc.record({ type: fc.constant('image'), source: fc.record({ type: fc.constant('base64'), media_type: fc.constant('image/png'), data: fc.constant('iVBOR') }) }),
    fc.record({ type: fc.constant('document'), source: fc.record({ type: fc.constant('text'), media_type: fc.constant('text/plain'), data: text }), title: text }),
  ),
})).block;
const messagesBody = fc.record(
  {
    max_tokens: fc.nat({ max: 4096 }),
    system: fc.oneof(text, fc.array(fc.record({ type: fc.constant('text'), text }), { maxLength: 2 })),
    messages: fc.array(fc.record({ role: fc.constantFrom('user', 'assistant'), content: fc.oneof(text, fc.array(block, { maxLength: 3 })) }), { maxLength: 3 }),
    extra,
  },
  { requiredKeys: ['max_tokens', 'messages'] },
);

const http = httpAdapter({ requestTexts: ['$.q', '$.docs[*].text', '$.*'], responseTexts: ['$.*'], operation: 'other' });

const cases: Array<[string, ProtocolAdapter, Operation, fc.Arbitrary<unknown>]> = [
  ['openai chat', openaiAdapter, 'chat', chatBody],
  ['openai completion', openaiAdapter, 'completion', completionBody],
  ['openai embedding', openaiAdapter, 'embedding', embeddingBody],
  ['openai responses', openaiAdapter, 'responses', responsesBody],
  ['anthropic messages', anthropicAdapter, 'messages', messagesBody],
  ['generic http', http, 'other', fc.jsonValue({ maxDepth: 4 })],
];

describe.each(cases)('%s requests', (_name, a, op, body) => {
  it('rewriteRequestTexts visits exactly the texts parse returns, in order, in a copy, and changes nothing else', () => {
    fc.assert(
      fc.property(body, (b) => {
        const before = structuredClone(b);
        const texts = a.parse(b, op).texts;
        const seen: string[] = [];
        const out = a.rewriteRequestTexts(b, op, (t) => {
          seen.push(t);
          return `<${t}>`;
        });
        expect(b).toEqual(before);
        expect(seen).toEqual(texts);
        expect(a.parse(out, op).texts).toEqual(texts.map((t) => `<${t}>`));
        // undo the rewrite: everything else was left as it was
        expect(a.rewriteRequestTexts(out, op, (t) => t.slice(1, -1))).toEqual(b);
        expect(a.rewriteRequestTexts(b, op, (t) => t)).toBe(b);
      }),
      { numRuns: 150 },
    );
  });
});

const streams: Array<[string, ProtocolAdapter, Operation]> = [
  ['openai/chat-stream.sse', openaiAdapter, 'chat'],
  ['openai/chat-stream-tools.sse', openaiAdapter, 'chat'],
  ['openai/chat-stream-n2.sse', openaiAdapter, 'chat'],
  ['openai/completion-stream.sse', openaiAdapter, 'completion'],
  ['openai/responses-stream.sse', openaiAdapter, 'responses'],
  ['openai/responses-stream-function.sse', openaiAdapter, 'responses'],
  ['anthropic/messages-stream.sse', anthropicAdapter, 'messages'],
  ['anthropic/messages-stream-tool.sse', anthropicAdapter, 'messages'],
];

const json = (e: SseEvent): unknown => (e.data.trim() === '[DONE]' ? e.data : JSON.parse(e.data));

describe.each(streams)('%s', (file, a, op) => {
  const events = fixtureStream(file);

  it('rewriteStreamEvent changes the delta texts and nothing else', () => {
    fc.assert(
      fc.property(fc.infiniteStream(text), (texts) => {
        for (const e of events) {
          const step = a.streamStep(e, op);
          const replaced = step.deltas.map(() => texts.next().value as string);
          const out = a.rewriteStreamEvent(e, op, replaced);
          const again = a.streamStep(out, op);
          expect(out.event).toBe(e.event);
          expect(again.deltas).toEqual(step.deltas.map((d, i) => ({ ...d, text: replaced[i] })));
          expect(again.ends).toEqual(step.ends);
          // putting the original texts back gives the original payload (log probabilities aside: a rewrite empties them)
          const restored = a.rewriteStreamEvent(out, op, step.deltas.map((d) => d.text));
          expect(json(restored)).toEqual(json(a.rewriteStreamEvent(e, op, step.deltas.map((d) => d.text))));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('a synthetic delta for a stream maps back to that stream with exactly its text', () => {
    fc.assert(
      fc.property(text, (t) => {
        for (const e of events) {
          for (const d of a.streamStep(e, op).deltas) {
            if (d.key.startsWith(WHOLE_PREFIX)) continue;
            const synthetic = a.deltaEvent(d.key, t, e, op);
            const step = a.streamStep(synthetic, op);
            expect(step.deltas.map((x) => [x.key, x.text])).toEqual([[d.key, t]]);
            expect(step.ends).toEqual([]);
          }
        }
      }),
      { numRuns: 30 },
    );
  });

  it('however the text is split across events, masking through the contract leaves nothing behind', () => {
    // each single-delta event is re-split into pieces: the first stays in the event, the rest follow as synthetic deltas
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat({ max: 40 }), { maxLength: 4 }), { minLength: events.length, maxLength: events.length }), (cuts) => {
        const rechunked = events.flatMap((e, i) => {
          const step = a.streamStep(e, op);
          const d = step.deltas[0];
          if (step.deltas.length !== 1 || d!.key.startsWith(WHOLE_PREFIX) || step.ends.length > 0) return [e];
          const points = [...new Set(cuts[i]!.map((c) => Math.min(c, d!.text.length)))].sort((x, y) => x - y);
          const pieces: string[] = [];
          let at = 0;
          for (const p of points) {
            pieces.push(d!.text.slice(at, p));
            at = p;
          }
          pieces.push(d!.text.slice(at));
          return [a.rewriteStreamEvent(e, op, [pieces[0]!]), ...pieces.slice(1).map((p) => a.deltaEvent(d!.key, p, e, op))];
        });
        const joined = (evs: SseEvent[]) => {
          const byKey = new Map<string, string>();
          for (const e of evs) for (const d of a.streamStep(e, op).deltas) if (!d.key.startsWith(WHOLE_PREFIX)) byKey.set(d.key, (byKey.get(d.key) ?? '') + d.text);
          return byKey;
        };
        const original = joined(events);
        const guarded = guardAll(a, op, rechunked);
        expect(guarded.map((e) => e.data).join('\n')).not.toMatch(/@example\.com/);
        const masked = joined(guarded);
        expect([...masked.keys()].sort()).toEqual([...original.keys()].sort());
        for (const [k, v] of original) expect(masked.get(k)).toBe(maskEmailsIn(v));
      }),
      { numRuns: 60 },
    );
  });
});
