import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { JwksError, keyFits, parseJwks } from '../../src/identity/keyset.js';
import { looksLikeJwt } from '../../src/identity/credentials.js';

// A provider's JWK Set reduced to signing keys (pure).

describe('parseJwks', () => {
  it('keeps only the public members of signing keys', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const priv = await exportJWK(privateKey);
    const { keys, skipped } = parseJwks({ keys: [{ ...priv, kid: 'e1', use: 'sig', key_ops: ['sign', 'verify'], x5c: ['MII…'] }] }, 10);
    expect(skipped).toEqual([]);
    expect(keys).toEqual([{ kid: 'e1', jwk: { kty: 'EC', crv: 'P-256', x: priv.x, y: priv.y } }]);
  });

  it('skips what cannot verify a signature, saying why', () => {
    const rsa = { kty: 'RSA', n: 'AQAB', e: 'AQAB' };
    const { keys, skipped } = parseJwks(
      {
        keys: [
          rsa,
          { ...rsa, kid: 7 },
          { ...rsa, key_ops: ['encrypt'] },
          { ...rsa, alg: 'HS256' },
          { kty: 'OKP', crv: 'Ed25519' },
          { kty: 'AKP', kid: 'pq' },
        ],
      },
      10,
    );
    expect(keys).toHaveLength(1);
    expect(skipped).toEqual([
      'key 1: kid is not a string',
      'key 2: key_ops does not include "verify"',
      'key 3: alg "HS256" is not a signature algorithm for public keys',
      'key 4: an OKP key without crv and x',
      'key 5 (kid "pq"): key type "AKP" cannot verify signatures with a public key',
    ]);
  });

  it('refuses documents that are not a JWK Set, too long, or without signing keys', () => {
    expect(() => parseJwks([], 10)).toThrow(new JwksError('is not a JWK Set (no "keys" array)'));
    expect(() => parseJwks({ keys: {} }, 10)).toThrow(JwksError);
    expect(() => parseJwks({ keys: [{}, {}, {}] }, 2)).toThrow('has 3 keys, more than the limit of 2');
    expect(() => parseJwks({ keys: [] }, 2)).toThrow('has no usable signing key');
  });
});

describe('keyFits', () => {
  it('matches key type, curve and the key’s own alg', () => {
    const rsa = { jwk: { kty: 'RSA', n: 'x', e: 'AQAB' } };
    expect(keyFits(rsa, 'RS256')).toBe(true);
    expect(keyFits(rsa, 'PS512')).toBe(true);
    expect(keyFits(rsa, 'ES256')).toBe(false);
    expect(keyFits({ ...rsa, alg: 'RS256' }, 'PS256')).toBe(false);
    expect(keyFits({ jwk: { kty: 'EC', crv: 'P-384', x: 'x', y: 'y' } }, 'ES256')).toBe(false);
    expect(keyFits({ jwk: { kty: 'EC', crv: 'P-384', x: 'x', y: 'y' } }, 'ES384')).toBe(true);
    expect(keyFits({ jwk: { kty: 'OKP', crv: 'Ed25519', x: 'x' } }, 'EdDSA')).toBe(true);
    expect(keyFits({ jwk: { kty: 'OKP', crv: 'X25519', x: 'x' } }, 'EdDSA')).toBe(false);
  });
});

describe('looksLikeJwt', () => {
  it('three base64url segments, the last possibly empty', () => {
    expect(looksLikeJwt('eyJh.eyJi.sig')).toBe(true);
    expect(looksLikeJwt('eyJh.eyJi.')).toBe(true);
    expect(looksLikeJwt('rg-abc_DEF')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
    expect(looksLikeJwt('a..c')).toBe(false);
    expect(looksLikeJwt('a.b.c.d')).toBe(false);
    expect(looksLikeJwt('a+b.c.d')).toBe(false);
  });
});
