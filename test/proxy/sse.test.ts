import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SseEvent } from '../../src/proxy/protocols/types.js';
import { serializeEvent, SseError, SseParser, type SseItem } from '../../src/proxy/sse.js';

const enc = (s: string) => new TextEncoder().encode(s);

/** Parses `bytes` delivered in pieces cut at `cuts`. */
function parse(bytes: Uint8Array, cuts: readonly number[] = [], max?: number): SseItem[] {
  const p = new SseParser(max === undefined ? {} : { maxEventBytes: max });
  const at = [0, ...[...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b), bytes.length];
  const out: SseItem[] = [];
  for (let i = 1; i < at.length; i++) out.push(...p.push(bytes.subarray(at[i - 1], at[i])));
  out.push(...p.end());
  return out;
}

const events = (items: SseItem[]) => items.flatMap((i) => (i.kind === 'event' ? [i.event] : []));

const OPENAI = [
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}',
  '',
  'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Héllo 😀"},"finish_reason":null}]}',
  '',
  ': keep-alive',
  '',
  'data: [DONE]',
  '',
  '',
].join('\n');

const ANTHROPIC = [
  'event: message_start',
  'data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[]}}',
  '',
  'event: ping',
  'data: {"type": "ping"}',
  '',
  'event: content_block_delta',
  'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}',
  '',
  'event: message_stop',
  'data: {"type":"message_stop"}',
  '',
  '',
].join('\n');

describe('SseParser', () => {
  it('reads an OpenAI chat stream: unnamed events, a comment, [DONE]', () => {
    const items = parse(enc(OPENAI));
    expect(items.map((i) => i.kind)).toEqual(['event', 'event', 'comment', 'other', 'event']);
    expect(events(items).map((e) => e.data)).toEqual([
      expect.stringContaining('"role":"assistant"'),
      expect.stringContaining('Héllo 😀'),
      '[DONE]',
    ]);
    expect(events(items)[0]!.event).toBeUndefined();
    expect(items.map((i) => i.raw).join('')).toBe(OPENAI);
  });

  it('reads an Anthropic stream: named events', () => {
    const items = parse(enc(ANTHROPIC));
    expect(events(items).map((e) => e.event)).toEqual(['message_start', 'ping', 'content_block_delta', 'message_stop']);
    expect(items.map((i) => i.raw).join('')).toBe(ANTHROPIC);
  });

  it('joins multi-line data with LF, strips one leading space, reads id and keeps retry in raw', () => {
    const text = 'retry: 3000\n\nid: 7\nevent: update\ndata:first\ndata:  second\ndata\n: a comment inside\n\n';
    const items = parse(enc(text));
    expect(items).toEqual([
      { kind: 'other', raw: 'retry: 3000\n\n' },
      { kind: 'event', event: { event: 'update', id: '7', data: 'first\n second\n' }, raw: 'id: 7\nevent: update\ndata:first\ndata:  second\ndata\n: a comment inside\n\n' },
    ]);
  });

  it('treats CRLF, LF and CR alike as line ends', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const items = parse(enc(ANTHROPIC.replace(/\n/g, eol)));
      expect(events(items)).toEqual(events(parse(enc(ANTHROPIC))));
      expect(items.map((i) => i.raw).join('')).toBe(ANTHROPIC.replace(/\n/g, eol));
    }
  });

  it('gives the same events and the same text for any split of the bytes (inside UTF-8 sequences and CRLF too)', () => {
    const frame = fc.oneof(
      fc.record({ event: fc.option(fc.constantFrom('delta', 'message_stop', 'ping'), { nil: undefined }), data: fc.string({ unit: 'binary', maxLength: 30 }) }).map(({ event, data }) => {
        const lines = data.split(/\r\n|\r|\n/);
        return `${event ? `event: ${event}\n` : ''}${lines.map((l) => `data: ${l}`).join('\n')}\n\n`;
      }),
      fc.constantFrom(': ping\n\n', ':\n', 'retry: 10\n\n', '\n', 'id: 3\n\n'),
    );
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 6 }), fc.constantFrom('\n', '\r\n', '\r'), fc.array(fc.nat({ max: 400 }), { maxLength: 20 }), (frames, eol, cuts) => {
        const text = frames.join('').replace(/\n/g, eol);
        const bytes = enc(text);
        const whole = parse(bytes);
        const split = parse(bytes, cuts);
        expect(events(split)).toEqual(events(whole));
        expect(split.map((i) => i.raw).join('')).toBe(whole.map((i) => i.raw).join(''));
        expect(split.map((i) => i.raw).join('')).toBe(new TextDecoder().decode(bytes));
        // (a comment's CRLF may be split: its LF then passes through on its own)
        const comments = (xs: SseItem[]) => xs.filter((i) => i.kind === 'comment').map((i) => i.raw.replace(/[\r\n]+$/, ''));
        expect(comments(split)).toEqual(comments(whole));
      }),
      { numRuns: 300 },
    );
  });

  it('feeds a CRLF stream one byte at a time', () => {
    const text = ANTHROPIC.replace(/\n/g, '\r\n') + OPENAI.replace(/\n/g, '\r\n');
    const bytes = enc(text);
    const items = parse(bytes, [...Array(bytes.length).keys()]);
    expect(events(items)).toEqual([...events(parse(enc(ANTHROPIC))), ...events(parse(enc(OPENAI)))]);
    expect(items.map((i) => i.raw).join('')).toBe(text);
  });

  it('yields an event as soon as its blank line arrives, even when the blank line ends in a lone CR', () => {
    const p = new SseParser();
    expect(p.push(enc('data: a\r\n\r'))).toEqual([{ kind: 'event', event: { data: 'a' }, raw: 'data: a\r\n\r' }]);
    // the LF that completes the CRLF comes later: it passes through on its own
    expect(p.push(enc('\ndata: b\r'))).toEqual([{ kind: 'other', raw: '\n' }]);
    expect(p.push(enc('\n\r\n'))).toEqual([{ kind: 'event', event: { data: 'b' }, raw: 'data: b\r\n\r\n' }]);
  });

  it('yields a last event that lacks its blank line at the end (it must not pass unread)', () => {
    expect(parse(enc('data: {"x":1}\n\ndata: tail'))).toEqual([
      { kind: 'event', event: { data: '{"x":1}' }, raw: 'data: {"x":1}\n\n' },
      { kind: 'event', event: { data: 'tail' }, raw: 'data: tail' },
    ]);
  });

  it('ignores an id containing NUL, and an empty event name', () => {
    expect(events(parse(enc('id: a\u0000b\nevent:\ndata: x\n\n')))).toEqual([{ data: 'x' }]);
  });

  it('drops a byte order mark at the start', () => {
    expect(events(parse(new Uint8Array([0xef, 0xbb, 0xbf, ...enc('data: x\n\n')])))).toEqual([{ data: 'x' }]);
  });

  it('is bounded: a line or an event larger than the limit is an error', () => {
    expect(() => parse(enc(`data: ${'x'.repeat(2000)}\n\n`), [], 1024)).toThrow(SseError);
    // no line end at all: still bounded
    expect(() => parse(enc('x'.repeat(5000)), [100, 200, 300, 1500], 1024)).toThrow(/larger than 1024 bytes/);
    // many small lines in one event
    expect(() => parse(enc(`${'data: xxxxxxxxxx\n'.repeat(200)}\n`), [], 1024)).toThrow(SseError);
    // many small events: fine
    expect(events(parse(enc('data: xxxxxxxxxx\n\n'.repeat(200)), [], 1024))).toHaveLength(200);
    // multi-byte characters count in bytes
    expect(() => parse(enc(`data: ${'é'.repeat(600)}\n\n`), [], 1024)).toThrow(SseError);
  });
});

describe('serializeEvent', () => {
  it('writes event, id and one data line per line, then the blank line', () => {
    expect(serializeEvent({ data: '{"a":1}' })).toBe('data: {"a":1}\n\n');
    expect(serializeEvent({ event: 'content_block_delta', id: '4', data: 'a\nb' })).toBe('event: content_block_delta\nid: 4\ndata: a\ndata: b\n\n');
  });

  it('round-trips through the parser', () => {
    const arb: fc.Arbitrary<SseEvent> = fc.record(
      { event: fc.stringMatching(/^[a-z_.]{1,12}$/), id: fc.stringMatching(/^[0-9a-z]{0,6}$/), data: fc.string({ unit: 'grapheme', maxLength: 40 }) },
      { requiredKeys: ['data'] },
    );
    fc.assert(
      fc.property(arb, (e) => {
        const back = events(parse(enc(serializeEvent(e))));
        expect(back).toEqual([{ ...e, data: e.data.replace(/\r\n|\r/g, '\n') }]);
      }),
    );
  });

  it('cannot be made to end a line early by an event name or id', () => {
    expect(serializeEvent({ event: 'x\n\ndata: injected', id: '1\r2', data: 'd' })).toBe('event: xdata: injected\nid: 12\ndata: d\n\n');
  });
});
