import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BundleError } from '../../src/bundle/errors.js';
import { DEFAULT_HASH_ALGORITHM, HASH_ALGORITHMS, hashBytes, hashFile, isHashAlgorithm, isStructuredFile, type HashAlgorithm } from '../../src/bundle/hash.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('isStructuredFile (OPA IsStructuredDoc)', () => {
  it.each([
    ['data.json', true],
    ['a/b/data.json', true],
    ['data.yaml', true],
    ['x/data.yaml', true],
    ['.manifest', true],
    ['sub/.manifest', true],
    ['x/signatures.json', true],
    // OPA compares base names: `.signatures.json` is not one of them, and data.yml is hashed raw
    ['.signatures.json', false],
    ['data.yml', false],
    ['policy.gate', false],
    ['policy.wasm', false],
    ['mydata.json', false],
    ['data.json/x.rego', false],
  ])('%s → %s', (path, structured) => {
    expect(isStructuredFile(path)).toBe(structured);
  });
});

describe('hashFile', () => {
  // Digests OPA itself computed for these files, taken from OPA's test suite
  // (v1/bundle/sign_test.go and verify_test.go): an independent check that our
  // canonical form is byte-identical to Go's.
  const OPA_DIGESTS: [path: string, content: string, alg: HashAlgorithm, digest: string][] = [
    ['.manifest', '{"revision": "quickbrownfaux"}', 'MD5', 'a005c38a509dc2d5a7407b9494efb2ad'],
    ['a/b/c/data.json', '[1,2,3]', 'SHA-512', '60f7b5dc86ded48785436192a08dbfd04894d7f1b417c4f8d3714679a7f78cb3c833f16a8559a1cf1f32968747dc1d95ef34826263dacf125ded8f5c374be4c0'],
    ['a/b/d/data.json', 'true', 'MD5', 'b326b5062b2f0e69046810717534cb09'],
    ['a/b/y/data.yaml', 'foo: 1', 'SHA-512', '20f27a640a233e6524fe7d138898583cd43475724806feb26be7f214e1d10b29edf6a0d3cb08f82107a45686b61b8fdabab6406cf4e70efe134f42238dbd70ab'],
    ['data.json', '{"x": {"y": true}, "a": {"b": {"z": true}}}', 'MD5', '36669864a622563256817033b1fc53db'],
  ];
  it.each(OPA_DIGESTS)('matches OPA for %s (%s)', (path, content, alg, digest) => {
    expect(hashFile(path, utf8(content), alg)).toBe(digest);
  });

  it('hashes unstructured files over their raw bytes', () => {
    const bytes = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0xff, 0x0a]);
    expect(hashFile('policy.wasm', bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
    // whitespace matters for sources
    expect(hashFile('app/x.gate', utf8('package x\n'))).not.toBe(hashFile('app/x.gate', utf8('package x')));
    // and a data.yml is raw too (OPA quirk)
    expect(hashFile('data.yml', utf8('a: 1'))).toBe(createHash('sha256').update('a: 1').digest('hex'));
  });

  it('hashes structured files over their canonical form', () => {
    const canonical = '{"a":[1,2],"b":"x"}';
    const want = createHash('sha256').update(canonical).digest('hex');
    expect(hashFile('data.json', utf8('{\n  "b": "x",\n  "a": [1, 2]\n}\n'))).toBe(want);
    expect(hashFile('.manifest', utf8('{"b":"x","a":[1,2]}'))).toBe(want);
    expect(hashFile('data.yaml', utf8('b: x\na:\n  - 1\n  - 2\n'))).toBe(want);
  });

  it.each(HASH_ALGORITHMS)('supports %s like node:crypto', (alg) => {
    const node: Record<HashAlgorithm, string> = {
      'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512', 'SHA-224': 'sha224',
      'SHA-512-224': 'sha512-224', 'SHA-512-256': 'sha512-256', 'SHA-1': 'sha1', MD5: 'md5',
    };
    const bytes = utf8('package app\n');
    const digest = hashFile('app/p.gate', bytes, alg);
    expect(digest).toBe(createHash(node[alg]).update(bytes).digest('hex'));
    expect(digest).toMatch(/^[0-9a-f]+$/);
  });

  it('defaults to SHA-256', () => {
    expect(DEFAULT_HASH_ALGORITHM).toBe('SHA-256');
    expect(hashFile('x.gate', utf8('a'))).toBe(hashBytes(utf8('a'), 'SHA-256'));
  });

  it('rejects an unsupported algorithm', () => {
    expect(isHashAlgorithm('SHA-3')).toBe(false);
    expect(isHashAlgorithm('sha256')).toBe(false); // OPA's names are case-sensitive
    expect(() => hashFile('x.gate', utf8('a'), 'SHA-3' as HashAlgorithm)).toThrow(/unsupported hash algorithm "SHA-3"/);
  });

  it('names the file when a structured file does not parse', () => {
    try {
      hashFile('app/data.json', utf8('{"a": }'));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BundleError);
      expect((e as BundleError).code).toBe('bundle_data_error');
      expect((e as BundleError).file).toBe('app/data.json');
      expect((e as BundleError).message).toMatch(/^app\/data\.json: invalid JSON at 1:7/);
    }
  });
});
