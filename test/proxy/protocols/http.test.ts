import { describe, expect, it } from 'vitest';
import type { ConnectionConfig, HttpProtocolConfig } from '../../../src/config/types.js';
import { ResponseFormatError } from '../../../src/proxy/protocols/errors.js';
import { httpAdapter } from '../../../src/proxy/protocols/http.js';
import { adapterFor } from '../../../src/proxy/protocols/index.js';
import { anthropicAdapter } from '../../../src/proxy/protocols/anthropic.js';
import { JsonPathError } from '../../../src/proxy/protocols/jsonpath.js';
import { openaiAdapter } from '../../../src/proxy/protocols/openai.js';
import { RequestError } from '../../../src/proxy/protocols/types.js';
import { maskEmailsIn } from './support/fixtures.js';

// A vector store's query API, shaped like Qdrant / Weaviate style search endpoints.
const config: HttpProtocolConfig = {
  requestTexts: ['$.query', '$.filter.must[*].match.text', '$.documents[*]'],
  responseTexts: ['$.result[*].payload.text', '$.result[*].payload.title'],
  operation: 'embedding',
  model: '$.model',
};
const a = httpAdapter(config);

const request = {
  model: 'bge-small-en',
  query: 'contracts signed by jane.doe@example.com',
  filter: { must: [{ key: 'team', match: { text: 'legal' } }, { key: 'year', match: { value: 2024 } }] },
  documents: ['doc one', 'doc two'],
  limit: 5,
};

const response = {
  result: [
    { id: 'a1b2', score: 0.92, payload: { text: 'Signed by jane.doe@example.com on 2024-02-01', title: 'MSA', page: 3 } },
    { id: 'c3d4', score: 0.81, payload: { text: ['chunk one', 'chunk two by ops@example.com'], title: null } },
  ],
  status: 'ok',
  time: 0.0021,
};

describe('generic http connections', () => {
  it('route every method and path to the configured operation', () => {
    expect(a.route('POST', '/collections/contracts/points/search')).toBe('embedding');
    expect(a.route('GET', '/anything?x=1')).toBe('embedding');
    expect(httpAdapter({ ...config, operation: 'other' }).route('DELETE', '/')).toBe('other');
  });

  it('read texts from the paths, in path order then document order, and the model', () => {
    expect(a.parse(request, 'embedding')).toEqual({
      operation: 'embedding',
      model: 'bge-small-en',
      stream: false,
      texts: ['contracts signed by jane.doe@example.com', 'legal', 'doc one', 'doc two'],
    });
  });

  it('a path naming an object or array visits its string leaves; numbers are not text', () => {
    const b = httpAdapter({ ...config, requestTexts: ['$.filter'] });
    expect(b.parse(request, 'embedding').texts).toEqual(['team', 'legal', 'year']);
  });

  it('a leaf named by two paths is one text', () => {
    const b = httpAdapter({ ...config, requestTexts: ['$.documents', '$.documents[*]', '$.documents[1]'] });
    expect(b.parse(request, 'embedding').texts).toEqual(['doc one', 'doc two']);
    const out = b.rewriteRequestTexts(request, 'embedding', (t) => `<${t}>`) as typeof request;
    expect(out.documents).toEqual(['<doc one>', '<doc two>']);
  });

  it('a request without a body, or without the fields, has no texts', () => {
    expect(a.parse(undefined, 'embedding')).toEqual({ operation: 'embedding', stream: false, texts: [] });
    expect(a.parse({ other: 1 }, 'embedding').texts).toEqual([]);
    expect(a.parse('a bare string', 'embedding').texts).toEqual([]);
    expect(httpAdapter({ ...config, requestTexts: ['$'] }).parse('a bare string', 'embedding').texts).toEqual(['a bare string']);
  });

  it('refuses a model that is not a string', () => {
    expect(() => a.parse({ model: 3 }, 'embedding')).toThrow(RequestError);
    expect(() => a.parse({ model: 3 }, 'embedding')).toThrow('model: the model must be a string, got a number');
    expect(a.parse({ model: null }, 'embedding')).not.toHaveProperty('model');
  });

  it('rewrite the same texts in a copy', () => {
    const before = structuredClone(request);
    const out = a.rewriteRequestTexts(request, 'embedding', maskEmailsIn) as typeof request;
    expect(request).toEqual(before);
    expect(out.query).toBe('contracts signed by [EMAIL]');
    expect(out.filter).toBe(request.filter);
    expect(a.rewriteRequestTexts(request, 'embedding', (t) => t)).toBe(request);
  });

  it('have no completion cap', () => {
    expect(a.setMaxCompletion(request, 'embedding', 10)).toBe(request);
    expect(a.parse(request, 'embedding')).not.toHaveProperty('maxCompletion');
  });

  it('mask response texts at the configured paths, with concrete paths', () => {
    const seen: string[] = [];
    const out = a.rewriteResponseTexts(response, 'embedding', (t, p) => {
      seen.push(p);
      return maskEmailsIn(t);
    }) as typeof response;
    expect(seen).toEqual(['$.result[0].payload.text', '$.result[1].payload.text[0]', '$.result[1].payload.text[1]', '$.result[0].payload.title']);
    expect(out.result[0]!.payload.text).toBe('Signed by [EMAIL] on 2024-02-01');
    expect(out.result[1]!.payload.text).toEqual(['chunk one', 'chunk two by [EMAIL]']);
    expect(out.result[0]!.score).toBe(0.92);
    expect(JSON.stringify(response)).toContain('jane.doe@example.com');
  });

  it('refuse to inspect streams (fail closed)', () => {
    const e = { event: 'message', data: '{"text":"x"}' };
    expect(() => a.streamStep(e, 'embedding')).toThrow(ResponseFormatError);
    expect(() => a.rewriteStreamEvent(e, 'embedding', [])).toThrow(/cannot mask a streamed/);
    expect(() => a.deltaEvent('k', 'x', e, 'embedding')).toThrow(ResponseFormatError);
  });

  it('write errors as {"error": {type, code, message, ...extra}}', () => {
    const d = { code: 'policy_violation', type: 'policy_violation', message: 'refused', extra: { policy: 'railgate.search', revision: 'r1', code: 'ignored' } };
    expect(a.error(403, d)).toEqual({ status: 403, body: { error: { type: 'policy_violation', code: 'policy_violation', message: 'refused', policy: 'railgate.search', revision: 'r1' } } });
    const ev = a.streamError(d);
    expect(ev.event).toBe('error');
    expect(JSON.parse(ev.data)).toEqual(a.error(403, d).body);
  });

  it('bad paths are refused when the adapter is built', () => {
    expect(() => httpAdapter({ ...config, responseTexts: ['$.result[*'] })).toThrow(JsonPathError);
    expect(() => httpAdapter({ ...config, model: 'model' })).toThrow(/at position 0/);
  });
});

describe('adapterFor', () => {
  const base: Omit<ConnectionConfig, 'protocol'> = {
    name: 'c',
    prefix: '/c',
    upstream: 'http://127.0.0.1:1',
    upstreamHeaders: {},
    policy: 'railgate.chat',
    operationPolicies: {},
    timeouts: { connectMs: 1, headersMs: 1, bodyMs: 1 },
    bodyLimitBytes: 1,
  };

  it('picks the adapter of the protocol', () => {
    expect(adapterFor({ ...base, protocol: 'openai' })).toBe(openaiAdapter);
    expect(adapterFor({ ...base, protocol: 'anthropic' })).toBe(anthropicAdapter);
    const h = adapterFor({ ...base, protocol: 'http', http: config });
    expect(h.protocol).toBe('http');
    expect(h.parse(request, 'embedding').texts).toHaveLength(4);
  });

  it('refuses an http connection without its settings', () => {
    expect(() => adapterFor({ ...base, protocol: 'http' })).toThrow(/connection c: protocol http needs/);
  });
});
