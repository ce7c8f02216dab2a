import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerText, generate, pieces, toolRequest } from '../../src/mock-upstream/model.js';
import { embed, base64Floats } from '../../src/mock-upstream/embeddings.js';
import { countTokens, decodeTokens, truncateToTokens } from '../../src/mock-upstream/tokens.js';

// What the mock model says, without a socket: the prompt controls, the token cap,
// the chunking of text, the embedding vectors.

describe('answerText', () => {
  it.each([
    ['hello', 'You said: hello'],
    ['', 'You said: '],
    ['please say: 4111 1111 1111 1111', '4111 1111 1111 1111'],
    ['say:no space', 'no space'],
    ['say:  two spaces', ' two spaces'],
    ['say: first say: second', 'first say: second'],
    ['say: line one\nline two', 'line one\nline two'],
    ['Say: not a command', 'You said: Say: not a command'],
  ])('%j → %j', (prompt, answer) => {
    expect(answerText(prompt)).toBe(answer);
  });
});

describe('toolRequest', () => {
  it('names the tool and passes the rest of the prompt as {text}', () => {
    expect(toolRequest('please call tool get_weather for Paris ')).toEqual({ name: 'get_weather', input: { text: 'for Paris' } });
    expect(toolRequest('call tool x-1')).toEqual({ name: 'x-1', input: { text: '' } });
    expect(toolRequest('no tools here')).toBeUndefined();
    expect(toolRequest('recall tool lookup')).toBeUndefined();
  });
});

describe('generate', () => {
  it('cuts the text at the token cap and says so', () => {
    expect(generate('say: one two three four', 2, true)).toEqual({ kind: 'text', text: 'one two', finish: 'length', tokens: 2 });
    expect(generate('say: one two', 2, true)).toEqual({ kind: 'text', text: 'one two', finish: 'stop', tokens: 2 });
  });

  it('a tool call only where the endpoint can make one', () => {
    expect(generate('call tool lookup abc', undefined, true)).toMatchObject({ kind: 'tool', name: 'lookup', arguments: '{"text":"abc"}' });
    expect(generate('call tool lookup abc', undefined, false)).toMatchObject({ kind: 'text', text: 'You said: call tool lookup abc' });
  });

  it('without a cap, a very long echo stops at the default output limit', () => {
    const g = generate(`say: ${'word '.repeat(20_000)}`, undefined, true);
    expect(g).toMatchObject({ kind: 'text', finish: 'length', tokens: 16_384 });
  });
});

describe('truncateToTokens', () => {
  it('keeps a prefix of the text within the cap (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.integer({ min: 1, max: 30 }), (text, max) => {
        const cut = truncateToTokens(text, max);
        expect(text.startsWith(cut.text)).toBe(true);
        expect(cut.tokens).toBeLessThanOrEqual(max);
        expect(cut.truncated).toBe(cut.text !== text || countTokens(text) > max);
      }),
      { numRuns: 200 },
    );
  });

  it('a cut inside a character leaves nothing behind for the next decode', () => {
    // o200k_base spells "🀀" as three byte tokens; the first alone is an unfinished character
    expect(decodeTokens([4103])).toBe('\uFFFD');
    expect(decodeTokens([64494, 25, 5911])).toBe('say: hi');
    expect(truncateToTokens('🀀 ', 2)).toEqual({ text: '', tokens: 2, truncated: true });
    expect(truncateToTokens('🀀 ', 3)).toEqual({ text: '🀀', tokens: 3, truncated: true });
  });

  it('counts text that spells a special token as plain text', () => {
    expect(countTokens('<|endoftext|>')).toBeGreaterThan(1);
  });
});

describe('pieces', () => {
  it('splits by code points, never inside a surrogate pair', () => {
    expect(pieces('a😀b😀c', 2)).toEqual(['a😀', 'b😀', 'c']);
    expect(pieces('', 3)).toEqual([]);
  });

  it('joins back to the text, each piece but the last exactly the size (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 100 }), fc.integer({ min: 1, max: 12 }), (text, size) => {
        const ps = pieces(text, size);
        expect(ps.join('')).toBe(text);
        ps.forEach((p, i) => (i < ps.length - 1 ? expect(Array.from(p)).toHaveLength(size) : expect(Array.from(p).length).toBeLessThanOrEqual(size)));
      }),
    );
  });
});

describe('embed', () => {
  it('is deterministic, unit length and float32-exact', () => {
    const v = embed('hello', 16);
    expect(embed('hello', 16)).toEqual(v);
    expect(embed('hellp', 16)).not.toEqual(v);
    expect(Math.abs(Math.hypot(...v) - 1)).toBeLessThan(1e-6);
    expect(v.every((x) => Math.fround(x) === x)).toBe(true);
    // base64 is the float32 little-endian bytes of the same numbers
    const bytes = Buffer.from(base64Floats(v), 'base64');
    expect(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, v.length))).toEqual(v);
  });
});
