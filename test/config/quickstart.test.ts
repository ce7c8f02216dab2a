import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { activateBundle } from '../../src/bundle/activate.js';
import { readBundleDir } from '../../src/bundle/read.js';
import { ConfigError, hashApiKey, QUICKSTART_API_KEY, quickstartConfig } from '../../src/config/index.js';

// The built-in quickstart configuration, and that the reference policies it points
// at let its API key use the models it is meant to show.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('hashApiKey', () => {
  it('is sha256:<hex> of the key, as sha256sum prints it', () => {
    // printf %s abc | sha256sum
    expect(hashApiKey('abc')).toBe('sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashApiKey(QUICKSTART_API_KEY)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('quickstartConfig', () => {
  const upstream = 'http://127.0.0.1:4010';
  const config = quickstartConfig({ upstream, packageRoot: ROOT });

  it('listens locally, reads the reference policies and fronts the mock upstream', () => {
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.bundle.source).toBe(join(ROOT, 'policies'));
    expect(config.bundle.verification).toBeUndefined();
    expect(config.connections.map((c) => [c.name, c.prefix, c.protocol, c.upstream, c.policy])).toEqual([
      ['openai', '/openai', 'openai', upstream, 'railgate.chat'],
      ['anthropic', '/anthropic', 'anthropic', upstream, 'railgate.chat'],
    ]);
  });

  it('knows one API key, stored hashed, and no anonymous callers', () => {
    expect(QUICKSTART_API_KEY).toBe('rg-quickstart-key');
    expect(config.identity.apiKeys).toEqual([
      { id: 'quickstart', hash: hashApiKey('rg-quickstart-key'), groups: ['engineering'], email: 'quickstart@example.com', claims: { team: 'quickstart' } },
    ]);
    expect(config.identity.oidc).toBeUndefined();
    expect(config.identity.anonymous).toBeUndefined();
    expect(JSON.stringify(config)).not.toContain('rg-quickstart-key');
  });

  it('takes overrides, validated like a file', () => {
    expect(quickstartConfig({ upstream, packageRoot: ROOT, overrides: { listen: '127.0.0.1:0' } }).listen.port).toBe(0);
    expect(() => quickstartConfig({ upstream, packageRoot: ROOT, overrides: { listen: 'x' } })).toThrow(ConfigError);
    expect(() => quickstartConfig({ upstream: 'not a url', packageRoot: ROOT })).toThrow(/connections\[0\]\.upstream must be an http\(s\) base URL/);
  });

  it("lets the quickstart key's groups use the base models through the reference policies", async () => {
    const active = await activateBundle(await readBundleDir(config.bundle.source));
    const key = config.identity.apiKeys[0]!;
    const decide = (connection: (typeof config.connections)[number], model: string, operation: string) =>
      active.evaluate(connection.policy.split('.'), {
        user: { id: key.id, email: key.email, groups: key.groups, auth: 'api_key', claims: key.claims },
        connection: { name: connection.name, protocol: connection.protocol },
        operation,
        model,
        stream: false,
        texts: ['Say hello.'],
        tokens: { prompt: 3, max_completion: 100 },
      }) as { deny?: unknown[]; approval?: unknown[] };
    const [openai, anthropic] = config.connections as [typeof config.connections[0], typeof config.connections[0]];
    for (const [conn, model, op] of [
      [openai, 'gpt-4.1-mini', 'chat'],
      [openai, 'gpt-4o-mini', 'chat'],
      [anthropic, 'claude-3-5-haiku', 'messages'],
      [anthropic, 'claude-sonnet-4', 'messages'],
    ] as const) {
      const d = decide(conn, model, op);
      expect([model, d.deny ?? []]).toEqual([model, []]);
      expect([model, d.approval ?? []]).toEqual([model, []]);
    }
    // a premium model shows the approval decision
    expect(decide(openai, 'gpt-4.1', 'chat').approval).toHaveLength(1);
  });
});
