import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../../src/bundle/build.js';
import { generateKeys } from '../../src/bundle/keygen.js';
import { openBundle, readBundle } from '../../src/bundle/read.js';
import { cli, fixture } from './run.js';

let dir: string;
let cleanup: () => void;
const at = (...p: string[]): string => join(dir, ...p);
let es: { privateKey: string; publicKey: string };
let unsigned: Uint8Array;

beforeAll(async () => {
  const k = await generateKeys('ES256');
  es = { privateKey: k.privateKey, publicKey: k.publicKey! };
  const other = await generateKeys('EdDSA');
  const hs = await generateKeys('HS256');
  ({ dir, cleanup } = fixture({
    'src/app.gate': 'package app\n\nallow := input.x == 1\n',
    'es.pem': es.privateKey,
    'es.pub.pem': es.publicKey,
    'ed.pem': other.privateKey,
    'ed.pub.pem': other.publicKey!,
    'hmac.secret': hs.privateKey,
    'claims.json': '{"iss": "release-pipeline"}',
    'not-a-bundle.tar.gz': 'hello',
  }));
  unsigned = (await buildBundle({ paths: [at('src')], revision: 'r1' })).bytes;
});
afterAll(() => cleanup());

const fresh = (name: string): string => {
  writeFileSync(at(name), unsigned);
  return at(name);
};
const read = (p: string) => new Uint8Array(readFileSync(p));

describe('railgate sign', () => {
  it('signs a bundle in place; the result verifies and keeps every file', async () => {
    const path = fresh('a.tar.gz');
    const r = await cli(['sign', path, '--signing-key', at('es.pem'), '--signing-alg', 'ES256', '--key-id', 'ci', '--scope', 'prod', '--claims-file', at('claims.json')]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`signed ${path}: revision r1, 3 files, ES256, key id ci\n`);
    expect(r.code).toBe(0);
    const b = await readBundle(read(path), { verification: { key: es.publicKey, keyId: 'ci', scope: 'prod' } });
    expect(b.signer).toMatchObject({ keyId: 'ci', alg: 'ES256', scope: 'prod', iss: 'release-pipeline' });
    expect(b.files.map((f) => f.path)).toEqual(['data.json', 'app.gate']);
  });

  it('writes to -o and leaves the input alone', async () => {
    const path = fresh('b.tar.gz');
    const r = await cli(['sign', path, '--signing-key', at('hmac.secret'), '--signing-alg', 'HS256', '-o', at('b-signed.tar.gz')]);
    expect(r.code).toBe(0);
    expect(Buffer.from(read(path)).equals(Buffer.from(unsigned))).toBe(true);
    const b = await readBundle(read(at('b-signed.tar.gz')), { verification: { key: readFileSync(at('hmac.secret'), 'utf8') } });
    expect(b.signer?.alg).toBe('HS256');
  });

  it('replaces an existing signature', async () => {
    const path = fresh('c.tar.gz');
    await cli(['sign', path, '--signing-key', at('es.pem'), '--signing-alg', 'ES256']);
    const r = await cli(['sign', path, '--signing-key', at('ed.pem'), '--signing-alg', 'EdDSA', '--key-id', 'new']);
    expect(r.stdout).toContain('(replaced the previous signature)');
    const opened = await openBundle(read(path));
    expect(opened.entries.filter((f) => f.path === '.signatures.json')).toHaveLength(1);
    const b = await readBundle(read(path), { verification: { key: readFileSync(at('ed.pub.pem'), 'utf8'), keyId: 'new' } });
    expect(b.signer?.alg).toBe('EdDSA');
    await expect(readBundle(read(path), { verification: { key: es.publicKey } })).rejects.toMatchObject({ code: 'bundle_signature_error' });
  });

  it('refuses what is not a bundle (exit 1), a bad key or missing file (exit 2)', async () => {
    const notBundle = await cli(['sign', at('not-a-bundle.tar.gz'), '--signing-key', at('es.pem'), '--signing-alg', 'ES256']);
    expect(notBundle.code).toBe(1);
    expect(notBundle.stderr).toContain(`railgate: cannot sign ${at('not-a-bundle.tar.gz')}: not a gzip file`);
    const path = fresh('d.tar.gz');
    const wrongAlg = await cli(['sign', path, '--signing-key', at('es.pem'), '--signing-alg', 'PS256']);
    expect(wrongAlg.code).toBe(2);
    expect(wrongAlg.stderr).toContain('PS256');
    expect(Buffer.from(read(path)).equals(Buffer.from(unsigned))).toBe(true);
    const publicKey = await cli(['sign', path, '--signing-key', at('es.pub.pem'), '--signing-alg', 'ES256']);
    expect(publicKey.code).toBe(2);
    expect(publicKey.stderr).toContain('not a private key');
    const missing = await cli(['sign', at('missing.tar.gz'), '--signing-key', at('es.pem'), '--signing-alg', 'ES256']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`railgate: ${at('missing.tar.gz')}: no such file or directory\n`);
    const noAlg = await cli(['sign', path, '--signing-key', at('es.pem')]);
    expect(noAlg.code).toBe(2);
    expect(noAlg.stderr).toContain('--signing-alg');
  });
});
