import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, fixture, REPO } from '../cli/run.js';

// bundles/README.md, command by command: the reference policies built into the
// quickstart's signed bundle, verified, inspected and evaluated.

let dir: string;
let cleanup: () => void;
const at = (...p: string[]): string => join(dir, ...p);

beforeAll(() => {
  ({ dir, cleanup } = fixture({
    'request.json': JSON.stringify({
      user: { id: 'u1', groups: ['engineering'], auth: 'api_key', claims: {} },
      connection: { name: 'openai', protocol: 'openai' },
      operation: 'chat',
      model: 'gpt-4.1-mini',
      stream: false,
      texts: ['mail me at jo@example.com'],
      tokens: { prompt: 8 },
    }),
  }));
});
afterAll(() => cleanup());

describe('bundles/README.md: the quickstart bundle', () => {
  it('builds, signs, verifies, inspects and evaluates as documented', async () => {
    expect((await cli(['keygen', '--alg', 'ES256', '-o', at('quickstart')])).code).toBe(0);

    const build = await cli([
      'build', join(REPO, 'policies'),
      '--root', 'railgate',
      '--revision', 'test-rev',
      '--data', join(REPO, 'bundles/quickstart/data.json'),
      '--signing-key', at('quickstart.pem'), '--signing-alg', 'ES256', '--key-id', 'quickstart',
      '-o', at('quickstart.tar.gz'),
    ]);
    expect(build.stderr).toBe('');
    expect(build.code).toBe(0);
    expect(build.stdout).toMatch(/revision test-rev, .* signed \(ES256, key id quickstart\), \d+ tests passed/);

    const verify = await cli(['verify', at('quickstart.tar.gz'), '--verification-key', at('quickstart.pub.pem'), '--key-id', 'quickstart']);
    expect(verify).toMatchObject({ code: 0, stdout: expect.stringMatching(/^verified: revision test-rev, .*key id quickstart, alg ES256/) });

    const inspect = await cli(['inspect', at('quickstart.tar.gz'), '--format', 'json']);
    expect(inspect.code).toBe(0);
    expect(JSON.parse(inspect.stdout)).toMatchObject({ revision: 'test-rev', roots: ['railgate'] });

    const redact = await cli(['eval', '-b', at('quickstart.tar.gz'), '--verification-key', at('quickstart.pub.pem'), '-i', at('request.json'), 'data.railgate.chat.redact']);
    expect(redact.code).toBe(0);
    expect(JSON.parse(redact.stdout)).toEqual([{ classifier: 'pii.email', replacement: '[EMAIL]' }]);

    const data = await cli(['eval', '-b', at('quickstart.tar.gz'), 'data.railgate.bundle.name']);
    expect(data.stdout).toBe('"quickstart"\n');
  });
});
