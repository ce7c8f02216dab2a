import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeys } from '../../src/bundle/keygen.js';
import { readBundle } from '../../src/bundle/read.js';
import { BAD, RBAC } from './fixtures.js';
import { cli, fixture, railgate, REPO } from './run.js';

let dir: string;
let cleanup: () => void;
const at = (...p: string[]): string => join(dir, ...p);
const bundleAt = async (p: string) => readBundle(new Uint8Array(readFileSync(p)));

const GOOD = `package app.rbac

default allow := false

allow if {
	some role in data.app.roles[input.user]
	role == "admin"
}
`;

const GOOD_TEST = `package app.rbac_test

import data.app.rbac

test_alice_is_admin if {
	rbac.allow with input as {"user": "alice"}
}
`;

beforeAll(async () => {
  const k = await generateKeys('ES256');
  ({ dir, cleanup } = fixture({
    'good/rbac.gate': GOOD,
    'good/rbac_test.gate': GOOD_TEST,
    'roles.json': '{"app": {"roles": {"alice": ["admin"]}}}',
    'claims.json': '{"iss": "ci.example.com"}',
    'bad/bad.gate': BAD,
    'conflict/rbac.gate': RBAC,
    'key.pem': k.privateKey,
    'key.pub.pem': k.publicKey!,
    'policy.wasm': '\0asm\u0001\0\0\0',
  }));
});
afterAll(() => cleanup());

describe('railgate build', () => {
  it('builds, tests and writes the bundle; one summary line', async () => {
    const r = await cli(['build', at('good'), '--data', at('roles.json'), '-o', at('out.tar.gz'), '--revision', 'v1']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^built ${at('out.tar.gz')}: revision v1, 3 files, \\d+ B, unsigned, 1 test passed\\n$`));
    expect(r.code).toBe(0);
    const b = await bundleAt(at('out.tar.gz'));
    expect(b.manifest.revision).toBe('v1');
    expect(b.files.map((f) => f.path)).toEqual(['data.json', 'rbac.gate']);
  });

  it('builds the reference policies', async () => {
    const r = await cli(['build', join(REPO, 'policies'), '-o', at('ref.tar.gz')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/revision [0-9a-f]{16}, 6 files, .* unsigned, \d+ tests passed, 2 skipped\n$/);
  });

  it('signs with --signing-key and reports it', async () => {
    const r = await cli([
      'build', at('good'), '--data', at('roles.json'), '-o', at('signed.tar.gz'),
      '--signing-key', at('key.pem'), '--signing-alg', 'ES256', '--key-id', 'ci', '--scope', 'prod', '--claims-file', at('claims.json'),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('signed (ES256, key id ci)');
    const b = await readBundle(new Uint8Array(readFileSync(at('signed.tar.gz'))), {
      verification: { key: readFileSync(at('key.pub.pem'), 'utf8'), keyId: 'ci', scope: 'prod' },
    });
    expect(b.signer).toMatchObject({ keyId: 'ci', alg: 'ES256', scope: 'prod', iss: 'ci.example.com' });
  });

  it('writes roots, the WASM module and its entrypoints (data.x.y or x/y)', async () => {
    const r = await cli([
      'build', at('good'), '--data', at('roles.json'), '-o', at('wasm.tar.gz'), '--root', 'app',
      '--wasm', at('policy.wasm'), '--entrypoint', 'data.app.rbac.allow', '--entrypoint', 'app/rbac/deny',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const b = await bundleAt(at('wasm.tar.gz'));
    expect(b.manifest.roots).toEqual(['app']);
    expect(b.manifest.wasm).toEqual([
      { entrypoint: 'app/rbac/allow', module: '/policy.wasm' },
      { entrypoint: 'app/rbac/deny', module: '/policy.wasm' },
    ]);
  });

  it('refuses policies with errors: every diagnostic, then the count; exit 1, nothing written', async () => {
    const r = await cli(['build', at('bad'), '-o', at('bad.tar.gz')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${at('bad/bad.gate')}:5:2: unsafe_var: `);
    expect(r.stderr).toContain('\n  \ty > 1\n  \t^\n');
    expect(r.stderr).toContain('railgate: build refused: 1 error in 1 file\n  hint: ');
    expect(() => readFileSync(at('bad.tar.gz'))).toThrow();
  });

  it('refuses when a test fails, listing it; --skip-tests builds anyway', async () => {
    const r = await cli(['build', at('good'), '-o', at('fail.tar.gz')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FAIL   data.app.rbac_test.test_alice_is_admin');
    expect(r.stderr).toContain('railgate: build refused: 1 of 1 test failed\n');
    const skipped = await cli(['build', at('good'), '-o', at('fail.tar.gz'), '--skip-tests']);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain(', tests skipped\n');
  });

  it('refuses a package outside --root with exit 1, naming the file', async () => {
    const r = await cli(['build', at('good'), '--data', at('roles.json'), '-o', at('x.tar.gz'), '--root', 'lib']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`railgate: build refused: ${at('good/rbac.gate')}: package app.rbac is outside the bundle's roots ["lib"]`);
  });

  it('usage errors exit 2', async () => {
    const cases: Array<[string[], string]> = [
      [['build', at('good')], "required option '-o, --output <file>' not specified"],
      [['build', at('good'), '-o', at('x.tar.gz'), '--signing-key', at('key.pem')], '--signing-key needs --signing-alg'],
      [['build', at('good'), '-o', at('x.tar.gz'), '--key-id', 'ci'], '--key-id needs --signing-key'],
      [['build', at('good'), '-o', at('x.tar.gz'), '--entrypoint', 'a/b'], '--entrypoint needs --wasm'],
      [['build', at('good'), '-o', at('x.tar.gz'), '--wasm', at('policy.wasm')], '--wasm needs at least one --entrypoint'],
      [['build', at('nope'), '-o', at('x.tar.gz')], 'no such file or directory'],
      [['build', at('good'), '-o', at('x.tar.gz'), '--data', at('missing.json')], 'missing.json: no such file or directory'],
      [['build', at('good'), '-o', at('x.tar.gz'), '--signing-key', at('nokey.pem'), '--signing-alg', 'ES256'], 'does not exist'],
      [['build', at('good'), '-o', at('x.tar.gz'), '--signing-key', at('key.pem'), '--signing-alg', 'RS256', '--skip-tests'], 'RS256'],
      [['build', at('good'), '-o', join(at('no-such-dir'), 'x.tar.gz'), '--skip-tests'], 'cannot write'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(message);
    }
  });

  it('prints help with examples and exit codes', async () => {
    const r = await cli(['build', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:\n  railgate build policies/ -o bundle.tar.gz');
    expect(r.stdout).toContain('Exit status: 0 built, 1 refused');
  });

  it('as a process: relative paths, the summary on stdout, the refusal on stderr', async () => {
    const ok = await railgate(['build', 'good', '--data', 'roles.json', '-o', 'proc.tar.gz'], dir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^built proc\.tar\.gz: revision [0-9a-f]{16}, 3 files/);
    expect(ok.stderr).toBe('');
    const bad = await railgate(['build', 'bad', '-o', 'bad.tar.gz'], dir);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('bad/bad.gate:5:2: unsafe_var');
  });
});
