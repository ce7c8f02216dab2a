import { describe, expect, it } from 'vitest';
import { ApiKeyStore, hashApiKey, parseApiKeyHash } from '../../src/identity/apikey.js';

describe('hashApiKey', () => {
  it('is sha256:<hex> of the UTF-8 bytes', () => {
    expect(hashApiKey('abc')).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashApiKey('')).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hashApiKey('clé')).toBe('sha256:51cbcf30514d0802eb5c60a018f384ea3fb9b69307c554ee63ecb43177594de4');
  });

  it('parses configured hashes strictly', () => {
    const hex = 'a'.repeat(64);
    expect(parseApiKeyHash(`sha256:${hex}`)?.toString('hex')).toBe(hex);
    expect(parseApiKeyHash(`sha256:${hex.toUpperCase()}`)?.toString('hex')).toBe(hex);
    expect(parseApiKeyHash(`sha256:${hex}0`)).toBeUndefined();
    expect(parseApiKeyHash(`SHA256:${hex}`)).toBeUndefined();
    expect(parseApiKeyHash(hex)).toBeUndefined();
  });
});

describe('ApiKeyStore', () => {
  const store = new ApiKeyStore([
    { id: 'a', hash: hashApiKey('key-a'), groups: ['g1'], claims: { tier: 1 } },
    { id: 'b', hash: hashApiKey('key-b'), groups: [], email: 'b@example.com', claims: {} },
  ]);

  it('finds each key by its digest, and nothing else', () => {
    expect(store.size).toBe(2);
    expect(store.lookup('key-a')).toEqual({ id: 'a', groups: ['g1'], auth: 'api_key', claims: { tier: 1 } });
    expect(store.lookup('key-b')).toEqual({ id: 'b', groups: [], email: 'b@example.com', auth: 'api_key', claims: {} });
    expect(store.lookup('key-c')).toBeUndefined();
    expect(store.lookup('')).toBeUndefined();
    expect(store.lookup(hashApiKey('key-a'))).toBeUndefined();
  });
});
