import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleError } from '../../src/bundle/errors.js';
import { describeKey, isSigningAlg, keyMismatch, loadKey, parseSigningAlg, readKeyArg, SIGNING_ALGS, type SigningAlg } from '../../src/bundle/keys.js';

const pem = {
  rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  rsa1024: generateKeyPairSync('rsa', { modulusLength: 1024 }),
  p256: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
  p384: generateKeyPairSync('ec', { namedCurve: 'secp384r1' }),
  p521: generateKeyPairSync('ec', { namedCurve: 'secp521r1' }),
  ed: generateKeyPairSync('ed25519'),
};
const spki = (k: keyof typeof pem): string => pem[k].publicKey.export({ type: 'spki', format: 'pem' }).toString();
const pkcs8 = (k: keyof typeof pem): string => pem[k].privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<BundleError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(BundleError);
    return e as BundleError;
  }
  throw new Error('expected a BundleError');
}

describe('SIGNING_ALGS', () => {
  it('lists the algorithms OPA signs bundles with, and EdDSA', () => {
    expect([...SIGNING_ALGS].sort()).toEqual(['ES256', 'ES384', 'ES512', 'EdDSA', 'HS256', 'HS384', 'HS512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512']);
    expect(isSigningAlg('none')).toBe(false);
    expect(isSigningAlg('es256')).toBe(false);
  });

  it('parses user input strictly', async () => {
    expect(parseSigningAlg('PS256')).toBe('PS256');
    const e = await rejection(() => parseSigningAlg('RS007'));
    expect(e.code).toBe('bundle_key_error');
    expect(e.message).toContain('"RS007"');
    expect(e.hint).toContain('ES256');
  });
});

describe('readKeyArg', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'railgate-keys-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns an inline PEM as is', async () => {
    const key = spki('p256');
    expect(await readKeyArg(key, { alg: 'ES256' })).toBe(key);
  });

  it('reads a key file exactly, trailing newline included (as OPA does)', async () => {
    const path = join(dir, 'secret.txt');
    await writeFile(path, 'a-very-long-hmac-secret-from-a-file-0123456789\n');
    expect(await readKeyArg(path, { alg: 'HS256' })).toBe('a-very-long-hmac-secret-from-a-file-0123456789\n');
    const pemPath = join(dir, 'pub.pem');
    await writeFile(pemPath, spki('rsa'));
    expect(await readKeyArg(pemPath)).toBe(spki('rsa'));
  });

  it('takes a value that is no file as an HMAC secret for HS*, or when the alg is not known', async () => {
    expect(await readKeyArg('s3cr3t-value-with-no-path-look', { alg: 'HS256' })).toBe('s3cr3t-value-with-no-path-look');
    expect(await readKeyArg('s3cr3t-value-with-no-path-look')).toBe('s3cr3t-value-with-no-path-look');
  });

  it('never turns a missing file into a secret for a non-HS alg, and does not echo the value', async () => {
    const e = await rejection(readKeyArg('s3cr3t-value-with-no-path-look', { alg: 'RS256', flag: '--verification-key' }));
    expect(e.code).toBe('bundle_key_error');
    expect(e.message).toContain('--verification-key');
    expect(e.message).toContain('does not exist');
    expect(e.message).not.toContain('s3cr3t');
    expect(e.message).toContain('(value not shown)');
  });

  it('names a missing path that looks like a path', async () => {
    const missing = join(dir, 'nope', 'public.pem');
    const e = await rejection(readKeyArg(missing, { alg: 'ES256' }));
    expect(e.message).toContain(`"${missing}" does not exist`);
  });

  it.each([
    ['keys/public.pem', undefined],
    ['./secret', 'HS256'],
    ['signing.key', 'HS256'],
    ['~/k', undefined],
  ] as [string, SigningAlg | undefined][])('refuses %s as an inline secret: it looks like a path (alg %s)', async (value, alg) => {
    const e = await rejection(readKeyArg(value, alg ? { alg } : {}));
    expect(e.code).toBe('bundle_key_error');
    expect(e.message).toContain('does not exist');
    expect(e.hint).toMatch(/must not look like a file path/);
  });

  it('refuses an empty value, a directory and an oversized file', async () => {
    expect((await rejection(readKeyArg(''))).message).toContain('empty');
    const sub = join(dir, 'adir');
    await mkdir(sub);
    expect((await rejection(readKeyArg(sub))).message).toContain('not a regular file');
    const big = join(dir, 'big.pem');
    await writeFile(big, Buffer.alloc(1024 * 1024 + 1, 0x41));
    expect((await rejection(readKeyArg(big))).message).toMatch(/larger than 1048576 bytes/);
  });
});

describe('loadKey', () => {
  it('reads PKCS#8, PKCS#1 and SEC1 private keys for signing', () => {
    expect(describeKey(loadKey(pkcs8('rsa'), 'sign'))).toBe('an RSA key (2048 bits)');
    const pkcs1 = pem.rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY');
    expect(describeKey(loadKey(pkcs1, 'sign'))).toBe('an RSA key (2048 bits)');
    const sec1 = pem.p384.privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    expect(sec1).toContain('BEGIN EC PRIVATE KEY');
    expect(describeKey(loadKey(sec1, 'sign'))).toBe('an EC P-384 key');
    // `openssl ecparam -genkey` puts the curve parameters first
    const withParams = `-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${pem.p256.privateKey.export({ type: 'sec1', format: 'pem' })}`;
    expect(describeKey(loadKey(withParams, 'sign'))).toBe('an EC P-256 key');
  });

  it('reads public keys, and the public half of private keys, for verification', () => {
    expect(describeKey(loadKey(spki('ed'), 'verify'))).toBe('an Ed25519 key');
    const pkcs1pub = pem.rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1pub).toContain('BEGIN RSA PUBLIC KEY');
    expect(describeKey(loadKey(pkcs1pub, 'verify'))).toBe('an RSA key (2048 bits)');
    const m = loadKey(pkcs8('p521'), 'verify');
    expect(m.kind === 'asymmetric' && m.key.type).toBe('public');
  });

  it('takes text that is not PEM as an HMAC secret', () => {
    const m = loadKey('secret', 'verify');
    expect(m).toEqual({ kind: 'secret', bytes: new TextEncoder().encode('secret') });
  });

  it.each([
    ['a public key to sign', () => loadKey(spki('rsa'), 'sign'), /signing key is a PUBLIC KEY, not a private key/],
    ['an encrypted key', () => loadKey(pem.rsa.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString(), 'sign'), /encrypted PEM/],
    ['a corrupt PEM', () => loadKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', 'verify'), /cannot read the verification key \(PEM PUBLIC KEY\)/],
    ['an empty secret', () => loadKey('', 'verify'), /verification key is empty/],
  ])('rejects %s', async (_name, fn, message) => {
    const e = await rejection(fn);
    expect(e.code).toBe('bundle_key_error');
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('BEGIN');
  });
});

describe('keyMismatch', () => {
  const verify = (k: keyof typeof pem) => loadKey(spki(k), 'verify');
  const ok: [SigningAlg, keyof typeof pem][] = [
    ['RS256', 'rsa'], ['RS512', 'rsa'], ['PS256', 'rsa'], ['PS384', 'rsa'],
    ['ES256', 'p256'], ['ES384', 'p384'], ['ES512', 'p521'], ['EdDSA', 'ed'],
  ];
  it.each(ok)('%s suits the %s key', (alg, k) => {
    expect(keyMismatch(verify(k), alg)).toBeUndefined();
  });
  it('HS* suits a secret', () => {
    expect(keyMismatch(loadKey('secret', 'verify'), 'HS512')).toBeUndefined();
  });

  const bad: [SigningAlg, () => ReturnType<typeof loadKey>, RegExp][] = [
    ['ES256', () => verify('rsa'), /ES256 needs an EC P-256 key, and the key is an RSA key \(2048 bits\)/],
    ['ES256', () => verify('p384'), /ES256 needs an EC P-256 key, and the key is an EC P-384 key/],
    ['ES512', () => verify('p256'), /ES512 needs an EC P-521 key/],
    ['RS256', () => verify('p256'), /RS256 needs an RSA key, and the key is an EC P-256 key/],
    ['PS256', () => verify('ed'), /PS256 needs an RSA key, and the key is an Ed25519 key/],
    ['RS256', () => verify('rsa1024'), /at least 2048 bits, and the key has 1024/],
    ['EdDSA', () => verify('p256'), /EdDSA needs an Ed25519 key/],
    ['HS256', () => verify('rsa'), /HS256 needs an HMAC secret, and the key is an RSA key.*never used as an HMAC secret/],
    ['RS256', () => loadKey('secret', 'verify'), /RS256 needs a PEM key, and the key is an HMAC secret/],
  ];
  it.each(bad)('%s does not suit %s', (alg, key, message) => {
    expect(keyMismatch(key(), alg)).toMatch(message);
  });
});
