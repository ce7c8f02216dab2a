import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalKey, formatWindow, MAX_QUOTAS_PER_DECISION, parseWindow, QuotaSpecError, readQuotas } from '../../src/quota/spec.js';

describe('parseWindow', () => {
  it.each([
    ['1s', 1000],
    ['30s', 30_000],
    ['1m', 60_000],
    ['1h', 3_600_000],
    ['24h', 86_400_000],
    ['30d', 30 * 86_400_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['90m', 5_400_000],
    ['1500ms', 1500],
    ['2000000us', 2000],
    ['1000000000ns', 1000],
    ['1m1m', 120_000],
    ['366d', 366 * 86_400_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseWindow(text)).toEqual({ ok: true, ms });
  });

  it.each([
    ['', 'a duration'],
    ['1', 'a duration'],
    ['1 day', 'a duration'],
    ['-1h', 'a duration'],
    ['1H', 'a duration'],
    ['h', 'a duration'],
    ['1h ', 'a duration'],
    ['999ms', 'at least 1s'],
    ['0s', 'at least 1s'],
    ['367d', 'at most 366d'],
    ['1000001us', 'whole number of milliseconds'],
  ])('refuses %j (%s)', (text, why) => {
    const r = parseWindow(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(why);
  });

  it('formats what it reads back to the same length (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 366 * 86_400_000 }), (ms) => {
        const text = formatWindow(ms);
        expect(parseWindow(text)).toEqual({ ok: true, ms });
      }),
    );
    expect(formatWindow(86_400_000)).toBe('1d');
    expect(formatWindow(5_400_000)).toBe('1h30m');
    expect(formatWindow(1500)).toBe('1s500ms');
  });
});

describe('canonicalKey', () => {
  it('keeps strings as they are and writes other JSON values canonically', () => {
    expect(canonicalKey('alice')).toBe('alice');
    expect(canonicalKey('')).toBe('');
    expect(canonicalKey(42)).toBe('42');
    expect(canonicalKey(null)).toBe('null');
    expect(canonicalKey(true)).toBe('true');
    expect(canonicalKey(['a', 1])).toBe('["a",1]');
    expect(canonicalKey({ tier: 1, team: 'a', z: { b: [], a: null } })).toBe('{"team":"a","tier":1,"z":{"a":null,"b":[]}}');
  });

  it('gives equal values the same key whatever the order of object keys (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalKey(reversed)).toBe(canonicalKey(obj));
        expect(JSON.parse(canonicalKey(obj))).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
    );
  });

  it('sorts object keys by code point, as SQLite and Go do', () => {
    expect(canonicalKey({ '\u{1F600}': 1, '\uFF61': 2 })).toBe('{"｡":2,"😀":1}');
  });
});

describe('readQuotas', () => {
  it('reads the entries a policy writes, with tokens as the default unit', () => {
    expect(
      readQuotas([
        { name: 'daily', key: 'u1', limit: 200_000, window: '24h' },
        { name: 'rpm', key: { team: 'ml', user: 'u1' }, limit: 60, window: '1m', unit: 'requests' },
      ]),
    ).toEqual([
      { name: 'daily', key: 'u1', limit: 200_000, windowMs: 86_400_000, unit: 'tokens' },
      { name: 'rpm', key: '{"team":"ml","user":"u1"}', limit: 60, windowMs: 60_000, unit: 'requests' },
    ]);
    expect(readQuotas([])).toEqual([]);
  });

  it('merges entries for the same counter, keeping the stricter limit, in first-seen order', () => {
    expect(
      readQuotas([
        { name: 'daily', key: 'u1', limit: 500, window: '24h' },
        { name: 'hourly', key: 'u1', limit: 100, window: '1h' },
        { name: 'daily', key: 'u1', limit: 300, window: '1d' },
        { name: 'daily', key: 'u1', limit: 900, window: '24h' },
        { name: 'daily', key: 'u2', limit: 900, window: '24h' },
      ]).map((q) => [q.name, q.key, q.limit]),
    ).toEqual([
      ['daily', 'u1', 300],
      ['hourly', 'u1', 100],
      ['daily', 'u2', 900],
    ]);
  });

  it('refuses the same counter counted in two units', () => {
    expect(() =>
      readQuotas([
        { name: 'q', key: 'u', limit: 5, window: '1m' },
        { name: 'q', key: 'u', limit: 5, window: '1m', unit: 'requests' },
      ]),
    ).toThrow(expect.objectContaining({ index: 1, field: 'unit', code: 'quota_spec_error' }));
  });

  const good = { name: 'daily', key: 'u1', limit: 10, window: '24h' };
  it.each([
    [{ ...good, name: '' }, 'name', 'non-empty string'],
    [{ ...good, name: 7 }, 'name', 'a number'],
    [{ ...good, name: 'tägl' }, 'name', 'printable ASCII'],
    [{ ...good, name: 'x'.repeat(129) }, 'name', 'at most 128'],
    [{ name: 'daily', limit: 10, window: '24h' }, 'key', 'missing'],
    [{ ...good, key: 'k'.repeat(1025) }, 'key', 'at most 1024'],
    [{ ...good, limit: -1 }, 'limit', 'whole number'],
    [{ ...good, limit: 1.5 }, 'limit', 'whole number'],
    [{ ...good, limit: '10' }, 'limit', 'a string'],
    [{ ...good, limit: 2 ** 60 }, 'limit', 'whole number'],
    [{ ...good, window: 86_400 }, 'window', 'duration string'],
    [{ ...good, window: '1 day' }, 'window', 'like "1m"'],
    [{ ...good, window: '500ms' }, 'window', 'at least 1s'],
    [{ ...good, window: '400d' }, 'window', 'at most 366d'],
    [{ ...good, unit: 'bytes' }, 'unit', '"tokens" or "requests"'],
  ])('refuses %j, naming the entry and the field', (entry, field, text) => {
    const entries = [good, entry as Record<string, unknown>];
    let err: unknown;
    try {
      readQuotas(entries);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QuotaSpecError);
    expect(err).toMatchObject({ code: 'quota_spec_error', index: 1, field });
    expect((err as Error).message).toContain('quota entry 1');
    expect((err as Error).message).toContain(`"${field}"`);
    expect((err as Error).message).toContain(text);
  });

  it('refuses a key nested absurdly deep and more entries than one request may carry', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => readQuotas([{ ...good, key: deep }])).toThrow(expect.objectContaining({ field: 'key' }));
    const many = Array.from({ length: MAX_QUOTAS_PER_DECISION + 1 }, (_, i) => ({ ...good, key: `u${i}` }));
    expect(() => readQuotas(many)).toThrow(expect.objectContaining({ index: -1, code: 'quota_spec_error' }));
    expect(readQuotas(many.slice(1))).toHaveLength(MAX_QUOTAS_PER_DECISION);
  });
});
