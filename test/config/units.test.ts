import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonPathProblem } from '../../src/config/jsonpath.js';
import { checkIdpUrl, parseListen, parseUpstream } from '../../src/config/net.js';
import { formatPath, fromPointer, pointer } from '../../src/config/path.js';
import { closest } from '../../src/config/suggest.js';
import { formatDuration, parseDuration, parseSize } from '../../src/config/units.js';

// The small parsers behind the configuration's values.

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['5s', 5000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    ['2h45m10s5ms', 9_910_005],
    ['0', 0],
    ['0s', 0],
    [' 5s ', 5000],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: ms });
  });

  it.each([
    ['5', 'a number needs a unit: ms, s, m or h'],
    ['5x', ''],
    ['5 s', ''],
    ['-5s', ''],
    ['s', ''],
    ['', ''],
    ['1d', ''],
    ['0.1ms', 'shorter than 1ms'],
    ['600h', 'longer than 24 days'],
  ])('%s is refused', (text, reason) => {
    expect(parseDuration(text)).toEqual({ ok: false, reason });
  });

  it('reads back what formatDuration writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toEqual({ ok: true, value: ms });
      }),
    );
  });
});

describe('parseSize', () => {
  it.each([
    [1024, 1024],
    ['1024', 1024],
    ['512kb', 524_288],
    ['4mb', 4_194_304],
    ['4MB', 4_194_304],
    ['4 mb', 4_194_304],
    ['1.5kb', 1536],
    ['1g', 1_073_741_824],
    ['2mib', 2_097_152],
    ['100b', 100],
  ] as const)('%s = %d bytes', (text, bytes) => {
    expect(parseSize(text)).toEqual({ ok: true, value: bytes });
  });

  it.each(['4 megabytes', 'lots', '-1kb', '4tb', ''])('%s is refused', (text) => {
    expect(parseSize(text).ok).toBe(false);
  });

  it('refuses fractional and negative numbers of bytes', () => {
    expect(parseSize(1.5).ok).toBe(false);
    expect(parseSize(-1).ok).toBe(false);
  });
});

describe('jsonPathProblem', () => {
  it.each(['$.query', '$.a.b', '$.a[*].b', '$.a[0]', '$.a[12].b', "$['x y']", '$["a.b"]', "$['it\\'s']", '$.*', '$.a.*.b', '$[*]', '$.input_text', '$.a-b'])(
    '%s is a path',
    (p) => {
      expect(jsonPathProblem(p)).toBeUndefined();
    },
  );

  it.each([
    ['query', /starts with \$/],
    ['$', /whole body/],
    ['$..text', /recursive descent/],
    ['$.a[?(@.x)]', /filter/],
    ['$.a[1:2]', /slices/],
    ['$.a[-1]', /negative/],
    ['$.a[01]', /leading zero/],
    ["$['open", /unterminated/],
    ["$['a'x", /expected \]/],
    ['$.', /member name/],
    ['$.1a', /member name/],
    ['$.a b', /unexpected " "/],
    ['$a', /unexpected "a"/],
    ['$.a[', /expected \*/],
  ])('%s is refused', (p, why) => {
    expect(jsonPathProblem(p)).toMatch(why);
  });
});

describe('parseListen', () => {
  it.each([
    ['127.0.0.1:8080', '127.0.0.1', 8080],
    [':8080', '0.0.0.0', 8080],
    ['[::1]:8080', '::1', 8080],
    ['[::]:443', '::', 443],
    ['localhost:0', 'localhost', 0],
    ['proxy.internal:65535', 'proxy.internal', 65535],
  ])('%s', (text, host, port) => {
    expect(parseListen(text)).toEqual({ ok: true, value: { host, port } });
  });

  it.each(['8080', '127.0.0.1', '127.0.0.1:65536', '::1:8080', '[nope]:80', 'bad_host:80', 'a:b:80', 'host:-1', ''])('%s is refused', (text) => {
    expect(parseListen(text).ok).toBe(false);
  });
});

describe('parseUpstream', () => {
  it.each([
    ['https://api.openai.com', 'https://api.openai.com'],
    ['https://api.openai.com/', 'https://api.openai.com'],
    ['http://10.0.0.5:8000/base/', 'http://10.0.0.5:8000/base'],
    ['HTTPS://API.example.com/v1', 'https://api.example.com/v1'],
  ])('%s → %s', (text, url) => {
    expect(parseUpstream(text)).toEqual({ ok: true, value: url });
  });

  it.each(['api.openai.com', 'ftp://x.example', 'https://u:p@x.example', 'https://x.example/?', 'https://x.example/#a', 'https://', '/v1'])('%s is refused', (text) => {
    expect(parseUpstream(text).ok).toBe(false);
  });
});

describe('checkIdpUrl', () => {
  it('wants https, except on loopback hosts', () => {
    for (const ok of ['https://idp.example.com/realms/a', 'https://idp.example.com/', 'http://localhost:8080', 'http://127.0.0.1:4444/', 'http://[::1]:1/']) {
      expect(checkIdpUrl(ok)).toEqual({ ok: true, value: ok });
    }
    for (const bad of ['http://idp.example.com', 'http://127.0.0.2', 'ftp://idp.example.com', 'idp.example.com', 'https://a:b@idp.example.com']) {
      expect(checkIdpUrl(bad).ok).toBe(false);
    }
  });
});

describe('key paths', () => {
  it('are written for people and keyed by JSON pointer', () => {
    expect(formatPath(['connections', 1, 'timeouts', 'connect'])).toBe('connections[1].timeouts.connect');
    expect(formatPath(['connections', 0, 'headers', 'x.y'])).toBe('connections[0].headers["x.y"]');
    expect(formatPath(['connections', 0, 'headers', 'x-api-key'])).toBe('connections[0].headers.x-api-key');
    expect(formatPath([])).toBe('(the top level)');
    expect(fromPointer(pointer(['a/b', 'c~d', 3, '4x']))).toEqual(['a/b', 'c~d', 3, '4x']);
  });
});

describe('closest', () => {
  const keys = ['name', 'prefix', 'protocol', 'upstream', 'headers', 'policy', 'timeouts', 'body_limit', 'http'];
  it.each([
    ['upstrem', 'upstream'],
    ['upsteam', 'upstream'],
    ['porotcol', 'protocol'],
    ['Policy', 'policy'],
    ['bodyLimit', 'body_limit'],
    ['body-limit', 'body_limit'],
    ['timeout', 'timeouts'],
    ['header', 'headers'],
  ])('%s → %s', (typo, key) => {
    expect(closest(typo, keys)).toBe(key);
  });

  it.each(['colour', 'x', 'model', 'authentication'])('%s → nothing', (word) => {
    expect(closest(word, keys)).toBeUndefined();
  });
});

describe('fromPointer', () => {
  it('reads digits as an index only where the document holds a list', () => {
    const doc = { connections: [{ headers: { '1': 5 } }] };
    expect(fromPointer('/connections/0/headers/1', doc)).toEqual(['connections', 0, 'headers', '1']);
    expect(formatPath(fromPointer('/connections/0/headers/1', doc))).toBe('connections[0].headers["1"]');
  });
});
