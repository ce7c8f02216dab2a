import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskText } from '../../../src/masking/index.js';
import type { MaskRule } from '../../../src/proxy/decision.js';
import { anthropicAdapter, openaiAdapter } from '../../../src/proxy/protocols/index.js';
import type { ErrorDetails, Operation, ProtocolAdapter, SseEvent } from '../../../src/proxy/protocols/types.js';
import { createStreamGuard, StreamGuardError } from '../../../src/proxy/response/stream-guard.js';
import { SseError, SseParser, type SseItem } from '../../../src/proxy/sse.js';
import { classifierSet, document, maskRules, render, secretsOf, type Piece } from '../../masking/fixtures.js';
import { chatStream, deltasOf, messagesStream, responsesStream } from './streams.js';

const set = classifierSet();
const rules = maskRules();
const BLOCKED: ErrorDetails = { code: 'policy_violation', type: 'policy_violation', message: 'the response was stopped: it contained a value a policy blocks', extra: { policy: 'railgate.chat', revision: 'r1' } };

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString('utf8');

/** The stream's bytes through a guard, delivered in pieces cut at `cuts`. */
function guard(adapter: ProtocolAdapter, operation: Operation, text: string, cuts: readonly number[], r: readonly MaskRule[] = rules) {
  const g = createStreamGuard({ adapter, operation, rules: r, classifiers: set, blockedError: BLOCKED });
  const bytes = enc(text);
  const at = [0, ...[...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b), bytes.length];
  const out: Uint8Array[] = [];
  for (let i = 1; i < at.length; i++) out.push(...g.push(bytes.subarray(at[i - 1], at[i])));
  out.push(...g.end());
  return { out: dec(out), g };
}

function items(text: string): SseItem[] {
  const p = new SseParser();
  return [...p.push(text), ...p.end()];
}

/** Per text stream, the concatenation of its deltas (read with the adapter itself). */
function textsByKey(adapter: ProtocolAdapter, operation: Operation, text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of items(text)) {
    if (i.kind !== 'event') continue;
    for (const d of adapter.streamStep(i.event, operation).deltas) out.set(d.key, (out.get(d.key) ?? '') + d.text);
  }
  return out;
}

/** The frames that carry no text (comments, [DONE], usage, pings, stops), as sent. */
function textless(adapter: ProtocolAdapter, operation: Operation, text: string): string[] {
  return items(text)
    .filter((i) => (i.kind === 'event' ? adapter.streamStep(i.event, operation).deltas.length === 0 : !/^[\r\n]*$/.test(i.raw)))
    .map((i) => i.raw);
}

function lastEvent(text: string): SseEvent {
  const evs = items(text).flatMap((i) => (i.kind === 'event' ? [i.event] : []));
  return evs[evs.length - 1]!;
}

/** Checks (1)-(4) of the issue for one stream through the guard. */
function checkStream(adapter: ProtocolAdapter, operation: Operation, input: string, cuts: readonly number[], secrets: readonly string[]) {
  const { out, g } = guard(adapter, operation, input, cuts);
  expect(g.blocked).toBe(false);
  // (1) no sensitive value in the bytes sent, nor in any text stream once reassembled
  const got = textsByKey(adapter, operation, out);
  for (const s of secrets) {
    expect(out).not.toContain(s);
    expect(out).not.toContain(JSON.stringify(s).slice(1, -1));
    for (const t of got.values()) expect(t).not.toContain(s);
  }
  // (2) each text stream, reassembled, is its whole original text masked
  const want = textsByKey(adapter, operation, input);
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [key, text] of want) expect(got.get(key), key).toBe(maskText(text, rules, set).text);
  // (3) every frame without text comes out unchanged and in order
  expect(textless(adapter, operation, out)).toEqual(textless(adapter, operation, input));
  // (4) the stream's end is still last
  expect(lastEvent(out)).toEqual(lastEvent(input));
  return out;
}

const cuts = fc.array(fc.nat({ max: 20_000 }), { maxLength: 40 });
const lineEnd = fc.constantFrom('\n', '\r\n');
/** A document with the values spread over deltas cut anywhere (a value split across any number of them). */
const deltas = fc.tuple(document, fc.array(fc.nat({ max: 2000 }), { maxLength: 30 })).map(([pieces, at]) => ({ pieces, deltas: deltasOf(render(pieces), at) }));
/** A tool call's JSON arguments holding values from a document (`key = "…"` pieces arrive JSON-escaped: `key = \\"…\\"`). */
const argsOf = (pieces: readonly Piece[]) => JSON.stringify({ to: 'ops', note: render(pieces) });
const toolSecrets = (pieces: readonly Piece[]) => secretsOf(pieces);

describe('stream guard: property tests over realistic streams cut into random byte chunks', () => {
  it('OpenAI chat: content and tool-call arguments masked, framing intact', () => {
    fc.assert(
      fc.property(deltas, fc.option(fc.tuple(document, fc.array(fc.nat({ max: 500 }), { maxLength: 12 })), { nil: undefined }), fc.boolean(), fc.array(fc.nat(), { maxLength: 3 }), fc.boolean(), lineEnd, cuts, (c, tool, usage, keepAlive, finishWithContent, eol, at) => {
        const args = tool ? deltasOf(argsOf(tool[0]), tool[1]) : [];
        const frames = chatStream({ content: c.deltas, args, usage, keepAlive, finishWithContent });
        const input = frames.join('').replace(/\n/g, eol);
        const secrets = [...secretsOf(c.pieces), ...(tool ? toolSecrets(tool[0]) : [])];
        const out = checkStream(openaiAdapter, 'chat', input, at, secrets);
        expect(lastEvent(out).data).toBe('[DONE]');
      }),
      { numRuns: 150 },
    );
  });

  it('Anthropic messages: text and tool input deltas masked, framing intact', () => {
    fc.assert(
      fc.property(deltas, fc.option(fc.tuple(document, fc.array(fc.nat({ max: 500 }), { maxLength: 12 })), { nil: undefined }), fc.array(fc.nat(), { maxLength: 3 }), lineEnd, cuts, (c, tool, pings, eol, at) => {
        const input = messagesStream({ text: c.deltas, input: tool ? deltasOf(argsOf(tool[0]), tool[1]) : [], pings }).join('').replace(/\n/g, eol);
        const secrets = [...secretsOf(c.pieces), ...(tool ? toolSecrets(tool[0]) : [])];
        const out = checkStream(anthropicAdapter, 'messages', input, at, secrets);
        expect(lastEvent(out).event).toBe('message_stop');
      }),
      { numRuns: 150 },
    );
  });

  it('OpenAI Responses: deltas masked, and the complete texts the .done events repeat masked alike', () => {
    fc.assert(
      fc.property(deltas, cuts, (c, at) => {
        const input = responsesStream(c.deltas).join('');
        const { out } = guard(openaiAdapter, 'responses', input, at);
        for (const s of secretsOf(c.pieces)) expect(out).not.toContain(s);
        const masked = maskText(render(c.pieces), rules, set).text;
        const got = textsByKey(openaiAdapter, 'responses', out);
        expect(got.get('out/0/output_text/c0')).toBe(masked);
        const done = items(out).flatMap((i) => (i.kind === 'event' && i.event.event === 'response.output_text.done' ? [JSON.parse(i.event.data) as { text: string }] : []));
        expect(done.map((d) => d.text)).toEqual([masked]);
        const completed = JSON.parse(lastEvent(out).data) as { response: { output: Array<{ content: Array<{ text: string }> }> } };
        expect(completed.response.output[0]!.content[0]!.text).toBe(masked);
        expect(lastEvent(out).event).toBe('response.completed');
      }),
      { numRuns: 100 },
    );
  });
});

describe('stream guard', () => {
  const key = 'AKIAIOSFODNN7EXAMPLE';

  it('passes a stream with nothing to mask through byte for byte (when no delta ends in what could begin a match)', () => {
    const input = chatStream({ content: ['Hello, ', 'world! ', 'How can I help? '], args: [], usage: true, keepAlive: [2], finishWithContent: false }).join('');
    expect(guard(openaiAdapter, 'chat', input, [7, 100, 101, 333]).out).toBe(input);
    const crlf = messagesStream({ text: ['Hi ', 'there. '], input: [], pings: [1] }).join('').replace(/\n/g, '\r\n');
    expect(guard(anthropicAdapter, 'messages', crlf, [5, 6, 200]).out).toBe(crlf);
  });

  it('flushes a held tail before the event that ends its stream', () => {
    // the tail `dear Orio…` could still grow into a codename: it waits for finish_reason
    const input = chatStream({ content: ['Yours, ', 'ORI'], args: [], usage: false, keepAlive: [], finishWithContent: false }).join('');
    const evs = items(guard(openaiAdapter, 'chat', input, []).out).flatMap((i) => (i.kind === 'event' ? [i.event.data] : []));
    const parsed = evs.slice(0, -1).map((d) => JSON.parse(d) as { choices: Array<{ delta: { content?: string }; finish_reason: string | null }> });
    expect(parsed.map((p) => [p.choices[0]!.delta.content, p.choices[0]!.finish_reason])).toEqual([
      ['', null],
      ['Yours, ', null],
      ['', null],
      // the flush: an extra delta chunk, then the original finish chunk
      ['ORI', null],
      [undefined, 'stop'],
    ]);
    expect(evs[evs.length - 1]).toBe('[DONE]');
  });

  it('masks a value split over many small deltas; the held parts go out as empty deltas', () => {
    const parts = `Your key is ${key}, keep it.`.match(/[^]{1,3}/g)!;
    const { out } = guard(openaiAdapter, 'chat', chatStream({ content: parts, args: [], usage: false, keepAlive: [], finishWithContent: true }).join(''), []);
    expect(out).not.toContain(key);
    expect(textsByKey(openaiAdapter, 'chat', out).get('0/content')).toBe('Your key is [SECRET.AWS_ACCESS_KEY], keep it.');
  });

  it('blocks: sends the protocol error event instead of the value, and nothing after', () => {
    const block: MaskRule[] = [...rules, { classifier: 'secret.private_key', replacement: '[KEY]', action: 'block' }];
    const pem = `-----BEGIN RSA ${'PRIVATE'} KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA ${'PRIVATE'} KEY-----`;
    const text = `Here it is:\n${pem}\nDone.`;
    for (const size of [1, 3, 16, 200]) {
      const input = chatStream({ content: text.match(new RegExp(`[^]{1,${size}}`, 'g'))!, args: [], usage: true, keepAlive: [], finishWithContent: false }).join('');
      const { out, g } = guard(openaiAdapter, 'chat', input, [11, 400], block);
      expect(g.blocked).toBe(true);
      expect(g.classifiers).toContain('secret.private_key');
      expect(out).not.toContain('BEGIN');
      expect(out).not.toContain('MIIE');
      const last = lastEvent(out);
      expect(JSON.parse(last.data)).toEqual({ error: { message: BLOCKED.message, type: 'policy_violation', param: null, code: 'policy_violation', policy: 'railgate.chat', revision: 'r1' } });
      expect(out).not.toContain('[DONE]');
      expect(g.push(enc('data: [DONE]\n\n'))).toEqual([]);
      expect(g.end()).toEqual([]);
    }
    const anth = messagesStream({ text: [`a ${pem.slice(0, 40)}`, pem.slice(40), ' b'], input: [], pings: [] }).join('');
    const { out } = guard(anthropicAdapter, 'messages', anth, [], block);
    expect(lastEvent(out)).toEqual({ event: 'error', data: expect.stringContaining('"type":"error"') });
    expect(out).not.toContain('MIIE');
  });

  it('flushes every open stream when the upstream ends without ending them', () => {
    const frames = chatStream({ content: ['mail me at jane@exa', 'mple.com'], args: [], usage: false, keepAlive: [], finishWithContent: false });
    // cut before the finish chunk and [DONE]
    const input = frames.slice(0, 3).join('');
    const { out } = guard(openaiAdapter, 'chat', input, []);
    expect(textsByKey(openaiAdapter, 'chat', out).get('0/content')).toBe('mail me at [PII.EMAIL]');
  });

  it('masks each choice of an n > 1 stream on its own', () => {
    const chunk = (index: number, content: string | undefined, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index, delta: content === undefined ? {} : { content }, logprobs: null, finish_reason: finish }] })}\n\n`;
    const input = [chunk(0, 'a AKIAIOSFO'), chunk(1, 'b AKIAIOSFO'), chunk(0, 'DNN7EXAMPLE x'), chunk(1, 'DNN7EXAMPLE y'), chunk(0, undefined, 'stop'), chunk(1, undefined, 'stop'), 'data: [DONE]\n\n'].join('');
    const got = textsByKey(openaiAdapter, 'chat', guard(openaiAdapter, 'chat', input, [50]).out);
    expect(got.get('0/content')).toBe('a [SECRET.AWS_ACCESS_KEY] x');
    expect(got.get('1/content')).toBe('b [SECRET.AWS_ACCESS_KEY] y');
  });

  it('is bounded: too many open text streams, or an event too large, stop the stream with an error', () => {
    const many = Array.from({ length: 5 }, (_, i) => `data: ${JSON.stringify({ choices: [{ index: i, delta: { content: 'x' }, finish_reason: null }] })}\n\n`).join('');
    const g = createStreamGuard({ adapter: openaiAdapter, operation: 'chat', rules, classifiers: set, blockedError: BLOCKED, maxOpenTexts: 4 });
    expect(() => g.push(enc(many))).toThrow(StreamGuardError);
    const big = createStreamGuard({ adapter: openaiAdapter, operation: 'chat', rules, classifiers: set, blockedError: BLOCKED, maxEventBytes: 1000 });
    expect(() => big.push(enc(`data: ${'x'.repeat(2000)}`))).toThrow(SseError);
    const held = createStreamGuard({ adapter: openaiAdapter, operation: 'chat', rules, classifiers: set, blockedError: BLOCKED, maxHeldChars: 100 });
    // a private key block in progress is held back whole: past the limit, the stream stops
    expect(() => held.push(enc(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: `-----BEGIN ${'PRIVATE'} KEY-----\n${'A'.repeat(200)}` }, finish_reason: null }] })}\n\n`))).toThrow(StreamGuardError);
  });

  it('refuses to start with a rule naming an unknown classifier', () => {
    expect(() => createStreamGuard({ adapter: openaiAdapter, operation: 'chat', rules: maskRules(['no.such']), classifiers: set, blockedError: BLOCKED })).toThrow(/unknown classifier/);
  });
});
