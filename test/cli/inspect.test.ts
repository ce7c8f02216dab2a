import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeArchive } from '../../src/bundle/archive.js';
import { buildBundle } from '../../src/bundle/build.js';
import { generateKeys } from '../../src/bundle/keygen.js';
import { cli, fixture } from './run.js';

let dir: string;
let cleanup: () => void;
const at = (...p: string[]): string => join(dir, ...p);
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

beforeAll(async () => {
  const es = await generateKeys('ES256');
  ({ dir, cleanup } = fixture({
    'src/app/rbac.gate': 'package app.rbac\n\nallow := input.x == 1\n',
    'src/lib/util.gate': 'package lib.util\n\nf(x) := x\n',
    'roles.json': '{"app": {"roles": {}}}',
    'es.pub.pem': es.publicKey!,
    'policy.wasm': '\0asm\u0001\0\0\0',
  }));
  const signed = await buildBundle({
    paths: [at('src')],
    revision: 'r5',
    roots: ['app', 'lib'],
    dataFiles: [at('roles.json')],
    metadata: { owner: 'platform' },
    wasm: { module: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), entrypoints: ['app/rbac/allow'] },
    signing: { key: es.privateKey, alg: 'ES256', keyId: 'ci', scope: 'prod' },
  });
  writeFileSync(at('signed.tar.gz'), signed.bytes);
  writeFileSync(at('unsigned.tar.gz'), (await buildBundle({ paths: [at('src')], revision: 'u1' })).bytes);
  // a bundle another tool wrote: a source that does not parse, a package outside its roots
  writeFileSync(
    at('odd.tar.gz'),
    await writeArchive([
      { path: '.manifest', bytes: enc('{"revision": "odd", "roots": ["app"]}') },
      { path: 'app/broken.gate', bytes: enc('package app.broken\n\nallow if {\n') },
      { path: 'other.rego', bytes: enc('package other\n\nallow := true\n') },
    ]),
  );
});
afterAll(() => cleanup());

describe('railgate inspect', () => {
  it('shows revision, roots, metadata, an unverified signer, files, packages and entrypoints', async () => {
    const r = await cli(['inspect', at('signed.tar.gz')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${at('signed.tar.gz')} \\(\\d+(\\.\\d)? (B|KiB)\\)$`));
    expect(r.stdout).toContain('revision:   r5\n');
    expect(r.stdout).toContain('roots:      "app", "lib"\n');
    expect(r.stdout).toContain('metadata:   {"owner":"platform"}\n');
    expect(r.stdout).toContain('signature:  ES256, key id ci, scope prod (not verified: give --verification-key to check it)\n');
    expect(r.stdout).toMatch(/files \(6\):\n {2}\.manifest +\d+ B\n {2}\.signatures\.json +[\d.]+ (B|KiB)\n {2}data\.json +\d+ B\n {2}app\/rbac\.gate +\d+ B\n {2}lib\/util\.gate +\d+ B\n {2}policy\.wasm +8 B\n/);
    expect(r.stdout).toContain('packages:\n  app.rbac  app/rbac.gate\n  lib.util  lib/util.gate\n');
    expect(r.stdout).toContain('wasm entrypoints:\n  app/rbac/allow  /policy.wasm\n');
  });

  it('marks the signer verified with --verification-key', async () => {
    const r = await cli(['inspect', at('signed.tar.gz'), '--verification-key', at('es.pub.pem'), '--scope', 'prod']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('signature:  ES256, key id ci, scope prod (verified)\n');
  });

  it('exits 1 when the given key does not verify the bundle', async () => {
    const r = await cli(['inspect', at('signed.tar.gz'), '--verification-key', at('es.pub.pem')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('scope mismatch');
  });

  it('--format json gives the same facts as data', async () => {
    const r = await cli(['inspect', at('signed.tar.gz'), '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({
      revision: 'r5',
      roots: ['app', 'lib'],
      metadata: { owner: 'platform' },
      rego_version: null,
      signed: true,
      signature: { alg: 'ES256', key_id: 'ci', scope: 'prod', verified: false, files: 5 },
      packages: [
        { file: 'app/rbac.gate', package: 'app.rbac' },
        { file: 'lib/util.gate', package: 'lib.util' },
      ],
      wasm: [{ entrypoint: 'app/rbac/allow', module: '/policy.wasm' }],
    });
    expect((j['files'] as Array<{ path: string }>).map((f) => f.path)).toEqual([
      '.manifest', '.signatures.json', 'data.json', 'app/rbac.gate', 'lib/util.gate', 'policy.wasm',
    ]);
  });

  it('says when a bundle is unsigned', async () => {
    const r = await cli(['inspect', at('unsigned.tar.gz')]);
    expect(r.stdout).toContain('signature:  none (unsigned)\n');
    expect(r.stdout).toContain('roots:      "" (all of data)\n');
  });

  it('shows packages it cannot read, and packages outside the roots', async () => {
    const r = await cli(['inspect', at('odd.tar.gz'), '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { packages: Array<{ file: string; package: string | null; error?: string }> };
    expect(j.packages[0]).toMatchObject({ file: 'app/broken.gate', package: null });
    expect(j.packages[0]!.error).toMatch(/^\d+:\d+: /);
    expect(j.packages[1]).toEqual({ file: 'other.rego', package: 'other', error: 'outside the bundle roots' });
  });

  it('exit 1 for a file that is not a bundle, 2 for a missing one or stray flags', async () => {
    writeFileSync(at('junk.tar.gz'), 'junk');
    const junk = await cli(['inspect', at('junk.tar.gz')]);
    expect(junk.code).toBe(1);
    expect(junk.stderr).toContain(`railgate: ${at('junk.tar.gz')}: not a gzip file\n  hint: `);
    expect((await cli(['inspect', at('missing.tar.gz')])).code).toBe(2);
    const stray = await cli(['inspect', at('signed.tar.gz'), '--key-id', 'ci']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('need --verification-key');
  });
});
