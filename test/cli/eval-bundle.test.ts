import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../../src/bundle/build.js';
import { generateKeys } from '../../src/bundle/keygen.js';
import { buildModule } from '../wasm/fixtures/module.js';
import { cli, fixture } from './run.js';

// `railgate eval -b`: a bundle evaluated the way the proxy activates it, .gate
// packages and policy.wasm entrypoints alike.

let dir: string;
let cleanup: () => void;
let publicKey: string;
let otherPublicKey: string;
const at = (...p: string[]): string => join(dir, ...p);

const RBAC = `package app.rbac

default allow := false

allow if "admin" in data.roles[input.user]

levels := [input.user, "x"]
`;

beforeAll(async () => {
  const [keys, other] = await Promise.all([generateKeys('ES256'), generateKeys('ES256')]);
  publicKey = keys.publicKey!;
  otherPublicKey = other.publicKey!;
  ({ dir, cleanup } = fixture({
    'src/rbac.gate': RBAC,
    'roles.json': '{"roles": {"alice": ["admin"]}, "grants": ["editor"]}',
    'alice.json': '{"user": "alice"}',
    'bob.json': '{"user": "bob"}',
    'editor.json': '{"role": "editor"}',
    'key.pub.pem': publicKey,
    'other.pub.pem': otherPublicKey,
  }));
  const signing = { key: keys.privateKey, alg: 'ES256' as const, keyId: 'ci' };
  const gate = await buildBundle({ paths: [at('src')], dataFiles: [at('roles.json')], revision: 'g1', signing });
  writeFileSync(at('gate.tar.gz'), gate.bytes);
  const wasm = await buildBundle({
    paths: [at('src')],
    dataFiles: [at('roles.json')],
    revision: 'w1',
    wasm: { module: await buildModule(), entrypoints: ['app/rbac/allow'] },
    skipTests: true,
  });
  writeFileSync(at('wasm.tar.gz'), wasm.bytes);
});
afterAll(() => cleanup());

describe('railgate eval -b', () => {
  it('evaluates a rule of a .gate bundle with its data; exit 0', async () => {
    expect(await cli(['eval', '-b', at('gate.tar.gz'), '-i', at('alice.json'), 'data.app.rbac.allow'])).toEqual({ code: 0, stdout: 'true\n', stderr: '' });
    expect((await cli(['eval', '-b', at('gate.tar.gz'), '-i', at('bob.json'), 'data.app.rbac.allow'])).stdout).toBe('false\n');
  });

  it('walks into a value from the first array index on', async () => {
    expect((await cli(['eval', '-b', at('gate.tar.gz'), '-i', at('bob.json'), 'data.app.rbac.levels[0]'])).stdout).toBe('"bob"\n');
  });

  it('prints undefined and exits 1 for a path with no value', async () => {
    expect(await cli(['eval', '-b', at('gate.tar.gz'), 'data.app.rbac.nope'])).toEqual({ code: 1, stdout: 'undefined\n', stderr: '' });
  });

  it('runs a query against the bundle', async () => {
    const r = await cli(['eval', '-b', at('gate.tar.gz'), 'some u; data.roles[u]']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ u: 'alice' }]);
  });

  it('verifies the signature first when given a key', async () => {
    const ok = await cli(['eval', '-b', at('gate.tar.gz'), '--verification-key', at('key.pub.pem'), '--key-id', 'ci', '-i', at('alice.json'), 'data.app.rbac.allow']);
    expect(ok).toEqual({ code: 0, stdout: 'true\n', stderr: '' });
    const wrong = await cli(['eval', '-b', at('gate.tar.gz'), '--verification-key', at('other.pub.pem'), 'data.app.rbac.allow']);
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toMatch(/gate\.tar\.gz: bundle_signature_error: /);
  });

  it('refuses an unsigned bundle when a key is given', async () => {
    const r = await cli(['eval', '-b', at('wasm.tar.gz'), '--verification-key', at('key.pub.pem'), 'data.app.rbac.allow']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bundle_unsigned/);
  });

  it('routes a manifest entrypoint to policy.wasm, falsy-safe, and the rest to .gate', async () => {
    expect((await cli(['eval', '-b', at('wasm.tar.gz'), '-i', at('editor.json'), 'data.app.rbac.allow'])).stdout).toBe('true\n');
    // the .gate rule would say false for this input (no user); the module decides from the role
    expect((await cli(['eval', '-b', at('wasm.tar.gz'), '-i', at('bob.json'), 'data.app.rbac.allow'])).stdout).toBe('false\n');
    expect((await cli(['eval', '-b', at('wasm.tar.gz'), '-i', at('bob.json'), 'data.app.rbac.levels'])).stdout).toBe('[\n  "bob",\n  "x"\n]\n');
  });

  it('refuses usage mistakes with exit 2', async () => {
    const both = await cli(['eval', '-b', at('gate.tar.gz'), '-d', at('src'), 'data.app']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either a bundle \(-b\) or policies and data \(-d\)/);
    const keyWithoutBundle = await cli(['eval', '-d', at('src'), '--verification-key', at('key.pub.pem'), 'data.app']);
    expect(keyWithoutBundle.code).toBe(2);
    expect(keyWithoutBundle.stderr).toMatch(/need a bundle \(-b\)/);
    const alg = await cli(['eval', '-b', at('gate.tar.gz'), '--verification-key', at('key.pub.pem'), '--signing-alg', 'none', 'data.app']);
    expect(alg.code).toBe(2);
    expect(alg.stderr).toMatch(/unknown signing algorithm "none"/);
    const missing = await cli(['eval', '-b', at('nope.tar.gz'), 'data.app']);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toMatch(/nope\.tar\.gz: no such file/);
  });

  it('reports a file that is not a bundle without a stack trace', async () => {
    const r = await cli(['eval', '-b', at('alice.json'), 'data.app']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/alice\.json: bundle_archive_error: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
