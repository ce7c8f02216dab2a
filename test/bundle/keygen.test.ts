import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BundleError } from '../../src/bundle/errors.js';
import { generateKeys } from '../../src/bundle/keygen.js';
import { SIGNING_ALGS, type SigningAlg } from '../../src/bundle/keys.js';

const ASYMMETRIC: [SigningAlg, string, Record<string, unknown>][] = [
  ['ES256', 'ec', { namedCurve: 'prime256v1' }],
  ['ES384', 'ec', { namedCurve: 'secp384r1' }],
  ['ES512', 'ec', { namedCurve: 'secp521r1' }],
  ['RS256', 'rsa', { modulusLength: 2048 }],
  ['RS384', 'rsa', { modulusLength: 2048 }],
  ['RS512', 'rsa', { modulusLength: 2048 }],
  ['PS256', 'rsa', { modulusLength: 2048 }],
  ['PS384', 'rsa', { modulusLength: 2048 }],
  ['PS512', 'rsa', { modulusLength: 2048 }],
  ['EdDSA', 'ed25519', {}],
];

describe('generateKeys', () => {
  it('covers every signing algorithm', () => {
    expect(new Set([...ASYMMETRIC.map(([a]) => a), 'HS256', 'HS384', 'HS512'])).toEqual(new Set(SIGNING_ALGS));
  });

  it.each(ASYMMETRIC)('%s: a PKCS#8 private key and its SPKI public key', async (alg, type, details) => {
    const keys = await generateKeys(alg);
    expect(keys.alg).toBe(alg);
    expect(keys.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    expect(keys.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    const priv = createPrivateKey(keys.privateKey);
    const pub = createPublicKey(keys.publicKey!);
    expect(priv.asymmetricKeyType).toBe(type);
    expect(priv.asymmetricKeyDetails).toMatchObject(details);
    // the public key is the private key's own
    expect(createPublicKey(priv).export({ type: 'spki', format: 'der' })).toEqual(pub.export({ type: 'spki', format: 'der' }));
  });

  it.each([
    ['HS256', 32],
    ['HS384', 48],
    ['HS512', 64],
  ] as [SigningAlg, number][])('%s: a random base64url secret of %i bytes, no public key', async (alg, bytes) => {
    const a = await generateKeys(alg);
    const b = await generateKeys(alg);
    expect(a.publicKey).toBeUndefined();
    expect(a.privateKey).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(a.privateKey, 'base64url')).toHaveLength(bytes);
    expect(a.privateKey).not.toBe(b.privateKey);
  });

  it('rejects an unknown algorithm', async () => {
    await expect(generateKeys('none' as SigningAlg)).rejects.toThrow(BundleError);
    await expect(generateKeys('none' as SigningAlg)).rejects.toThrow(/cannot generate keys for algorithm "none"/);
  });
});
