import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/identity/index.js';
import { cli, railgate } from './run.js';

// `railgate api-key hash|generate`: the hash is SHA-256 of the key, the key is read
// from standard input by preference, and a generated key authenticates against a
// config holding its hash.

const sha256 = (s: string): string => `sha256:${createHash('sha256').update(s, 'utf8').digest('hex')}`;

describe('railgate api-key hash', () => {
  it('reads one key from standard input (its line ending dropped)', async () => {
    for (const stdin of ['rg-secret-value', 'rg-secret-value\n', 'rg-secret-value\r\n']) {
      const r = await cli(['api-key', 'hash'], {}, stdin);
      expect(r).toEqual({ code: 0, stdout: `${sha256('rg-secret-value')}\n`, stderr: '' });
    }
  });

  it('--format json', async () => {
    const r = await cli(['api-key', 'hash', '--format', 'json'], {}, 'k');
    expect(JSON.parse(r.stdout)).toEqual({ hash: sha256('k') });
  });

  it('takes the key as an argument too, with a note about shell history', async () => {
    const r = await cli(['api-key', 'hash', 'rg-arg-key']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${sha256('rg-arg-key')}\n`);
    expect(r.stderr).toBe('railgate: note: a key given as an argument stays in shell history and is visible to other users in the process list; prefer standard input\n');
  });

  it('no key, or more than one line: exit 2 with a hint', async () => {
    const none = await cli(['api-key', 'hash'], {}, '');
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe('railgate: no key on standard input\n  hint: pipe it in, e.g. `printf %s "$KEY" | railgate api-key hash`, or `railgate api-key hash < key.txt`\n');
    const two = await cli(['api-key', 'hash'], {}, 'a\nb\n');
    expect(two.code).toBe(2);
    expect(two.stderr).toBe('railgate: standard input holds more than one line; give one key per call\n');
  });
});

describe('railgate api-key generate', () => {
  it('prints a random key and its hash on two lines, and says which is which on stderr', async () => {
    const r = await cli(['api-key', 'generate']);
    expect(r.code).toBe(0);
    const [key, hash, rest] = r.stdout.split('\n');
    expect(key).toMatch(/^rg-[A-Za-z0-9_-]{43}$/);
    expect(hash).toBe(sha256(key!));
    expect(rest).toBe('');
    expect(r.stderr).toBe(
      'railgate: line 1 is the key: give it to the client, it is not stored anywhere; line 2 is its hash: put it in railgate.yaml (identity.api_keys[].hash)\n',
    );
    const again = await cli(['api-key', 'generate']);
    expect(again.stdout.split('\n')[0]).not.toBe(key);
  });

  it('--prefix and --format json', async () => {
    const r = await cli(['api-key', 'generate', '--prefix', 'ci_', '--format', 'json']);
    const out = JSON.parse(r.stdout) as { key: string; hash: string };
    expect(out.key).toMatch(/^ci_[A-Za-z0-9_-]{43}$/);
    expect(out.hash).toBe(sha256(out.key));
    expect(r.stderr).toBe('');
    expect((await cli(['api-key', 'generate', '--prefix', ''])).stdout).toMatch(/^[A-Za-z0-9_-]{43}\n/);
  });

  it('refuses a prefix that would make the key awkward to send', async () => {
    const r = await cli(['api-key', 'generate', '--prefix', 'a b']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('railgate: --prefix must be at most 32 letters, digits, "-" or "_", got "a b"\n');
  });

  it('a generated key authenticates against a config holding its hash', async () => {
    const [key, hash] = (await cli(['api-key', 'generate'])).stdout.split('\n');
    const a = createAuthenticator({ apiKeys: [{ id: 'svc', hash: hash!, groups: ['svc'], claims: {} }] });
    expect(await a.authenticate({ authorization: `Bearer ${key}` })).toEqual({ id: 'svc', groups: ['svc'], auth: 'api_key', claims: {} });
    expect(await a.authenticate({ 'x-api-key': key })).toMatchObject({ id: 'svc' });
    await a.close();
  });
});

describe('help', () => {
  it('the group and its commands explain themselves with examples', async () => {
    const group = await cli(['api-key', '--help']);
    expect(group.code).toBe(0);
    expect(group.stdout).toContain('hash [options] [key]');
    expect(group.stdout).toContain('generate [options]');
    expect(group.stdout).toContain('Examples:\n  railgate api-key generate\n');
    const hash = await cli(['api-key', 'hash', '--help']);
    expect(hash.stdout).toContain('printf %s "$KEY" | railgate api-key hash');
    const gen = await cli(['api-key', 'generate', '--help']);
    expect(gen.stdout).toContain('--prefix <prefix>');
    expect(gen.stdout).toContain('(default: "rg-")');
  });
});

describe('as a process', { timeout: 120_000 }, () => {
  it('hashes what is piped to standard input', async () => {
    const r = await railgate(['api-key', 'hash'], tmpdir(), {}, 'piped-key\n');
    expect(r).toEqual({ code: 0, stdout: `${sha256('piped-key')}\n`, stderr: '' });
  });
});
