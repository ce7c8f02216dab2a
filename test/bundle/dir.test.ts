import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../../src/bundle/build.js';
import { readDirFiles } from '../../src/bundle/dir.js';
import { BundleError } from '../../src/bundle/errors.js';
import { generateKeys } from '../../src/bundle/keygen.js';
import { readBundleDir } from '../../src/bundle/read.js';
import { rejects } from './support/errors.js';

const REPO = join(dirname(new URL(import.meta.url).pathname), '..', '..');

let root: string;
const at = (...p: string[]): string => join(root, ...p);

function tree(dir: string, files: Record<string, string | Uint8Array>): string {
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'railgate-dir-'));
  tree(at('unpacked'), {
    '.manifest': '{"revision": "dev", "roots": ["app"]}',
    'data.json': '{"app": {"x": 1}}',
    'app/rbac/data.json': '{"roles": {}}',
    'app/rbac/policy.gate': 'package app.rbac\n\nallow := true\n',
    '.git/config': 'not bundled',
    'app/.cache/junk': 'not bundled',
    'node_modules/x/index.js': 'not bundled',
  });
  tree(at('outside'), { 'secret.gate': 'package secret\n' });
  tree(at('linked'), { 'real/p.gate': 'package p\n' });
  symlinkSync(at('linked/real/p.gate'), at('linked/alias.gate'));
  symlinkSync(at('linked'), at('linked/real/loop'));
  tree(at('escape'), { 'p.gate': 'package p\n' });
  symlinkSync(at('outside/secret.gate'), at('escape/secret.gate'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('readDirFiles', () => {
  it('takes every file except hidden ones and node_modules, .manifest and .signatures.json at the top excepted', async () => {
    const files = await readDirFiles(at('unpacked'));
    expect(files.map((f) => f.path)).toEqual(['.manifest', 'data.json', 'app/rbac/data.json', 'app/rbac/policy.gate']);
  });

  it('follows links inside the directory, once per real directory', async () => {
    const files = await readDirFiles(at('linked'));
    expect(files.map((f) => f.path)).toEqual(['alias.gate', 'real/p.gate']);
  });

  it('refuses a link that leads outside the directory', async () => {
    const e = await rejects(readDirFiles(at('escape')));
    expect(e.code).toBe('bundle_unsafe_entry');
    expect(e.file).toBe('secret.gate');
    expect(e.message).toContain('outside');
  });

  it('refuses a FIFO', async () => {
    const dir = tree(at('fifo'), { 'p.gate': 'package p\n' });
    try {
      execFileSync('mkfifo', [join(dir, 'pipe')]);
    } catch {
      return; // no mkfifo here: nothing to test
    }
    const e = await rejects(readDirFiles(dir));
    expect(e.code).toBe('bundle_unsafe_entry');
    expect(e.message).toBe('pipe: not a regular file; a bundle may hold only files and directories');
  });

  it('applies the per-file, total and entry limits', async () => {
    expect((await rejects(readDirFiles(at('unpacked'), { maxFileBytes: 20 }))).code).toBe('bundle_too_large');
    expect((await rejects(readDirFiles(at('unpacked'), { maxTotalBytes: 60 }))).message).toContain('60-byte limit');
    expect((await rejects(readDirFiles(at('unpacked'), { maxEntries: 3 }))).message).toContain('more than 3 entries');
  });

  it('refuses a path that is not a directory', async () => {
    expect((await rejects(readDirFiles(at('nope')))).code).toBe('bundle_io_error');
    expect((await rejects(readDirFiles(at('unpacked/data.json')))).message).toContain('not a directory');
  });
});

describe('readBundleDir', () => {
  it('reads an unpacked bundle with the same checks as an archive', async () => {
    const b = await readBundleDir(at('unpacked'));
    expect(b.manifest).toEqual({ revision: 'dev', roots: ['app'] });
    expect(JSON.parse(JSON.stringify(b.data))).toEqual({ app: { x: 1, rbac: { roles: {} } } });
    const outside = tree(at('roots'), { '.manifest': '{"roots": ["app"]}', 'lib/data.json': '{}' });
    expect((await rejects(readBundleDir(outside))).message).toBe(`lib/data.json: data.lib is outside the bundle's roots ["app"]`);
  });

  it('reads a directory of plain policies as a bundle without a manifest', async () => {
    const b = await readBundleDir(join(REPO, 'policies'));
    expect(b.manifest).toEqual({ revision: expect.stringMatching(/^[0-9a-f]{16}$/), roots: [''] });
    expect(b.files.map((f) => f.path)).toContain('lib/groups.gate');
  });

  it('verifies a signed bundle unpacked into a directory', async () => {
    const k = await generateKeys('ES256');
    const src = tree(at('src'), { 'p.gate': 'package p\n\nallow := true\n' });
    const built = await buildBundle({ paths: [src], signing: { key: k.privateKey, alg: 'ES256' } });
    const dir = at('signed');
    tree(dir, Object.fromEntries(built.files.map((f) => [f.path, f.bytes])));
    const b = await readBundleDir(dir, { verification: { key: k.publicKey! } });
    expect(b.signer).toMatchObject({ alg: 'ES256' });
    writeFileSync(join(dir, 'extra.gate'), 'package extra\n');
    const e = await rejects(readBundleDir(dir, { verification: { key: k.publicKey! } }));
    expect(e.code).toBe('bundle_signature_error');
    expect(e.file).toBe('extra.gate');
  });
});
