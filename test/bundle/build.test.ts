import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle, BundleBuildError, type BuildOptions } from '../../src/bundle/build.js';
import { BundleError } from '../../src/bundle/errors.js';
import { generateKeys } from '../../src/bundle/keygen.js';
import { readBundle } from '../../src/bundle/read.js';
import { str } from './tar-fixtures.js';

const REPO = join(dirname(new URL(import.meta.url).pathname), '..', '..');

const RBAC = `package app.rbac

default allow := false

allow if {
	some role in data.app.roles[input.user]
	role == "admin"
}
`;

const RBAC_TEST = `package app.rbac_test

import data.app.rbac

test_alice_is_admin_from_data if {
	rbac.allow with input as {"user": "alice"}
}

test_bob_is_not if {
	not rbac.allow with input as {"user": "bob"}
}

todo_test_later if {
	false
}
`;

const LIB = `package lib.util

double(x) := 2 * x
`;

let root: string;
const at = (...p: string[]): string => join(root, ...p);

function tree(dir: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

async function refused(opts: BuildOptions): Promise<BundleError> {
  try {
    await buildBundle(opts);
  } catch (e) {
    expect(e).toBeInstanceOf(BundleError);
    return e as BundleError;
  }
  throw new Error('the build was not refused');
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'railgate-build-'));
  tree(at('app'), { 'rbac.gate': RBAC, 'rbac_test.gate': RBAC_TEST, 'lib/util.gate': LIB, '.hidden/x.gate': 'not a policy', 'notes.md': '# notes' });
  tree(at('data'), {
    'roles.json': '{"app": {"roles": {"alice": ["admin"], "bob": ["guest"]}}}',
    'limits.yaml': 'app:\n  limits:\n    max: 3\n',
    'broken.json': '{\n  "app": 1,\n}',
  });
  tree(at('bad'), { 'bad.gate': 'package app.bad\n\nallow if {\n\tinput.user == "x"\n\ty > 1\n}\n' });
  tree(at('other'), { 'rbac.gate': RBAC.replace('app.rbac', 'app.other') });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const withData = (extra: Partial<BuildOptions> = {}): BuildOptions => ({ paths: [at('app')], dataFiles: [at('data/roles.json')], ...extra });

describe('buildBundle', () => {
  it('builds the reference policies, leaving their tests out, and reads back', async () => {
    const r = await buildBundle({ paths: [join(REPO, 'policies')] });
    expect(r.files.map((f) => f.path)).toEqual(['.manifest', 'data.json', 'chat.gate', 'embeddings.gate', 'lib/groups.gate', 'lib/sensitive.gate']);
    expect(r.tests!.passed).toBeGreaterThan(10);
    expect(r.tests!.failed).toBe(0);
    const b = await readBundle(r.bytes);
    expect(b.manifest).toEqual(r.manifest);
    expect(b.files.map((f) => f.path)).toEqual(r.files.slice(1).map((f) => f.path));
    expect(b.data).toEqual({});
  });

  it('keeps paths relative to the directory given, and merges --data into the root data.json', async () => {
    const r = await buildBundle(withData({ dataFiles: [at('data/roles.json'), at('data/limits.yaml')] }));
    expect(r.files.map((f) => f.path)).toEqual(['.manifest', 'data.json', 'lib/util.gate', 'rbac.gate']);
    const b = await readBundle(r.bytes);
    expect(JSON.parse(JSON.stringify(b.data))).toEqual({ app: { roles: { alice: ['admin'], bob: ['guest'] }, limits: { max: 3 } } });
    expect(str(b.files.find((f) => f.path === 'rbac.gate')!.bytes)).toBe(RBAC);
    expect(r.tests).toEqual({ passed: 2, failed: 0, skipped: 1 });
  });

  it('names a single file by its base name', async () => {
    const r = await buildBundle({ paths: [at('app/lib/util.gate')] });
    expect(r.files.map((f) => f.path)).toEqual(['.manifest', 'data.json', 'util.gate']);
  });

  it('is deterministic: the same inputs give the same bytes and revision', async () => {
    const a = await buildBundle(withData());
    const b = await buildBundle(withData());
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    expect(a.manifest.revision).toMatch(/^[0-9a-f]{16}$/);
  });

  it('derives a different revision from different content, and takes --revision verbatim', async () => {
    const a = await buildBundle(withData());
    const b = await buildBundle(withData({ roots: ['app', 'lib'] }));
    const c = await buildBundle(withData({ dataFiles: [at('data/roles.json'), at('data/limits.yaml')] }));
    expect(new Set([a.manifest.revision, b.manifest.revision, c.manifest.revision]).size).toBe(3);
    const v = await buildBundle(withData({ revision: 'v1.2.3' }));
    expect(v.manifest.revision).toBe('v1.2.3');
    expect((await readBundle(v.bytes)).manifest.revision).toBe('v1.2.3');
  });

  it('writes roots and metadata into the manifest', async () => {
    const r = await buildBundle(withData({ roots: ['/app/', 'lib'], metadata: { owner: 'platform' } }));
    expect(r.manifest).toMatchObject({ roots: ['app', 'lib'], metadata: { owner: 'platform' } });
    expect((await readBundle(r.bytes)).manifest).toEqual(r.manifest);
  });

  it('reports progress', async () => {
    const seen: string[] = [];
    await buildBundle(withData({ onProgress: (m) => seen.push(m) }));
    expect(seen).toEqual(['reading 3 policy files', 'compiling 3 policy files', 'running 3 tests']);
  });
});

describe('buildBundle refuses', () => {
  it('policies with an error, carrying every diagnostic with its place and text', async () => {
    const e = await refused({ paths: [at('app'), at('bad')], dataFiles: [at('data/roles.json')] });
    expect(e).toBeInstanceOf(BundleBuildError);
    const b = e as BundleBuildError;
    expect(b.code).toBe('bundle_policy_error');
    expect(b.message).toMatch(/^the policies have 1 error in 1 file; the first: .*bad\.gate:5:2: unsafe_var: /);
    expect(b.diagnostics).toContainEqual(expect.objectContaining({ code: 'unsafe_var', loc: expect.objectContaining({ file: at('bad/bad.gate'), line: 5, col: 2 }) }));
    expect(b.sources.get(at('bad/bad.gate'))).toContain('y > 1');
  });

  it('a failing test, carrying the report; the tests run against the bundled data', async () => {
    // without the roles, test_alice_is_admin_from_data fails
    const e = await refused({ paths: [at('app')] });
    expect(e).toBeInstanceOf(BundleBuildError);
    const b = e as BundleBuildError;
    expect(b.message).toBe(`1 of 3 tests failed: data.app.rbac_test.test_alice_is_admin_from_data (${at('app/rbac_test.gate')}:5)`);
    expect(b.tests?.summary).toMatchObject({ passed: 1, failed: 1, skipped: 1 });
  });

  it('nothing when tests are skipped', async () => {
    const r = await buildBundle({ paths: [at('app')], skipTests: true });
    expect(r.tests).toBeUndefined();
    expect(r.files.map((f) => f.path)).toContain('rbac.gate');
  });

  it('a data file that does not parse, naming file, line and column', async () => {
    const e = await refused(withData({ dataFiles: [at('data/broken.json')] }));
    expect(e.code).toBe('bundle_data_error');
    expect(e.message).toMatch(new RegExp(`^${at('data/broken.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:1: invalid JSON`));
  });

  it('a data file that cannot be read, as an input error', async () => {
    const e = await refused(withData({ dataFiles: [at('data/missing.json')] }));
    expect(e.code).toBe('bundle_io_error');
    expect(e.message).toContain('missing.json: no such file or directory');
  });

  it('a package outside the roots, naming the file', async () => {
    const e = await refused(withData({ roots: ['app'] }));
    expect(e.code).toBe('bundle_manifest_error');
    expect(e.message).toBe(`${at('app/lib/util.gate')}: package lib.util is outside the bundle's roots ["app"]`);
  });

  it('data outside the roots, naming data.json', async () => {
    const e = await refused(withData({ paths: [at('app/rbac.gate')], roots: ['app/rbac'], skipTests: true }));
    expect(e.message).toBe(`data.json: data.app.roles is outside the bundle's roots ["app/rbac"]`);
  });

  it('overlapping roots', async () => {
    expect((await refused(withData({ roots: ['app', 'app/rbac', 'lib'] }))).message).toContain('overlapping roots "app" and "app/rbac"');
  });

  it('two sources that would have the same path in the bundle', async () => {
    const e = await refused({ paths: [at('app'), at('other')], skipTests: true });
    expect(e.message).toBe(`${at('app/rbac.gate')} and ${at('other/rbac.gate')} would both be rbac.gate in the bundle`);
  });

  it('no policies, a data file given as a policy, or a missing path', async () => {
    expect((await refused({ paths: [at('data')] })).message).toContain('no .gate policies found');
    expect((await refused({ paths: [at('data/roles.json')] })).hint).toContain('--data');
    expect((await refused({ paths: [at('nope')] })).code).toBe('bundle_io_error');
  });
});

describe('buildBundle with WASM', () => {
  const module = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

  it('includes policy.wasm and lists its entrypoints in the manifest', async () => {
    const r = await buildBundle(withData({ wasm: { module, entrypoints: ['app/rbac/allow', '/app/rbac/deny'] } }));
    expect(r.manifest.wasm).toEqual([
      { entrypoint: 'app/rbac/allow', module: '/policy.wasm' },
      { entrypoint: 'app/rbac/deny', module: '/policy.wasm' },
    ]);
    const b = await readBundle(r.bytes);
    expect(b.manifest.wasm).toEqual(r.manifest.wasm);
    expect([...b.files.find((f) => f.path === 'policy.wasm')!.bytes]).toEqual([...module]);
  });

  it('refuses a module that is not WebAssembly, or no entrypoints', async () => {
    const notWasm = await refused(withData({ wasm: { module: new TextEncoder().encode('hello world'), entrypoints: ['app/x'] } }));
    expect(notWasm.code).toBe('bundle_wasm_error');
    expect((await refused(withData({ wasm: { module, entrypoints: [] } }))).message).toContain('at least one entrypoint');
    expect((await refused(withData({ wasm: { module, entrypoints: ['app//x'] } }))).message).toContain('is not a path');
  });
});

describe('buildBundle signed', () => {
  it('signs every file (.manifest included) so that the bundle verifies', async () => {
    const k = await generateKeys('ES256');
    const r = await buildBundle(withData({ signing: { key: k.privateKey, alg: 'ES256', keyId: 'ci', scope: 'prod' } }));
    expect(r.files.map((f) => f.path).slice(0, 2)).toEqual(['.manifest', '.signatures.json']);
    const b = await readBundle(r.bytes, { verification: { key: k.publicKey!, keyId: 'ci', scope: 'prod' } });
    expect(b.signer).toMatchObject({ keyId: 'ci', alg: 'ES256', scope: 'prod' });
    expect(b.files.map((f) => f.path)).toEqual(['data.json', 'lib/util.gate', 'rbac.gate']);
  });

  it('signs with an HMAC secret', async () => {
    const k = await generateKeys('HS256');
    const r = await buildBundle(withData({ signing: { key: k.privateKey, alg: 'HS256' } }));
    const b = await readBundle(r.bytes, { verification: { key: k.privateKey } });
    expect(b.signer?.alg).toBe('HS256');
  });

  it('is deterministic when signed with a deterministic algorithm', async () => {
    const k = await generateKeys('EdDSA');
    const opts = withData({ signing: { key: k.privateKey, alg: 'EdDSA' } });
    expect(Buffer.from((await buildBundle(opts)).bytes).equals(Buffer.from((await buildBundle(opts)).bytes))).toBe(true);
  });
});
