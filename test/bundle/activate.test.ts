import { describe, expect, it } from 'vitest';
import { activateBundle } from '../../src/bundle/activate.js';
import { BundleError } from '../../src/bundle/errors.js';
import type { Bundle, BundleFile } from '../../src/bundle/types.js';
import { buildModule } from '../wasm/fixtures/module.js';

const enc = new TextEncoder();

function bundle(files: Record<string, string>, data: Record<string, unknown> = {}, revision = 'r1'): Bundle {
  const list: BundleFile[] = Object.entries(files).map(([path, text]) => ({ path, bytes: enc.encode(text) }));
  return { manifest: { revision, roots: [''] }, files: list, data };
}

describe('activateBundle', () => {
  it('compiles the .gate sources with the bundle data and evaluates through route()', async () => {
    const active = await activateBundle(
      bundle({ 'app/rbac.gate': 'package app.rbac\n\nallow if input.user in data.admins\n' }, { admins: ['alice'] }),
    );
    expect(active.revision).toBe('r1');
    expect(active.route(['app', 'rbac', 'allow'])?.kind).toBe('gate');
    expect(active.evaluate(['app', 'rbac', 'allow'], { user: 'alice' })).toBe(true);
    expect(active.evaluate(['app', 'rbac', 'allow'], { user: 'bob' })).toBeUndefined();
  });

  it('offers the library and the declared classifiers for redaction and masking', async () => {
    const active = await activateBundle(bundle({ 'a.gate': 'package a\n\nclassifier codename {\n\tkeywords ["bluebird"]\n}\n\nb := true\n' }));
    expect(active.classifiers.has('codename')).toBe(true);
    expect(active.classifiers.has('pii.email')).toBe(true);
    expect(active.classifiers.scan('project bluebird', ['codename'])).toHaveLength(1);
  });

  it('compiles .rego sources as Rego v1 when no WASM module is listed', async () => {
    const active = await activateBundle(bundle({ 'x.rego': 'package x\n\ny := 1 + 1\n' }));
    expect(active.evaluate(['x', 'y'], undefined)).toBe(2);
  });

  it('ignores files that are not policy sources', async () => {
    const active = await activateBundle(bundle({ 'a.gate': 'package a\n\nb := true\n', 'README.md': '# not a policy {' }));
    expect(active.evaluate(['a', 'b'], {})).toBe(true);
  });

  it('is frozen: a revision cannot be changed after activation', async () => {
    const active = await activateBundle(bundle({ 'a.gate': 'package a\n\nb := true\n' }));
    expect(Object.isFrozen(active)).toBe(true);
    expect(Object.isFrozen(active.evaluators)).toBe(true);
  });

  it('refuses a bundle whose sources do not compile, naming the file and line', async () => {
    const err = await activateBundle(bundle({ 'bad.gate': 'package a\n\nb := undefined_fn(1)\n' }, {}, 'r9')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleError);
    expect((err as BundleError).code).toBe('bundle_policy_error');
    expect((err as BundleError).file).toBe('bad.gate');
    expect((err as BundleError).message).toMatch(/revision "r9" does not compile \(1 error\): bad\.gate:3/);
  });

  it('refuses a package outside the manifest roots, naming the file', async () => {
    const b = bundle({ 'ok.gate': 'package app.x\n\na := 1\n', 'other.gate': 'package billing\n\nb := 1\n' });
    b.manifest.roots = ['app'];
    await expect(activateBundle(b)).rejects.toMatchObject({ code: 'bundle_manifest_error', file: 'other.gate', message: expect.stringMatching(/package billing is outside/) });
    b.manifest.roots = ['app', 'billing'];
    expect((await activateBundle(b)).evaluate(['billing', 'b'], {})).toBe(1);
  });

  it('refuses a source that is not UTF-8', async () => {
    const b: Bundle = { manifest: { revision: 'r', roots: [''] }, data: {}, files: [{ path: 'a.gate', bytes: new Uint8Array([0x70, 0xff, 0xfe]) }] };
    await expect(activateBundle(b)).rejects.toMatchObject({ code: 'bundle_policy_error', file: 'a.gate' });
  });
});

describe('activateBundle with policy.wasm', () => {
  async function wasmBundle(entrypoints: string[], extra: Record<string, string> = {}): Promise<Bundle> {
    const b = bundle(extra, { grants: ['editor'] }, 'w1');
    b.files.push({ path: 'policy.wasm', bytes: await buildModule() });
    b.manifest.wasm = entrypoints.map((entrypoint) => ({ entrypoint, module: '/policy.wasm' }));
    return b;
  }

  it('routes the manifest entrypoints to the module and everything else to the .gate packages', async () => {
    const active = await activateBundle(await wasmBundle(['app/rbac/allow'], { 'gate.gate': 'package gate\n\nok := count(data.grants)\n' }));
    expect(active.route(['app', 'rbac', 'allow'])?.kind).toBe('wasm');
    expect(active.evaluate(['app', 'rbac', 'allow'], { role: 'editor' })).toBe(true);
    expect(active.evaluate(['app', 'rbac', 'allow'], { role: 'viewer' })).toBe(false);
    expect(active.route(['gate', 'ok'])?.kind).toBe('gate');
    expect(active.evaluate(['gate', 'ok'], {})).toBe(1);
  });

  it('does not compile .rego sources that the module evaluates', async () => {
    const active = await activateBundle(await wasmBundle(['app/rbac/allow'], { 'app/rbac.rego': 'package app.rbac\n\nallow if { input.role in data.grants; v0 syntax would not parse here anyway {' }));
    expect(active.evaluate(['app', 'rbac', 'allow'], { role: 'editor' })).toBe(true);
  });

  it('refuses a manifest entrypoint the module does not export, as a bundle error', async () => {
    await expect(activateBundle(await wasmBundle(['app/rbac/deny']))).rejects.toMatchObject({
      code: 'bundle_wasm_error',
      file: 'policy.wasm',
      message: expect.stringMatching(/app\/rbac\/deny/),
    });
  });

  it('refuses a manifest that names a module the bundle lacks', async () => {
    const b = bundle({}, {}, 'w2');
    b.manifest.wasm = [{ entrypoint: 'a/b', module: '/policy.wasm' }];
    await expect(activateBundle(b)).rejects.toMatchObject({ code: 'bundle_wasm_error', file: '.manifest' });
  });

  it('refuses bytes that are not a WebAssembly module', async () => {
    const b = bundle({}, {}, 'w3');
    b.files.push({ path: 'policy.wasm', bytes: enc.encode('not wasm') });
    b.manifest.wasm = [{ entrypoint: 'a/b', module: '/policy.wasm' }];
    await expect(activateBundle(b)).rejects.toMatchObject({ code: 'bundle_wasm_error', file: 'policy.wasm' });
  });
});
