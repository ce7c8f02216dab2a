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

beforeAll(async () => {
  const es = await generateKeys('ES256');
  const other = await generateKeys('ES256');
  const hs = await generateKeys('HS256');
  ({ dir, cleanup } = fixture({
    'src/app.gate': 'package app\n\nallow := input.x == 1\n',
    'es.pem': es.privateKey,
    'es.pub.pem': es.publicKey!,
    'other.pub.pem': other.publicKey!,
    'hmac.secret': hs.privateKey,
  }));
  const signed = await buildBundle({ paths: [at('src')], revision: 'r9', signing: { key: es.privateKey, alg: 'ES256', keyId: 'ci', scope: 'prod' } });
  writeFileSync(at('signed.tar.gz'), signed.bytes);
  const tampered = signed.files.map((f) => (f.path === 'app.gate' ? { ...f, bytes: new TextEncoder().encode('package app\n\nallow := true\n') } : f));
  writeFileSync(at('tampered.tar.gz'), await writeArchive(tampered));
  writeFileSync(at('unsigned.tar.gz'), (await buildBundle({ paths: [at('src')], revision: 'u' })).bytes);
  writeFileSync(at('hmac.tar.gz'), (await buildBundle({ paths: [at('src')], revision: 'h', signing: { key: hs.privateKey, alg: 'HS256' } })).bytes);
});
afterAll(() => cleanup());

describe('railgate verify', () => {
  it('prints the revision, file count, key id and alg of a bundle that verifies', async () => {
    const r = await cli(['verify', at('signed.tar.gz'), '--verification-key', at('es.pub.pem'), '--scope', 'prod']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('verified: revision r9, 3 files, key id ci, alg ES256, scope prod\n');
    expect(r.code).toBe(0);
  });

  it('accepts the expected alg and key id, and an HMAC secret file', async () => {
    const r = await cli(['verify', at('signed.tar.gz'), '--verification-key', at('es.pub.pem'), '--signing-alg', 'ES256', '--key-id', 'ci', '--scope', 'prod']);
    expect(r.code).toBe(0);
    const h = await cli(['verify', at('hmac.tar.gz'), '--verification-key', at('hmac.secret')]);
    expect(h.stdout).toBe('verified: revision h, 3 files, key id default, alg HS256\n');
  });

  it.each([
    ['tampered.tar.gz', ['--verification-key', 'es.pub.pem', '--scope', 'prod'], 'app.gate: digest mismatch'],
    ['signed.tar.gz', ['--verification-key', 'other.pub.pem', '--scope', 'prod'], 'does not verify'],
    ['signed.tar.gz', ['--verification-key', 'es.pub.pem'], 'scope mismatch'],
    ['signed.tar.gz', ['--verification-key', 'es.pub.pem', '--scope', 'prod', '--key-id', 'other'], 'key id "ci"'],
    ['signed.tar.gz', ['--verification-key', 'es.pub.pem', '--scope', 'prod', '--signing-alg', 'ES384'], 'signed with ES256'],
    ['unsigned.tar.gz', ['--verification-key', 'es.pub.pem'], 'not signed'],
  ])('rejects %s %j with exit 1 and the reason', async (bundle, flags, reason) => {
    const r = await cli(['verify', at(bundle), ...flags.map((f) => (f.endsWith('.pem') ? at(f) : f))]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^railgate: .*${bundle.replace('.', '\\.')}: rejected: .*${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(r.stderr).toContain('  hint: ');
  });

  it('exit 2 for a missing key, a missing bundle or no key at all', async () => {
    const noKey = await cli(['verify', at('signed.tar.gz'), '--verification-key', at('missing.pem')]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('does not exist');
    const noBundle = await cli(['verify', at('missing.tar.gz'), '--verification-key', at('es.pub.pem')]);
    expect(noBundle.code).toBe(2);
    const noFlag = await cli(['verify', at('signed.tar.gz')]);
    expect(noFlag.code).toBe(2);
    expect(noFlag.stderr).toContain("required option '--verification-key <pem|secret>' not specified");
  });
});
