import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, parseConfig } from '../../src/config/index.js';

// Whatever the file holds, loading it returns a Config or throws a ConfigError with
// at least one placed problem, never anything else.

const VALID = {
  listen: '127.0.0.1:8080',
  bundle: { source: 'https://b.example/b.tar.gz', polling: { min_delay: '10s', max_delay: '20s' }, headers: { authorization: 'Bearer t' } },
  identity: {
    oidc: { issuer: 'https://idp.example', audience: ['a'], algorithms: ['RS256'], clock_skew: '10s' },
    api_keys: [{ id: 'ci', hash: `sha256:${'a'.repeat(64)}`, groups: ['g'], claims: { team: 't' } }],
    anonymous: { id: 'guest', groups: [] },
  },
  connections: [
    { name: 'openai', protocol: 'openai', upstream: 'https://api.openai.com', policy: 'railgate.chat', timeouts: { connect: '1s' }, body_limit: '1mb' },
    { name: 'vec', protocol: 'http', upstream: 'http://v', policy: 'p.v', http: { request_texts: ['$.q'], response_texts: ['$.r[*]'], model: '$.m' } },
  ],
  evaluation: { timeout: '50ms', max_steps: 10 },
  log: { level: 'info' },
};

/** Every path to a value in the document. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [prefix];
  const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
  return [prefix, ...entries.flatMap(([k, x]) => paths(x, [...prefix, k]))];
}

function setAt(doc: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = (Array.isArray(doc) ? [...(doc as unknown[])] : { ...(doc as object) }) as Record<string | number, unknown>;
  copy[path[0]!] = setAt(copy[path[0]!], path.slice(1), value);
  return copy;
}

function loadsOrExplains(text: string): void {
  try {
    parseConfig(text, { file: 'fuzz.yaml', env: { A: 'x' }, baseDir: '/nonexistent' });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    expect(e.issues.length).toBeGreaterThan(0);
    for (const i of e.issues) expect(i.message).not.toBe('');
  }
}

describe('robustness', () => {
  it('the valid base loads', () => {
    expect(parseConfig(stringify(VALID), { env: {} }).connections).toHaveLength(2);
  });

  it('any value anywhere in a valid document', () => {
    const all = paths(VALID);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...all), fc.jsonValue({ maxDepth: 3 })), { minLength: 1, maxLength: 4 }), (edits) => {
        let doc: unknown = VALID;
        for (const [path, value] of edits) doc = setAt(doc, path, value);
        loadsOrExplains(stringify(doc));
      }),
      { numRuns: 300 },
    );
  });

  it('any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => loadsOrExplains(text)),
      { numRuns: 300 },
    );
  });
});
