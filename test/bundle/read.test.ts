import { beforeAll, describe, expect, it } from 'vitest';
import { writeArchive } from '../../src/bundle/archive.js';
import { BundleError } from '../../src/bundle/errors.js';
import { generateKeys } from '../../src/bundle/keygen.js';
import { openBundle, readBundle } from '../../src/bundle/read.js';
import { signFiles } from '../../src/bundle/signing.js';
import type { BundleFile } from '../../src/bundle/types.js';
import { str, text, tgzOf } from './tar-fixtures.js';
import { rejects } from './support/errors.js';

const files = (entries: Record<string, string>): BundleFile[] => Object.entries(entries).map(([path, s]) => ({ path, bytes: text(s) }));

const CONTENT = files({
  '.manifest': JSON.stringify({ revision: 'r7', roots: ['app'], metadata: { team: 'platform' } }),
  'data.json': '{"app": {"limits": {"max": 3}}}',
  'app/rbac/data.json': '{"roles": {"alice": ["admin"]}}',
  'app/rbac/policy.gate': 'package app.rbac\n\nallow if input.user == "alice"\n',
  'README.md': '# not policy',
});

let keys: { privateKey: string; publicKey: string };
let signed: BundleFile[];

/** The content with a .signatures.json made over `over` (default: the content itself). */
async function signedWith(content: BundleFile[], over: BundleFile[] = content): Promise<BundleFile[]> {
  const sig = await signFiles(over, { key: keys.privateKey, alg: 'ES256', keyId: 'ci', scope: 'prod' });
  return [content[0]!, { path: '.signatures.json', bytes: text(sig) }, ...content.slice(1)];
}

const verification = () => ({ key: keys.publicKey, keyId: 'ci', scope: 'prod' });

beforeAll(async () => {
  const k = await generateKeys('ES256');
  keys = { privateKey: k.privateKey, publicKey: k.publicKey! };
  signed = await signedWith(CONTENT);
});

describe('readBundle', () => {
  it('reads the manifest, places the data and keeps the other files in archive order', async () => {
    const b = await readBundle(await writeArchive(CONTENT));
    expect(b.manifest).toEqual({ revision: 'r7', roots: ['app'], metadata: { team: 'platform' } });
    expect(JSON.parse(JSON.stringify(b.data))).toEqual({ app: { limits: { max: 3 }, rbac: { roles: { alice: ['admin'] } } } });
    expect(b.files.map((f) => f.path)).toEqual(['data.json', 'app/rbac/data.json', 'app/rbac/policy.gate', 'README.md']);
    expect(str(b.files[2]!.bytes)).toContain('allow if');
    expect(b.signer).toBeUndefined();
  });

  it('reads a bundle laid out as `opa build` writes it', async () => {
    const b = await readBundle(
      await tgzOf([
        { name: '/data.json', content: '{}' },
        { name: '/app/rbac/policy.rego', content: 'package app.rbac\n\nallow if true\n' },
        { name: '/app/rbac/data.json', content: '{"x": 1}' },
        { name: '/.manifest', content: '{"revision":"abc","roots":["app/rbac"],"rego_version":1}' },
      ]),
    );
    expect(b.manifest).toEqual({ revision: 'abc', roots: ['app/rbac'], rego_version: 1 });
    expect(JSON.parse(JSON.stringify(b.data))).toEqual({ app: { rbac: { x: 1 } } });
  });

  it('gives a bundle without .manifest the default manifest, named by its content', async () => {
    const b = await readBundle(await writeArchive(files({ 'p.gate': 'package p\n' })));
    expect(b.manifest).toEqual({ revision: expect.stringMatching(/^[0-9a-f]{16}$/), roots: [''] });
    const same = await readBundle(await writeArchive(files({ 'p.gate': 'package p\n' })));
    const other = await readBundle(await writeArchive(files({ 'p.gate': 'package q\n' })));
    expect(same.manifest.revision).toBe(b.manifest.revision);
    expect(other.manifest.revision).not.toBe(b.manifest.revision);
  });

  it('keeps an empty revision that a .manifest gives', async () => {
    const b = await readBundle(await writeArchive(files({ '.manifest': '{}', 'p.gate': 'package p\n' })));
    expect(b.manifest.revision).toBe('');
  });

  it('passes its limits to the archive reader', async () => {
    const e = await rejects(readBundle(await writeArchive(CONTENT), { limits: { maxFileBytes: 40 } }));
    expect(e.code).toBe('bundle_too_large');
  });

  it('refuses a .manifest or .signatures.json below the top', async () => {
    const e = await rejects(readBundle(await writeArchive(files({ 'app/.manifest': '{}', 'p.gate': 'package p' }))));
    expect(e.code).toBe('bundle_manifest_error');
    expect(e.message).toBe('app/.manifest: .manifest is only allowed at the root of a bundle');
  });

  it('refuses overlapping roots, data outside the roots and a missing WASM module', async () => {
    const overlap = await rejects(readBundle(await writeArchive(files({ '.manifest': '{"roots": ["a", "a/b"]}' }))));
    expect(overlap.message).toContain('overlapping roots');
    const outside = await rejects(readBundle(await writeArchive(files({ '.manifest': '{"roots": ["a"]}', 'b/data.json': '{}' }))));
    expect(outside.message).toBe(`b/data.json: data.b is outside the bundle's roots ["a"]`);
    const wasm = await rejects(readBundle(await writeArchive(files({ '.manifest': '{"wasm": [{"entrypoint": "a/allow", "module": "/policy.wasm"}]}' }))));
    expect(wasm.message).toContain('no file policy.wasm');
  });
});

describe('readBundle with a verification key', () => {
  it('verifies a signed bundle and reports the signer', async () => {
    const b = await readBundle(await writeArchive(signed), { verification: verification() });
    expect(b.signer).toMatchObject({ keyId: 'ci', alg: 'ES256', scope: 'prod' });
    expect(b.manifest.revision).toBe('r7');
  });

  it('refuses an unsigned bundle', async () => {
    const e = await rejects(readBundle(await writeArchive(CONTENT), { verification: verification() }));
    expect(e.code).toBe('bundle_unsigned');
    expect(e.file).toBe('.signatures.json');
    expect(e.hint).toContain('railgate sign');
  });

  it('refuses a file changed after signing, naming it', async () => {
    const tampered = signed.map((f) => (f.path === 'app/rbac/policy.gate' ? { ...f, bytes: text('package app.rbac\n\nallow := true\n') } : f));
    const e = await rejects(readBundle(await writeArchive(tampered), { verification: verification() }));
    expect(e.code).toBe('bundle_signature_error');
    expect(e.file).toBe('app/rbac/policy.gate');
  });

  it('refuses a changed .manifest: it is signed too', async () => {
    const tampered = signed.map((f) => (f.path === '.manifest' ? { ...f, bytes: text('{"revision": "r8", "roots": ["app"]}') } : f));
    const e = await rejects(readBundle(await writeArchive(tampered), { verification: verification() }));
    expect(e.code).toBe('bundle_signature_error');
    expect(e.file).toBe('.manifest');
  });

  it('refuses a file added after signing, naming it', async () => {
    const e = await rejects(readBundle(await writeArchive([...signed, ...files({ 'app/extra.gate': 'package app.extra' })]), { verification: verification() }));
    expect(e.code).toBe('bundle_signature_error');
    expect(e.file).toBe('app/extra.gate');
  });

  it('checks the signature before the manifest and data: tampered data outside the roots is a signature failure', async () => {
    const tampered = signed.map((f) => (f.path === 'data.json' ? { ...f, bytes: text('{"elsewhere": true}') } : f));
    const e = await rejects(readBundle(await writeArchive(tampered), { verification: verification() }));
    expect(e.code).toBe('bundle_signature_error');
    expect(e.file).toBe('data.json');
  });

  it('refuses a signed data file that no longer parses, naming it (its canonical hash cannot be computed)', async () => {
    const tampered = signed.map((f) => (f.path === 'data.json' ? { ...f, bytes: text('{broken') } : f));
    const e = await rejects(readBundle(await writeArchive(tampered), { verification: verification() }));
    expect(e.code).toBe('bundle_data_error');
    expect(e.message).toMatch(/^data\.json: invalid JSON/);
  });

  it('refuses a wrong key', async () => {
    const other = await generateKeys('ES256');
    const e = await rejects(readBundle(await writeArchive(signed), { verification: { ...verification(), key: other.publicKey! } }));
    expect(e.code).toBe('bundle_signature_error');
  });
});

describe('readBundle without a verification key', () => {
  it('reads a signed bundle without checking it: no signer', async () => {
    const opened = await openBundle(await writeArchive(signed));
    expect(opened.bundle.signer).toBeUndefined();
    expect(opened.signed).toBe(true);
    expect(opened.signatures && str(opened.signatures)).toContain('"signatures"');
    expect(opened.entries.map((f) => f.path)).toEqual(['.manifest', '.signatures.json', 'data.json', 'app/rbac/data.json', 'app/rbac/policy.gate', 'README.md']);
  });
});
