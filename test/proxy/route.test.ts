import { describe, expect, it } from 'vitest';
import { normalizePrefix, routeUrls, splitTarget } from '../../src/proxy/route.js';

// Cutting the request target into the connection's path and query.

describe('prefixes', () => {
  it('normalizes', () => {
    expect(normalizePrefix('/openai/')).toBe('/openai');
    expect(normalizePrefix('openai')).toBe('/openai');
    expect(normalizePrefix('/')).toBe('');
    expect(routeUrls('/openai')).toEqual(['/openai', '/openai/*']);
    expect(routeUrls('/')).toEqual(['/', '/*']);
  });
});

describe('splitTarget', () => {
  it.each([
    ['/openai/v1/chat/completions', { path: '/v1/chat/completions', query: '' }],
    ['/openai/v1/files?purpose=batch&limit=2', { path: '/v1/files', query: '?purpose=batch&limit=2' }],
    ['/openai', { path: '/', query: '' }],
    ['/openai?x=1', { path: '/', query: '?x=1' }],
    ['/openai/v1/vector_stores/vs%20a/search', { path: '/v1/vector_stores/vs%20a/search', query: '' }],
  ])('%s', (url, target) => {
    expect(splitTarget(url, '/openai')).toEqual(target);
  });

  it.each([
    '/openaix/v1/chat',
    '/open%61i/v1/chat',
    '/openai/v1/../admin',
    '/openai/v1/%2e%2e/admin',
    '/openai/v1/%2E/x',
    '/openai/v1/a%2fb',
    '/openai/v1/a\\b',
    '/openai/v1/%E0%A4%A',
  ])('refuses %s', (url) => {
    expect(splitTarget(url, '/openai')).toBeUndefined();
  });

  it('a connection at / owns every path', () => {
    expect(splitTarget('/v1/messages', '/')).toEqual({ path: '/v1/messages', query: '' });
  });
});
