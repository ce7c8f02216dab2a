import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { CompactSign, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJSONBytes } from '../../src/bundle/canonical.js';
import { BundleError, type BundleErrorCode } from '../../src/bundle/errors.js';
import { hashFile } from '../../src/bundle/hash.js';
import { generateKeys, type GeneratedKeys } from '../../src/bundle/keygen.js';
import { SIGNING_ALGS, type SigningAlg } from '../../src/bundle/keys.js';
import { readUnverifiedSignature, signFiles, verifyFiles, type VerifyOptions } from '../../src/bundle/signing.js';
import type { BundleFile } from '../../src/bundle/types.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (alg: string, data: string | Uint8Array): string => createHash(alg).update(data).digest('hex');
const b64json = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const fixture = JSON.parse(readFileSync(new URL('./fixtures/signing/opa-verify-test-tokens.json', import.meta.url), 'utf8')) as Record<string, string>;

const WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0xff, 0x0a]);
const sampleFiles = (): BundleFile[] => [
  { path: '.manifest', bytes: utf8('{"revision":"r1","roots":["app"]}') },
  { path: 'app/rbac/policy.gate', bytes: utf8('package app.rbac\n\nallow if input.user == "alice"\n') },
  { path: 'data.json', bytes: utf8('{"app": {"rbac": {"admins": ["alice"]}}}') },
  { path: 'app/lists/data.yaml', bytes: utf8('blocked:\n  - eve\n') },
  { path: 'policy.wasm', bytes: WASM },
];

/** `.signatures.json` as OPA writes it (json.MarshalIndent with one space). */
const signaturesDoc = (...tokens: string[]): Uint8Array => utf8(JSON.stringify({ signatures: tokens }, null, 1));

const keys = new Map<SigningAlg, GeneratedKeys>();
const verificationKey = (alg: SigningAlg): string => keys.get(alg)!.publicKey ?? keys.get(alg)!.privateKey;

beforeAll(async () => {
  for (const alg of SIGNING_ALGS) keys.set(alg, await generateKeys(alg));
});

async function rejection(p: Promise<unknown>): Promise<BundleError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(BundleError);
    return e as BundleError;
  }
  throw new Error('expected verification to fail');
}

/** Asserts the code, the file and the words of the message; and that no key material leaked. */
async function expectRejected(p: Promise<unknown>, code: BundleErrorCode, file: string | undefined, ...words: (string | RegExp)[]): Promise<BundleError> {
  const e = await rejection(p);
  expect(e.code).toBe(code);
  expect(e.file).toBe(file);
  for (const w of words) expect(e.message).toMatch(w);
  for (const k of keys.values()) {
    expect(e.message).not.toContain(k.privateKey.slice(0, 40));
  }
  expect(e.message).not.toContain('-----BEGIN');
  return e;
}

/** A JWS built by hand, as another OPA-compatible signer would. */
async function handToken(header: Record<string, unknown> & { alg: string }, payload: unknown, key: Parameters<CompactSign['sign']>[0]): Promise<string> {
  return new CompactSign(utf8(JSON.stringify(payload))).setProtectedHeader(header).sign(key);
}

const ecKey = (): { priv: import('node:crypto').KeyObject; pubPem: string } => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { priv: privateKey, pubPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
};

describe('signFiles → verifyFiles round trip', () => {
  it.each([...SIGNING_ALGS])('%s', async (alg) => {
    const files = sampleFiles();
    const text = await signFiles(files, { key: keys.get(alg)!.privateKey, alg, keyId: 'ci', scope: 'prod', claims: { iss: 'railgate-ci', iat: 1700000000 } });
    const signer = await verifyFiles(utf8(text), files, { key: verificationKey(alg), keyId: 'ci', scope: 'prod', alg });
    expect(signer).toEqual({ keyId: 'ci', alg, scope: 'prod', iss: 'railgate-ci', iat: 1700000000 });
    // and without configuring the alg: the header's alg is used, within what the key allows
    await expect(verifyFiles(utf8(text), files, { key: verificationKey(alg), scope: 'prod' })).resolves.toMatchObject({ alg, keyId: 'ci' });
  });

  it('writes .signatures.json as OPA does: one JWS, header kid, payload files without leading slash', async () => {
    const files = [{ path: '/app/x.gate', bytes: utf8('package x') }, ...sampleFiles()];
    const text = await signFiles(files, { key: keys.get('ES256')!.privateKey, alg: 'ES256', keyId: 'k1', scope: 'prod' });
    expect(text).toMatch(/^\{\n "signatures": \[\n {2}"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"\n \]\n\}$/);
    const token = (JSON.parse(text) as { signatures: string[] }).signatures[0]!;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: 'k1' });
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(Object.keys(payload)).toEqual(['files', 'keyid', 'scope']);
    expect(payload.keyid).toBe('k1');
    expect(payload.scope).toBe('prod');
    expect(payload.files).toEqual(
      files.map((f) => ({ name: f.path.replace(/^\//, ''), hash: hashFile(f.path.replace(/^\//, ''), f.bytes), algorithm: 'SHA-256' })),
    );
    // the structured files are hashed over their canonical form
    expect((payload.files as { name: string; hash: string }[]).find((f) => f.name === '.manifest')!.hash).toBe(hex('sha256', '{"revision":"r1","roots":["app"]}'));
  });

  it('uses OPA\'s default key id and leaves out absent claims', async () => {
    const files = sampleFiles();
    const text = await signFiles(files, { key: keys.get('EdDSA')!.privateKey, alg: 'EdDSA' });
    const token = (JSON.parse(text) as { signatures: string[] }).signatures[0]!;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: 'default' });
    expect(await verifyFiles(utf8(text), files, { key: verificationKey('EdDSA') })).toEqual({ keyId: 'default', alg: 'EdDSA' });
    const none = await signFiles(files, { key: keys.get('EdDSA')!.privateKey, alg: 'EdDSA', keyId: '' });
    expect(decodeProtectedHeader((JSON.parse(none) as { signatures: string[] }).signatures[0]!)).toEqual({ alg: 'EdDSA' });
  });

  it('skips .signatures.json itself and can hash with another algorithm', async () => {
    const files = [...sampleFiles(), { path: '.signatures.json', bytes: utf8('{"signatures":[]}') }];
    const text = await signFiles(files, { key: keys.get('RS256')!.privateKey, alg: 'RS256', hashAlgorithm: 'SHA-512' });
    const unverified = readUnverifiedSignature(utf8(text));
    expect(unverified.files.map((f) => f.name)).not.toContain('.signatures.json');
    expect(new Set(unverified.files.map((f) => f.algorithm))).toEqual(new Set(['SHA-512']));
    await expect(verifyFiles(utf8(text), files, { key: verificationKey('RS256') })).resolves.toMatchObject({ alg: 'RS256' });
  });
});

describe('signFiles: refusals', () => {
  it.each([
    ['an RSA key for ES256', 'RS256', 'ES256', /cannot sign with ES256: ES256 needs an EC P-256 key, and the key is an RSA key/],
    ['a PEM key as an HMAC secret', 'ES256', 'HS256', /HS256 needs an HMAC secret/],
  ] as [string, SigningAlg, SigningAlg, RegExp][])('%s', async (_name, keyAlg, alg, message) => {
    await expectRejected(signFiles(sampleFiles(), { key: keys.get(keyAlg)!.privateKey, alg }), 'bundle_key_error', undefined, message);
  });

  it('an HMAC secret shorter than the hash (RFC 7518 §3.2)', async () => {
    await expectRejected(signFiles(sampleFiles(), { key: 'short-secret', alg: 'HS256' }), 'bundle_key_error', undefined, /12 bytes; HS256 needs at least 32/);
    await expectRejected(signFiles(sampleFiles(), { key: keys.get('HS256')!.privateKey, alg: 'HS512' }), 'bundle_key_error', undefined, /HS512 needs at least 64/);
  });

  it('claims that would clash or that OPA could not decode', async () => {
    const key = keys.get('ES256')!.privateKey;
    const sign = (opts: Record<string, unknown>) => signFiles(sampleFiles(), { key, alg: 'ES256', ...opts });
    await expectRejected(sign({ claims: { files: [] } }), 'bundle_signature_error', undefined, /may not set "files"/);
    await expectRejected(sign({ claims: { iat: 1.5 } }), 'bundle_signature_error', undefined, /"iat" must be an integer/);
    await expectRejected(sign({ claims: { iss: 7 } }), 'bundle_signature_error', undefined, /"iss" must be a string/);
    await expectRejected(sign({ scope: 'a', claims: { scope: 'b' } }), 'bundle_signature_error', undefined, /scope option and the "scope" claim differ/);
    await expectRejected(sign({ keyId: 'a', claims: { keyid: 'b' } }), 'bundle_signature_error', undefined, /key id and the "keyid" claim differ/);
  });

  it('duplicate file names and malformed structured files', async () => {
    const key = keys.get('ES256')!.privateKey;
    const dup = [...sampleFiles(), { path: '/data.json', bytes: utf8('{}') }];
    await expectRejected(signFiles(dup, { key, alg: 'ES256' }), 'bundle_unsafe_entry', 'data.json', /data\.json appears twice/);
    const bad = [...sampleFiles().filter((f) => f.path !== 'data.json'), { path: 'data.json', bytes: utf8('{"a":') }];
    await expectRejected(signFiles(bad, { key, alg: 'ES256' }), 'bundle_data_error', 'data.json', /invalid JSON at 1:6/);
  });
});

describe('verifyFiles: rejections', () => {
  let files: BundleFile[];
  let signed: Uint8Array;
  const es = (): string => verificationKey('ES256');
  beforeAll(async () => {
    files = sampleFiles();
    signed = utf8(await signFiles(files, { key: keys.get('ES256')!.privateKey, alg: 'ES256', keyId: 'ci', scope: 'prod' }));
  });
  const token = (): string => (JSON.parse(new TextDecoder().decode(signed)) as { signatures: string[] }).signatures[0]!;
  const verify = (sig: Uint8Array, opts: Partial<VerifyOptions> = {}, fs: BundleFile[] = files) => verifyFiles(sig, fs, { key: es(), scope: 'prod', ...opts });

  it('no signature', async () => {
    await expectRejected(verify(utf8('{"signatures":[]}')), 'bundle_signature_error', '.signatures.json', /carries no signature \(expected exactly one JWS\)/);
    await expectRejected(verify(utf8('{}')), 'bundle_signature_error', '.signatures.json', /no signature/);
  });

  it('more than one signature', async () => {
    await expectRejected(verify(signaturesDoc(token(), token())), 'bundle_signature_error', '.signatures.json', /carries 2 signatures; exactly one is supported/);
  });

  it.each([
    ['not JSON', '{"signatures": [', /\.signatures\.json is not valid JSON/],
    ['not an object', '["x"]', /must be a JSON object/],
    ['signatures not a list', '{"signatures": "abc"}', /must be an array/],
    ['a signature that is not a string', '{"signatures": [42]}', /must be a compact JWS string/],
    ['not three parts', '{"signatures": ["abc.def"]}', /not a compact JWS \(expected 3 dot-separated parts, found 2\)/],
    ['header not base64url', '{"signatures": ["a b.c.d"]}', /header is not base64url/],
    ['header not JSON', `{"signatures": ["${Buffer.from('{alg').toString('base64url')}.e30.sig"]}`, /header is not JSON/],
    ['a signing plugin', '{"signatures": ["a.b.c"], "plugin": "kms"}', /names the signing plugin "kms", which railgate does not support/],
  ])('malformed: %s', async (_name, doc, message) => {
    await expectRejected(verify(utf8(doc)), 'bundle_signature_error', '.signatures.json', message);
  });

  it('alg none', async () => {
    const [, payload] = token().split('.');
    const unsigned = `${b64json({ alg: 'none', kid: 'ci' })}.${payload}.`;
    await expectRejected(verify(signaturesDoc(unsigned)), 'bundle_signature_error', '.signatures.json', /alg "none"/);
    const shouting = `${b64json({ alg: 'NONE' })}.${payload}.`;
    await expectRejected(verify(signaturesDoc(shouting)), 'bundle_signature_error', '.signatures.json', /alg "none"/);
  });

  it('an alg outside the allowed list', async () => {
    const [, payload, sig] = token().split('.');
    for (const alg of ['ES256K', 'RS1', 'Ed25519', 'ML-DSA-44']) {
      await expectRejected(verify(signaturesDoc(`${b64json({ alg })}.${payload}.${sig}`)), 'bundle_signature_error', '.signatures.json', new RegExp(`alg "${alg}", which is not allowed`));
    }
    await expectRejected(verify(signaturesDoc(`${b64json({ kid: 'x' })}.${payload}.${sig}`)), 'bundle_signature_error', '.signatures.json', /alg null, which is not allowed/);
  });

  it('an algorithm other than the key\'s: RSA key, ES256 signature', async () => {
    await expectRejected(verify(signed, { key: verificationKey('RS256') }), 'bundle_signature_error', '.signatures.json', /signed with ES256, but the verification key cannot verify it: ES256 needs an EC P-256 key, and the key is an RSA key/);
  });

  it('an algorithm other than the key\'s: EC curve must match', async () => {
    await expectRejected(verify(signed, { key: verificationKey('ES384') }), 'bundle_signature_error', '.signatures.json', /ES256 needs an EC P-256 key, and the key is an EC P-384 key/);
    const es512 = utf8(await signFiles(files, { key: keys.get('ES512')!.privateKey, alg: 'ES512', scope: 'prod' }));
    await expectRejected(verify(es512, { key: es() }), 'bundle_signature_error', '.signatures.json', /ES512 needs an EC P-521 key, and the key is an EC P-256 key/);
  });

  it('the classic confusion: a PEM public key used as an HMAC secret', async () => {
    // An attacker who knows the public key signs with HS256, using the PEM text as the secret.
    const publicPem = verificationKey('RS256');
    const payload = { files: files.map((f) => ({ name: f.path, hash: hashFile(f.path, f.bytes), algorithm: 'SHA-256' })), scope: 'prod' };
    const forged = await handToken({ alg: 'HS256' }, payload, utf8(publicPem));
    await expectRejected(verify(signaturesDoc(forged), { key: publicPem }), 'bundle_signature_error', '.signatures.json', /signed with HS256/, /never used as an HMAC secret/);
    // and configuring HS256 explicitly with a PEM key is a key error
    await expectRejected(verify(signaturesDoc(forged), { key: publicPem, alg: 'HS256' }), 'bundle_key_error', undefined, /cannot verify HS256.*never used as an HMAC secret/);
  });

  it('an HMAC secret cannot verify an asymmetric signature', async () => {
    await expectRejected(verify(signed, { key: keys.get('HS256')!.privateKey }), 'bundle_signature_error', '.signatures.json', /ES256 needs a PEM key, and the key is an HMAC secret/);
  });

  it('a configured alg the header does not use', async () => {
    await expectRejected(verify(signed, { alg: 'ES384' }), 'bundle_signature_error', '.signatures.json', /signed with ES256, but the verification key is configured for ES384/);
  });

  it('a configured alg the key does not suit is a key error', async () => {
    const rs = utf8(await signFiles(files, { key: keys.get('RS256')!.privateKey, alg: 'RS256', scope: 'prod' }));
    await expectRejected(verify(rs, { alg: 'RS256', key: es() }), 'bundle_key_error', undefined, /cannot verify RS256: RS256 needs an RSA key, and the key is an EC P-256 key/);
  });

  it('a wrong key', async () => {
    const other = ecKey();
    await expectRejected(verify(signed, { key: other.pubPem }), 'bundle_signature_error', '.signatures.json', /does not verify with the verification key \(an EC P-256 key\)/);
    const hs = utf8(await signFiles(files, { key: keys.get('HS256')!.privateKey, alg: 'HS256', scope: 'prod' }));
    await expectRejected(verify(hs, { key: `${keys.get('HS256')!.privateKey}x` }), 'bundle_signature_error', '.signatures.json', /does not verify/);
  });

  it('a signed payload that was altered', async () => {
    const [header, , sig] = token().split('.');
    const altered = { files: [], keyid: 'ci', scope: 'prod' };
    await expectRejected(verify(signaturesDoc(`${header}.${b64json(altered)}.${sig}`)), 'bundle_signature_error', '.signatures.json', /does not verify/);
  });

  it('a wrong scope, including one present and the other absent', async () => {
    await expectRejected(verify(signed, { scope: 'dev' }), 'bundle_signature_error', '.signatures.json', /scope mismatch: the signature carries scope "prod", but scope "dev" is expected/);
    await expectRejected(verify(signed, { scope: undefined }), 'bundle_signature_error', '.signatures.json', /scope mismatch: the signature carries scope "prod", but no scope is expected/);
    const unscoped = utf8(await signFiles(files, { key: keys.get('ES256')!.privateKey, alg: 'ES256' }));
    await expectRejected(verify(unscoped, { scope: 'prod' }), 'bundle_signature_error', '.signatures.json', /carries no scope, but scope "prod" is expected/);
    // both absent, and an empty scope claim, match (OPA compares strings, "" when absent)
    await expect(verify(unscoped, { scope: undefined })).resolves.toMatchObject({ alg: 'ES256' });
    await expect(verify(unscoped, { scope: '' })).resolves.toMatchObject({ alg: 'ES256' });
  });

  it('a key id mismatch when a key id is configured', async () => {
    await expectRejected(verify(signed, { keyId: 'other' }), 'bundle_signature_error', '.signatures.json', /signed with key id "ci", but the verification key is "other"/);
    await expect(verify(signed, { keyId: 'ci' })).resolves.toMatchObject({ keyId: 'ci' });
    // a non-string kid is malformed
    const [, payload, sig] = token().split('.');
    await expectRejected(verify(signaturesDoc(`${b64json({ alg: 'ES256', kid: 7 })}.${payload}.${sig}`)), 'bundle_signature_error', '.signatures.json', /"kid" must be a string/);
  });

  it('a file listed in the signature but absent from the bundle', async () => {
    const fewer = files.filter((f) => f.path !== 'app/rbac/policy.gate');
    await expectRejected(verify(signed, {}, fewer), 'bundle_signature_error', 'app/rbac/policy.gate', /app\/rbac\/policy\.gate is listed in the signature but missing from the bundle/);
  });

  it('a bundle file not listed in the signature', async () => {
    const more = [...files, { path: 'app/extra.gate', bytes: utf8('package app.extra') }];
    await expectRejected(verify(signed, {}, more), 'bundle_signature_error', 'app/extra.gate', /app\/extra\.gate is in the bundle but not listed in its signature/);
  });

  it('a digest mismatch names the file and shows both hash prefixes', async () => {
    const tampered = files.map((f) => (f.path === 'policy.wasm' ? { ...f, bytes: new Uint8Array([...f.bytes, 0]) } : f));
    const want = hex('sha256', WASM).slice(0, 16);
    const got = hex('sha256', new Uint8Array([...WASM, 0])).slice(0, 16);
    const e = await expectRejected(verify(signed, {}, tampered), 'bundle_signature_error', 'policy.wasm', /^policy\.wasm: digest mismatch/);
    expect(e.message).toContain(`signature has ${want}…, file hashes to ${got}…`);
    // a semantic change to data.json is caught too, a formatting change is not
    const reformatted = files.map((f) => (f.path === 'data.json' ? { ...f, bytes: utf8('{\n  "app": { "rbac": { "admins": [ "alice" ] } }\n}\n') } : f));
    await expect(verify(signed, {}, reformatted)).resolves.toMatchObject({ keyId: 'ci' });
    const changed = files.map((f) => (f.path === 'data.json' ? { ...f, bytes: utf8('{"app": {"rbac": {"admins": ["alice", "mallory"]}}}') } : f));
    await expectRejected(verify(signed, {}, changed), 'bundle_signature_error', 'data.json', /data\.json: digest mismatch/);
  });

  describe('payloads built by hand', () => {
    const key = ecKey();
    const entries = (): { name: string; hash: string; algorithm: string }[] =>
      files.map((f) => ({ name: f.path, hash: hashFile(f.path, f.bytes), algorithm: 'SHA-256' }));
    const signedWith = async (payload: unknown, header: Record<string, unknown> = {}): Promise<Uint8Array> =>
      signaturesDoc(await handToken({ alg: 'ES256', ...header }, payload, key.priv));

    it('an unsupported hash algorithm', async () => {
      const list = entries().map((e) => (e.name === 'data.json' ? { ...e, algorithm: 'SHA3-256' } : e));
      await expectRejected(verify(await signedWith({ files: list, scope: 'prod' }), { key: key.pubPem }), 'bundle_signature_error', 'data.json', /data\.json: unsupported hash algorithm "SHA3-256"/);
    });

    it('no hash algorithm', async () => {
      const list = entries().map((e) => (e.name === '.manifest' ? { name: e.name, hash: e.hash } : e));
      await expectRejected(verify(await signedWith({ files: list, scope: 'prod' }), { key: key.pubPem }), 'bundle_signature_error', '.manifest', /\.manifest: the signature gives no hash algorithm/);
    });

    it('a hash that is not hex', async () => {
      const list = entries().map((e) => (e.name === 'policy.wasm' ? { ...e, hash: 'zz' } : e));
      await expectRejected(verify(await signedWith({ files: list, scope: 'prod' }), { key: key.pubPem }), 'bundle_signature_error', 'policy.wasm', /not hex/);
    });

    it('duplicate file names in the payload', async () => {
      const list = [...entries(), entries()[1]!];
      await expectRejected(verify(await signedWith({ files: list, scope: 'prod' }), { key: key.pubPem }), 'bundle_signature_error', 'app/rbac/policy.gate', /lists app\/rbac\/policy\.gate more than once/);
    });

    it.each([
      ['files not a list', { files: { name: 'x' } }, /"files" must be an array/],
      ['a file that is not an object', { files: ['x'] }, /not an object/],
      ['a file without a name', { files: [{ hash: 'ab', algorithm: 'SHA-256' }] }, /without a name/],
      ['a name that is not a string', { files: [{ name: 1 }] }, /"name" is not a string/],
      ['iat that is not an integer', { files: [], iat: 'yesterday' }, /"iat" must be an integer/],
      ['scope that is not a string', { files: [], scope: ['prod'] }, /"scope" must be a string/],
    ])('a malformed payload: %s', async (_name, payload, message) => {
      await expectRejected(verify(await signedWith(payload), { key: key.pubPem }), 'bundle_signature_error', '.signatures.json', message);
    });

    it('verifies a token built the OPA way, files in another order than the bundle', async () => {
      // digests derived independently: canonical texts written out by hand
      const bundle: BundleFile[] = [
        { path: 'app/rbac/policy.gate', bytes: utf8('package app.rbac\n') },
        { path: 'data.json', bytes: utf8('{\n "z": "<&>",\n "a": {"b": [1, 2.50]}\n}\n') },
        { path: '.manifest', bytes: utf8('{"roots": ["app"], "revision": "r1"}') },
        { path: 'policy.wasm', bytes: WASM },
      ];
      const payload = {
        files: [
          { name: 'policy.wasm', hash: hex('sha256', WASM), algorithm: 'SHA-256' },
          { name: 'data.json', hash: hex('sha256', '{"a":{"b":[1,2.50]},"z":"<&>"}'), algorithm: 'SHA-256' },
          { name: '.manifest', hash: hex('md5', '{"revision":"r1","roots":["app"]}'), algorithm: 'MD5' },
          { name: 'app/rbac/policy.gate', hash: hex('sha512', 'package app.rbac\n'), algorithm: 'SHA-512' },
        ],
        iat: 1700000000,
        iss: 'ci',
        scope: 'prod',
      };
      const doc = signaturesDoc(await handToken({ alg: 'ES256', kid: 'ci-key', typ: 'JWT' }, payload, key.priv));
      expect(await verifyFiles(doc, bundle, { key: key.pubPem, scope: 'prod' })).toEqual({ keyId: 'ci-key', alg: 'ES256', scope: 'prod', iss: 'ci', iat: 1700000000 });
      // the deprecated payload keyid is used when the header has no kid
      const old = signaturesDoc(await handToken({ alg: 'ES256' }, { ...payload, keyid: 'legacy' }, key.priv));
      expect(await verifyFiles(old, bundle, { key: key.pubPem, scope: 'prod' })).toMatchObject({ keyId: 'legacy' });
      // with neither, the configured key id, else OPA's "default"
      const bare = signaturesDoc(await handToken({ alg: 'ES256' }, payload, key.priv));
      expect(await verifyFiles(bare, bundle, { key: key.pubPem, scope: 'prod', keyId: 'mine' })).toMatchObject({ keyId: 'mine' });
      expect(await verifyFiles(bare, bundle, { key: key.pubPem, scope: 'prod' })).toMatchObject({ keyId: 'default' });
      // unsigned claims are readable for inspection
      expect(readUnverifiedSignature(doc)).toEqual({ alg: 'ES256', keyId: 'ci-key', scope: 'prod', iss: 'ci', iat: 1700000000, files: payload.files });
    });
  });
});

describe('tokens from OPA\'s own test suite', () => {
  // Their payloads list files we do not have, so a successful signature and scope
  // check shows up as the first file-level complaint.
  const opaToken = (name: string): Uint8Array => signaturesDoc(fixture[name]!);

  it('verifies OPA\'s HS256 token (kid in the header) and then checks the files', async () => {
    await expectRejected(
      verifyFiles(opaToken('signedTokenHS256'), [], { key: fixture.hmacSecret!, scope: 'write', keyId: 'foo' }),
      'bundle_signature_error',
      'db/uam2/entitlements/data.json',
      /listed in the signature but missing from the bundle/,
    );
    // OPA spells the algorithm "sha256" there, which OPA's own hasher does not accept either
    const present = [
      { path: 'db/uam2/entitlements/data.json', bytes: utf8('{}') },
      { path: 'db/uam2/policy/opa-policy.rego', bytes: utf8('package x') },
    ];
    await expectRejected(verifyFiles(opaToken('signedTokenHS256'), present, { key: 'secret', scope: 'write' }), 'bundle_signature_error', 'db/uam2/entitlements/data.json', /unsupported hash algorithm "sha256"/);
    await expectRejected(verifyFiles(opaToken('signedTokenHS256'), [...present].reverse(), { key: 'secret', scope: 'write' }), 'bundle_signature_error', 'db/uam2/policy/opa-policy.rego', /gives no hash algorithm/);
  });

  it('rejects OPA\'s HS256 token with the wrong secret or scope, as OPA\'s tests do', async () => {
    await expectRejected(verifyFiles(opaToken('signedTokenHS256'), [], { key: 'bad_secret', scope: 'write' }), 'bundle_signature_error', '.signatures.json', /does not verify/);
    await expectRejected(verifyFiles(opaToken('signedTokenHS256'), [], { key: 'secret', scope: 'bad_scope' }), 'bundle_signature_error', '.signatures.json', /scope mismatch/);
  });

  it('reads the deprecated payload keyid of OPA\'s token', async () => {
    await expectRejected(verifyFiles(opaToken('signedTokenWithDeprecatedKidClaimHS256'), [], { key: 'secret', scope: 'write', keyId: 'bar' }), 'bundle_signature_error', '.signatures.json', /key id "foo"/);
    await expectRejected(verifyFiles(opaToken('signedTokenWithDeprecatedKidClaimHS256'), [], { key: 'secret', scope: 'write', keyId: 'foo' }), 'bundle_signature_error', 'db/uam2/entitlements/data.json', /missing from the bundle/);
  });

  it('verifies OPA\'s RS256 token with its public key', async () => {
    await expectRejected(
      verifyFiles(opaToken('signedTokenRS256'), [], { key: fixture.rs256PublicKey!, scope: 'write', alg: 'RS256' }),
      'bundle_signature_error',
      'db/uam2/entitlements/data.json',
      /missing from the bundle/,
    );
    await expectRejected(verifyFiles(opaToken('signedTokenRS256'), [], { key: verificationKey('RS256'), scope: 'write' }), 'bundle_signature_error', '.signatures.json', /does not verify/);
  });
});

describe('properties', () => {
  const segment = fc.stringMatching(/^[a-z0-9_-]{1,6}$/);
  const rawFile = fc.record({
    path: fc.tuple(fc.array(segment, { minLength: 0, maxLength: 3 }), segment, fc.constantFrom('.gate', '.rego', '.wasm', '.txt')).map(([dirs, base, ext]) => [...dirs, base + ext].join('/')),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 48 }),
  });
  const structuredFile = fc.tuple(fc.array(segment, { maxLength: 2 }), fc.json()).map(([dirs, json]) => ({ path: [...dirs, 'data.json'].join('/'), bytes: utf8(json) }));
  const bundle = fc.uniqueArray(fc.oneof({ weight: 3, arbitrary: rawFile }, { weight: 1, arbitrary: structuredFile }), { minLength: 1, maxLength: 8, selector: (f) => f.path });
  const flip = fc.record({ file: fc.nat(), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) });

  it('signing then verifying any file set succeeds; flipping any byte fails naming that file', async () => {
    const key = keys.get('ES256')!;
    await fc.assert(
      fc.asyncProperty(bundle, flip, async (files, { file, at, mask }) => {
        const text = await signFiles(files, { key: key.privateKey, alg: 'ES256', keyId: 'p' });
        await expect(verifyFiles(utf8(text), files, { key: key.publicKey! })).resolves.toEqual({ keyId: 'p', alg: 'ES256' });

        const target = files[file % files.length]!;
        const bytes = target.bytes.slice();
        bytes[at % bytes.length]! ^= mask;
        const tampered = files.map((f) => (f === target ? { path: f.path, bytes } : f));
        const result = verifyFiles(utf8(text), tampered, { key: key.publicKey! });

        if (!target.path.endsWith('data.json')) {
          const e = await rejection(result);
          expect(e.code).toBe('bundle_signature_error');
          expect(e.file).toBe(target.path);
          expect(e.message).toContain('digest mismatch');
          return;
        }
        // A structured file only counts by its canonical form: whitespace flips are
        // harmless, a flip that breaks the JSON is a data error, any other change a mismatch.
        let canonical: string | undefined;
        try {
          canonical = canonicalJSONBytes(bytes);
        } catch {
          canonical = undefined;
        }
        if (canonical === canonicalJSONBytes(target.bytes)) {
          await expect(result).resolves.toMatchObject({ alg: 'ES256' });
        } else {
          const e = await rejection(result);
          expect(e.file).toBe(target.path);
          expect(e.code).toBe(canonical === undefined ? 'bundle_data_error' : 'bundle_signature_error');
        }
      }),
      { numRuns: 60 },
    );
  });
});
