import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskText, StreamMasker } from '../../src/masking/index.js';
import { CONTEXT_WINDOW } from '../../src/runtime/classifiers/index.js';
import { ClassifierError } from '../../src/runtime/classifiers/types.js';
import { chunksOf, classifierSet, document, maskRules, MASKED, render, secretsOf } from './fixtures.js';

const set = classifierSet();
const rules = maskRules();

/** Feeds the chunks through a masker; checks the hold-back bound after every push. */
function stream(chunks: readonly string[], r = rules, path?: string): { out: string; masker: StreamMasker; pieces: string[] } {
  const masker = new StreamMasker(r, set, path === undefined ? {} : { path });
  const pieces: string[] = [];
  for (const c of chunks) {
    pieces.push(masker.push(c));
    expect(masker.withheld).toBeLessThanOrEqual(masker.holdBack);
  }
  pieces.push(masker.end());
  expect(masker.withheld).toBe(0);
  return { out: pieces.join(''), masker, pieces };
}

describe('StreamMasker', () => {
  it('masks any chunking of a text exactly as maskText masks the whole (the oracle)', () => {
    fc.assert(
      fc.property(document, fc.array(fc.nat({ max: 2000 }), { maxLength: 40 }), (pieces, cuts) => {
        const text = render(pieces);
        const { out, masker } = stream(chunksOf(text, cuts));
        const want = maskText(text, rules, set);
        expect(out).toBe(want.text);
        expect(masker.masked).toBe(want.masked);
        expect(masker.classifiers).toEqual(want.classifiers);
        for (const s of secretsOf(pieces)) expect(out).not.toContain(s);
      }),
      { numRuns: 400 },
    );
  });

  it('masks a text fed one code unit at a time (cuts inside surrogate pairs and CRLF too)', () => {
    fc.assert(
      fc.property(document, (pieces) => {
        const text = render(pieces).replace(/\n/g, '\r\n');
        expect(stream([...Array(text.length).keys()].map((i) => text[i]!)).out).toBe(maskText(text, rules, set).text);
      }),
      { numRuns: 60 },
    );
  });

  it('agrees with the oracle for each classifier alone (no other rule hides a mistake)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MASKED), document, fc.array(fc.nat({ max: 2000 }), { maxLength: 30 }), (name, pieces, cuts) => {
        const one = maskRules([name]);
        const text = render(pieces);
        expect(stream(chunksOf(text, cuts), one).out).toBe(maskText(text, one, set).text);
      }),
      { numRuns: 300 },
    );
  });

  it('derives its hold-back from the classifiers: longest match plus what their checks read around it', () => {
    expect(new StreamMasker(maskRules(['secret.aws_access_key']), set).holdBack).toBe(20 + 1);
    expect(new StreamMasker(maskRules(['pii.credit_card']), set).holdBack).toBe(23 + 2);
    expect(new StreamMasker(maskRules(['pii.us_ssn']), set).holdBack).toBe(11 + 64);
    expect(new StreamMasker(maskRules(['project_id']), set).holdBack).toBe(13 + CONTEXT_WINDOW);
    expect(new StreamMasker(maskRules(['secret.private_key', 'pii.email']), set).holdBack).toBe(16384 + 1);
    expect(new StreamMasker([], set).holdBack).toBe(0);
  });

  it('releases text as soon as it cannot be part of a match', () => {
    const m = new StreamMasker(rules, set);
    const prose = 'The weather is fine today, and tomorrow it will rain. '.repeat(400);
    // nothing at the end can begin a match: all of it comes out at once
    expect(m.push(prose)).toBe(prose);
    expect(m.withheld).toBe(0);
    // a word at the end may still become an e-mail address or a codename: held
    expect(m.push('Regards, Orio')).toBe('Regards, ');
    expect(m.withheld).toBe(4);
    expect(m.push('n')).toBe('');
    // (`launches.` may still become `launches.x@example.com`)
    expect(m.push(' launches.')).toBe('[CODENAME] ');
    // a card number's digits are held until the number is decided
    expect(m.push(' Pay with 4111 1111 ')).toBe('launches. Pay with ');
    expect(m.push('1111 1111 today')).toBe('[PII.CREDIT_CARD] ');
    expect(m.end()).toBe('today');
  });

  it('never withholds more than its hold-back, even in a long run that could still be a match', () => {
    const m = new StreamMasker(maskRules(['pii.email', 'secret.aws_access_key']), set);
    // a local part longer than 64 characters can never be an address: released as it goes
    let out = '';
    for (let i = 0; i < 200; i++) {
      out += m.push('abcdefghij');
      expect(m.withheld).toBeLessThanOrEqual(m.holdBack);
    }
    out += m.end();
    expect(out).toBe('abcdefghij'.repeat(200));
  });

  it('finds a value split across any number of chunks, however small', () => {
    const key = 'AKIAIOSFODNN7EXAMPLE';
    const text = `the key ${key} works`;
    for (let size = 1; size <= 8; size++) {
      const chunks = text.match(new RegExp(`[^]{1,${size}}`, 'g'))!;
      const { out, pieces } = stream(chunks);
      expect(out).toBe('the key [SECRET.AWS_ACCESS_KEY] works');
      for (const p of pieces) expect(key).not.toContain(p.length > 2 ? p : '\u0000');
    }
  });

  it('rescans held text as a scan of the whole text would, not from inside released text', () => {
    // `x-x` over `x-x-x`: the whole text has one match, at 0; a rescan starting at the
    // second x would find `x-x` at 2 instead (and with it a different masking)
    const s = classifierSet('package t\nclassifier xx { pattern `x-x` }\n');
    const r = [{ classifier: 'xx', replacement: '[X]', action: 'mask' as const }];
    expect(maskText('x-x-x-x-x', r, s).text).toBe('[X]-[X]-x');
    for (const chunks of [['x-x-x-x-x'], ['x-', 'x-x', '-x-x'], ['x', '-', 'x', '-', 'x', '-', 'x', '-', 'x'], ['x-x-', 'x-x-x']]) {
      const m = new StreamMasker(r, s);
      expect(chunks.map((c) => m.push(c)).join('') + m.end()).toBe('[X]-[X]-x');
    }
    // a match the context words decide after it: the word arrives in a later chunk
    const m = new StreamMasker(maskRules(['project_id']), set);
    expect(m.push('see PAY-4821 for ')).toBe('see ');
    expect(m.push('the ticket')).toBe('');
    expect(m.end()).toBe('[PROJECT_ID] for the ticket');
    const n = new StreamMasker(maskRules(['project_id']), set);
    // a context word too far away: the id is released once the window has passed
    expect(n.push(`see PAY-4821 ${'x'.repeat(CONTEXT_WINDOW)}`)).toBe(`see PAY-4821 ${'x'.repeat(CONTEXT_WINDOW)}`);
    expect(n.push(' ticket')).toBe(' ticket');
  });

  it('blocks: a blocking match releases nothing more, and never the value', () => {
    const key = `-----BEGIN ${'PRIVATE'} KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END ${'PRIVATE'} KEY-----`;
    const text = `Here you go:\n${key}\nKeep it safe.`;
    const r = [...rules, { classifier: 'secret.private_key', replacement: '[KEY]', action: 'block' as const }];
    for (let size = 1; size < text.length; size += 7) {
      const m = new StreamMasker(r, set);
      let out = '';
      for (let i = 0; i < text.length; i += size) out += m.push(text.slice(i, i + size));
      out += m.end();
      expect(m.blocked).toBe(true);
      expect(m.classifiers).toContain('secret.private_key');
      expect('Here you go:\n'.startsWith(out)).toBe(true);
      expect(out).not.toContain('BEGIN');
    }
  });

  it('waits a bounded time for a match longer than max_length to complete, then masks its start (fail closed)', () => {
    // the pattern is longer than its max_length: the whole text reports the start only
    // if a `!` ever comes; a stream cannot wait for ever
    const s = classifierSet('package t\nclassifier block {\n\tpattern `BEGIN SECRET[^!]*!`\n\tmax_length 20\n}\n');
    const r = [{ classifier: 'block', replacement: '[B]', action: 'mask' as const }];
    const body = 'x'.repeat(60);
    const run = (chunks: string[]) => {
      const m = new StreamMasker(r, s);
      let out = '';
      for (const c of chunks) {
        out += m.push(c);
        expect(m.withheld).toBeLessThanOrEqual(m.holdBack);
      }
      return out + m.end();
    };
    // the match completes: the stream masks what the whole text masks (cut at max_length)
    const done = `a BEGIN SECRET ${body}! b`;
    expect(maskText(done, r, s).text).toBe(`a [B]${done.slice(22)}`);
    expect(run(done.match(/[^]{1,5}/g)!)).toBe(maskText(done, r, s).text);
    // it never completes: the whole text has no match, the stream has masked the start
    const open = `a BEGIN SECRET ${body} b`;
    expect(maskText(open, r, s).text).toBe(open);
    expect(run(open.match(/[^]{1,5}/g)!)).toBe(`a [B]${open.slice(22)}`);
    // within max_length + lookaround characters it is still waiting
    expect(run([`a BEGIN SECRET ${'x'.repeat(3)}`, ' b'])).toBe(`a BEGIN SECRET ${'x'.repeat(3)} b`);
  });

  it('applies rules limited to paths by the stream path', () => {
    const r = [{ classifier: 'pii.email', replacement: '[E]', action: 'mask' as const, paths: ['$.choices[*].delta.content'] }];
    expect(stream(['mail jane@', 'example.com'], r, '$.choices[0].delta.content').out).toBe('mail [E]');
    expect(stream(['mail jane@', 'example.com'], r, '$.choices[0].delta.tool_calls[0].function.arguments').out).toBe('mail jane@example.com');
  });

  it('passes text through at once when no rule applies', () => {
    const m = new StreamMasker([], set);
    expect(m.holdBack).toBe(0);
    expect(m.push('jane@')).toBe('jane@');
    expect(m.push('example.com')).toBe('example.com');
    expect(m.end()).toBe('');
  });

  it('fails on an unknown classifier when created', () => {
    expect(() => new StreamMasker(maskRules(['no.such']), set)).toThrow(ClassifierError);
  });

  it('masks a long private key block streamed in small pieces, with work linear in its length', () => {
    const body = Array.from({ length: 200 }, (_, i) => `${'ABCDEFGHabcdefgh01234567+/'.repeat(3).slice(i % 7, (i % 7) + 60)}`).join('\n');
    const key = `-----BEGIN RSA ${'PRIVATE'} KEY-----\n${body}\n-----END RSA ${'PRIVATE'} KEY-----`;
    const text = `start ${key} end`;
    const chunks = text.match(/[^]{1,4}/g)!;
    const { out } = stream(chunks);
    expect(out).toBe('start [SECRET.PRIVATE_KEY] end');
  });
});
