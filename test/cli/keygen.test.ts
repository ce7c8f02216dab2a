import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, fixture } from './run.js';

let dir: string;
let cleanup: () => void;
const at = (...p: string[]): string => join(dir, ...p);
const mode = (p: string): number => statSync(p).mode & 0o777;

beforeAll(() => {
  ({ dir, cleanup } = fixture({ 'src/app.gate': 'package app\n\nallow := true\n' }));
});
afterAll(() => cleanup());

describe('railgate keygen', () => {
  it('writes a private key (0600) and a public key that sign and verify a bundle', async () => {
    const r = await cli(['keygen', '--alg', 'ES256', '-o', at('k')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${at('k.pem')} (ES256 private key: sign with it, keep it secret) and ${at('k.pub.pem')} (public key: verify with it)\n`);
    expect(readFileSync(at('k.pem'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(readFileSync(at('k.pub.pem'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(mode(at('k.pem'))).toBe(0o600);
    const built = await cli(['build', at('src'), '-o', at('b.tar.gz'), '--signing-key', at('k.pem'), '--signing-alg', 'ES256']);
    expect(built.code).toBe(0);
    const verified = await cli(['verify', at('b.tar.gz'), '--verification-key', at('k.pub.pem')]);
    expect(verified.stdout).toMatch(/^verified: .* alg ES256\n$/);
  });

  it('writes an HMAC secret (0600) for HS* that signs and verifies', async () => {
    const r = await cli(['keygen', '--alg', 'HS256', '-o', at('h')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${at('h.secret')} (HS256 secret: signs and verifies; keep it secret)\n`);
    expect(readFileSync(at('h.secret'), 'utf8')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(mode(at('h.secret'))).toBe(0o600);
    await cli(['build', at('src'), '-o', at('h.tar.gz'), '--signing-key', at('h.secret'), '--signing-alg', 'HS256']);
    expect((await cli(['verify', at('h.tar.gz'), '--verification-key', at('h.secret')])).code).toBe(0);
  });

  it('refuses to overwrite without --force (exit 2), and overwrites with it, tightening the mode', async () => {
    writeFileSync(at('x.pem'), 'old', { mode: 0o644 });
    const r = await cli(['keygen', '--alg', 'EdDSA', '-o', at('x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`railgate: ${at('x.pem')} already exists\n  hint: pass --force to overwrite, or choose another -o prefix\n`);
    expect(readFileSync(at('x.pem'), 'utf8')).toBe('old');
    const forced = await cli(['keygen', '--alg', 'EdDSA', '-o', at('x'), '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(at('x.pem'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(mode(at('x.pem'))).toBe(0o600);
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['keygen', '-o', at('y')])).stderr).toContain("required option '--alg <alg>' not specified");
    const badAlg = await cli(['keygen', '--alg', 'none', '-o', at('y')]);
    expect(badAlg.code).toBe(2);
    expect(badAlg.stderr).toContain('Allowed choices are');
    const noDir = await cli(['keygen', '--alg', 'ES256', '-o', at('nodir', 'k')]);
    expect(noDir.code).toBe(2);
    expect(noDir.stderr).toContain('cannot write');
  });
});
