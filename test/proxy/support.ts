import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { BundleClient } from '../../src/bundle/client.js';
import { hashApiKey, parseConfig, type Config } from '../../src/config/index.js';
import { createAuthenticator } from '../../src/identity/index.js';

// What the proxy tests share: a small policy written to a temp dir (a local bundle
// directory), a railgate.yaml built around a mock upstream, and a log sink the
// tests read to check that nothing secret was logged.

/** The API key clients use (its hash is in the config). */
export const CLIENT_KEY = 'rg-test-client-key-0123456789';
/** An API key of the admin group (admin.groups), for the admin API. */
export const ADMIN_KEY = 'rg-test-admin-key';
/** The upstream credential the proxy injects; the mock refuses requests without it. */
export const UPSTREAM_KEY = 'sk-upstream-secret-abcdef0123456789';

export const TEST_POLICY = `package railgate.test

deny contains "the prompt uses a forbidden word" if {
	some t in input.texts
	contains(lower(t), "forbidden")
}

# the proxy must strip credentials before the policy sees the headers
deny contains "credential headers reached the policy" if {
	some name, _ in input.request.headers
	name in {"authorization", "x-api-key", "cookie", "proxy-authorization"}
}

# echoes parts of the input document back as a reason, for tests of its shape
deny contains sprintf("input: %s %s %s %s %v %d %s %s", [input.user.id, input.user.auth, input.connection.name, input.connection.protocol, input.stream, input.tokens.prompt, input.request.method, input.request.path]) if {
	input.model == "inspect-input"
}

deny contains sprintf("max_completion %d", [input.tokens.max_completion]) if {
	input.model == "inspect-cap"
}

approval contains {"reason": "premium-model is a premium model", "approvers": ["leads"]} if input.model == "premium-model"

default max_tokens := 100

max_tokens_action := "reject" if input.model == "strict-model"

redact contains {"classifier": "pii.email", "replacement": "[EMAIL]"}

mask contains {"classifier": "pii.credit_card", "replacement": "[CARD]"}

mask contains {"classifier": "secret.aws_access_key", "replacement": "[SECRET]"}

mask contains {"classifier": "secret.private_key", "action": "block"}

# a rule naming a classifier nobody declared: a policy error at request time
mask contains {"classifier": concat(".", ["no", "such"])} if input.model == "unknown-classifier"

# two values for one complete rule: an evaluation (conflict) error
boom := 1 if input.model == "boom"

boom := 2 if input.model == "boom"
`;

export const CARD = '4111 1111 1111 1111';
export const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
export const PRIVATE_KEY = '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----';

export function tempDir(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'railgate-proxy-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export interface TestConfigOptions {
  bundle: string;
  mockUrl: string;
  deadUrl?: string;
  headersTimeout?: string;
  bodyTimeout?: string;
  bodyLimit?: string;
  /** extra connection entries (YAML, indented as list items under connections) */
  extraConnections?: string;
}

export function testConfig(o: TestConfigOptions): Config {
  const yaml = `
listen: 127.0.0.1:0
bundle:
  source: ${o.bundle}
identity:
  api_keys:
    - id: svc-test
      hash: ${hashApiKey(CLIENT_KEY)}
      groups: [engineering]
      email: svc@example.com
    - id: ops
      hash: ${hashApiKey(ADMIN_KEY)}
      groups: [platform-admins]
connections:
  - name: openai
    prefix: /openai
    protocol: openai
    upstream: ${o.mockUrl}
    policy: railgate.test
    headers:
      Authorization: Bearer ${UPSTREAM_KEY}
    body_limit: ${o.bodyLimit ?? '64kb'}
    timeouts:
      connect: 2s
      headers: ${o.headersTimeout ?? '5s'}
      body: ${o.bodyTimeout ?? '5s'}
  - name: anthropic
    prefix: /anthropic
    protocol: anthropic
    upstream: ${o.mockUrl}
    policy: railgate.test
    headers:
      x-api-key: ${UPSTREAM_KEY}
    body_limit: ${o.bodyLimit ?? '64kb'}
${o.deadUrl !== undefined ? `  - name: dead
    prefix: /dead
    protocol: openai
    upstream: ${o.deadUrl}
    policy: railgate.test
    timeouts:
      connect: 2s
` : ''}${o.extraConnections ?? ''}
quota:
  store: memory
admin:
  groups: [platform-admins]
log:
  level: info
`;
  return parseConfig(yaml, { file: 'test.yaml', env: {} });
}

/** A started bundle client for the config's source (first poll done, no timers). */
export async function startBundles(config: Config): Promise<BundleClient> {
  const bundles = new BundleClient({ source: config.bundle.source, polling: { minDelayMs: 60_000, maxDelayMs: 120_000 } });
  await bundles.start({ keepPolling: false });
  return bundles;
}

export function authenticatorFor(config: Config): ReturnType<typeof createAuthenticator> {
  return createAuthenticator(config.identity);
}

/** A writable that keeps every log line, for asserting what was (not) logged. */
export function logSink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer | string, _enc, done) {
        chunks.push(chunk.toString());
        done();
      },
    }),
    text: () => chunks.join(''),
  };
}

export const auth = { authorization: `Bearer ${CLIENT_KEY}` };

/** Polls until `condition` holds; fails if it never does within `limitMs` (a bound on the wait, not an assertion about time). */
export async function waitFor(condition: () => boolean, limitMs = 10_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`condition not met within ${limitMs} ms`);
    await delay(10);
  }
}
