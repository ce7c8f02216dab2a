import { describe, expect, it } from 'vitest';
import { activateBundle } from '../../src/bundle/activate.js';
import { BundleError } from '../../src/bundle/errors.js';
import type { Bundle, BundleFile } from '../../src/bundle/types.js';

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

  it('refuses a source that is not UTF-8', async () => {
    const b: Bundle = { manifest: { revision: 'r', roots: [''] }, data: {}, files: [{ path: 'a.gate', bytes: new Uint8Array([0x70, 0xff, 0xfe]) }] };
    await expect(activateBundle(b)).rejects.toMatchObject({ code: 'bundle_policy_error', file: 'a.gate' });
  });
});
