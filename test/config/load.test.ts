import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { configError, doc, issueAt, parse } from './helpers.js';

// Reading configuration files: relative paths against the file's directory, the
// key file, overrides from the command line.

const root = mkdtempSync(join(tmpdir(), 'railgate-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

function dir(name: string): string {
  const d = join(root, name);
  mkdirSync(d, { recursive: true });
  return d;
}

async function loadError(file: string, opts: Parameters<typeof loadConfig>[1] = {}): Promise<ConfigError> {
  try {
    await loadConfig(file, { env: {}, ...opts });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('resolves relative paths against the directory of the file, and reads the key file', async () => {
    const d = dir('relative');
    mkdirSync(join(d, 'keys'));
    writeFileSync(join(d, 'keys', 'bundle.pub.pem'), PUBLIC_PEM);
    const file = join(d, 'railgate.yaml');
    writeFileSync(
      file,
      doc({ bundle: 'bundle:\n  source: ../policies\n  persist_dir: state/bundles\n  verification:\n    key_file: keys/bundle.pub.pem\n    alg: ES256\n    key_id: ci\n    scope: prod' }),
    );
    const c = await loadConfig(file, { env: {} });
    expect(c.bundle).toEqual({
      source: join(root, 'policies'),
      persistDir: join(d, 'state', 'bundles'),
      verification: { key: PUBLIC_PEM, alg: 'ES256', keyId: 'ci', scope: 'prod' },
      polling: { minDelayMs: 1000, maxDelayMs: 2000, timeoutMs: 30_000 },
      headers: {},
    });
  });

  it('keeps a file: URL as a local path and an http URL as it is', async () => {
    expect(parse(doc({ bundle: `bundle:\n  source: file://${join(root, 'b.tar.gz')}` })).bundle.source).toBe(join(root, 'b.tar.gz'));
    const presigned = 'https://bucket.s3.amazonaws.com/b.tar.gz?X-Amz-Signature=abc&X-Amz-Expires=60';
    expect(parse(doc({ bundle: `bundle:\n  source: "${presigned}"` })).bundle.source).toBe(presigned);
  });

  it('reads a key from the environment', () => {
    const c = parse(doc({ bundle: 'bundle:\n  source: ./b\n  verification: {key: "${BUNDLE_PUBLIC_KEY}"}' }), { env: { BUNDLE_PUBLIC_KEY: PUBLIC_PEM } });
    expect(c.bundle.verification).toEqual({ key: PUBLIC_PEM });
  });

  it('accepts a long enough HMAC secret with an HS algorithm', () => {
    const secret = 'c2VjcmV0+/with/slashes/that/is/long/enough==';
    const c = parse(doc({ bundle: 'bundle:\n  source: ./b\n  verification: {key: "${S}", alg: HS256}' }), { env: { S: secret } });
    expect(c.bundle.verification).toEqual({ key: secret, alg: 'HS256' });
  });

  it('refuses a key that does not suit its algorithm, without showing it', () => {
    const e = configError(doc({ bundle: 'bundle:\n  source: ./b\n  verification: {key: "${K}", alg: ES256}' }), { env: { K: rsa } });
    expect(issueAt(e, 'bundle.verification.key').message).toMatch(/^bundle\.verification\.key \(from \$\{K\}\) cannot verify ES256: ES256 needs an EC P-256 key, and the key is an RSA key/);
    expect(e.message).not.toContain('BEGIN');
  });

  it('names the file when it cannot be read', async () => {
    const missing = join(root, 'nope.yaml');
    const e = await loadError(missing);
    expect(e.issues).toEqual([{ file: missing, message: 'cannot read the configuration file: no such file', hint: 'pass the path of your railgate.yaml with --config' }]);
    expect((await loadError(root)).message).toBe(`${root}: cannot read the configuration file: not a regular file`);
  });

  it('refuses a file too large to be a configuration', async () => {
    const big = join(dir('big'), 'railgate.yaml');
    writeFileSync(big, `# ${'x'.repeat(1024 * 1024)}\n`);
    expect((await loadError(big)).message).toMatch(/larger than 1024 KiB/);
  });

  it('names the file as given in every problem', async () => {
    const d = dir('named');
    writeFileSync(join(d, 'railgate.yaml'), doc({ listen: 'listen: nowhere' }));
    const cwd = process.cwd();
    process.chdir(d);
    try {
      const e = await loadError('railgate.yaml');
      expect(e.issues[0]).toMatchObject({ file: 'railgate.yaml', line: 1, col: 1, path: 'listen' });
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('overrides', () => {
  it('replace the keys they name', () => {
    const c = parse(doc({ extra: 'log: {level: warn}' }), { overrides: { listen: ':9999', logLevel: 'debug', bundle: 'https://other.example/b.tar.gz' } });
    expect(c.listen).toEqual({ host: '0.0.0.0', port: 9999 });
    expect(c.log.level).toBe('debug');
    expect(c.bundle.source).toBe('https://other.example/b.tar.gz');
  });

  it('keep the rest of the section they change', () => {
    const c = parse(doc({ bundle: 'bundle:\n  source: https://a.example/b.tar.gz\n  headers: {authorization: Bearer t}' }), { overrides: { bundle: 'https://b.example/b.tar.gz' } });
    expect({ ...c.bundle.headers }).toEqual({ authorization: 'Bearer t' });
  });

  it('supply a key the file leaves out', () => {
    const c = parse(doc({ bundle: null }), { overrides: { bundle: 'https://b.example/b.tar.gz' } });
    expect(c.bundle.source).toBe('https://b.example/b.tar.gz');
  });

  it('resolve a relative path against the working directory, not the file', () => {
    const c = parse(doc({ bundle: 'bundle:\n  source: ./in-file' }), { baseDir: '/etc/railgate', overrides: { bundle: './from-flag' } });
    expect(c.bundle.source).toBe(resolve('from-flag'));
  });

  it('are validated like the key, and a problem names the flag', () => {
    const e = configError(doc(), { overrides: { listen: 'localhost', logLevel: 'loud' } });
    expect(e.issues).toEqual([
      { path: 'listen', flag: '--listen', message: 'listen must be an address like 127.0.0.1:8080, :8080 or [::1]:8080, got "localhost": not host:port' },
      { path: 'log.level', flag: '--log-level', message: 'log.level must be one of debug, info, warn, error, silent, got "loud"' },
    ]);
    expect(e.message).toBe(
      '--listen: listen must be an address like 127.0.0.1:8080, :8080 or [::1]:8080, got "localhost": not host:port\n--log-level: log.level must be one of debug, info, warn, error, silent, got "loud"',
    );
  });

  it('take a verification key file, replacing the key from the file', () => {
    const d = dir('flag-key');
    writeFileSync(join(d, 'ci.pub.pem'), PUBLIC_PEM);
    const text = doc({ bundle: 'bundle:\n  source: ./b\n  verification: {key: "${K}", alg: ES256, key_id: ci}' });
    const cwd = process.cwd();
    process.chdir(d);
    try {
      const c = parse(text, { env: { K: rsa }, overrides: { verificationKey: 'ci.pub.pem' } });
      expect(c.bundle.verification).toEqual({ key: PUBLIC_PEM, alg: 'ES256', keyId: 'ci' });
    } finally {
      process.chdir(cwd);
    }
  });

  it('take a PEM key as text', () => {
    const c = parse(doc(), { overrides: { verificationKey: PUBLIC_PEM } });
    expect(c.bundle.verification).toEqual({ key: PUBLIC_PEM });
  });

  it('never echo a verification key value that is not a file', () => {
    const secret = 'hunter2hunter2hunter2hunter2hunter2';
    const e = configError(doc(), { overrides: { verificationKey: secret } });
    expect(e.issues).toEqual([
      { path: 'bundle.verification.key_file', flag: '--verification-key', message: 'bundle.verification.key_file: cannot read the key file: no such file' },
    ]);
    const shown = configError(doc(), { overrides: { verificationKey: './keys/missing.pem' } });
    expect(shown.message).toContain(resolve('keys/missing.pem'));
  });
});
