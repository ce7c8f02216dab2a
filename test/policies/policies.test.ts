import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Module } from '../../src/lang/ast.js';
import { formatDiagnostic, type Diagnostic } from '../../src/lang/diagnostics.js';
import { parseModule } from '../../src/lang/parse.js';
import { compile, type PolicySet } from '../../src/compiler/index.js';
import { runTests } from '../../src/tester/runner.js';
import { builtinLibrary } from '../../src/runtime/classifiers/index.js';
import { fromJSON, toJSON, type Value } from '../../src/runtime/value.js';

// The reference policies are what users copy, so they are held to their own tests
// through the same pipeline `railgate test` uses (parse → compile → tests() →
// evaluate), and the chat decision is checked directly on realistic requests.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const POLICIES = join(ROOT, 'policies');

function gateFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...gateFiles(p));
    else if (name.endsWith('.gate')) out.push(p);
  }
  return out;
}

interface Loaded {
  policy?: PolicySet;
  diagnostics: Diagnostic[];
  sources: Map<string, string>;
}

function load(files: readonly string[]): Loaded {
  const sources = new Map<string, string>();
  const modules: Module[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    const name = relative(ROOT, file);
    const text = readFileSync(file, 'utf8');
    sources.set(name, text);
    const r = parseModule(text, name);
    diagnostics.push(...r.diagnostics);
    if (r.module) modules.push(r.module);
  }
  const c = compile(modules);
  diagnostics.push(...c.diagnostics);
  return { ...(c.policy ? { policy: c.policy } : {}), diagnostics, sources };
}

function errors(l: Loaded): string[] {
  return l.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d, l.sources));
}

/** Sets come out of toJSON as arrays; compare them as multisets of JSON texts. */
function asSet(v: unknown): string[] {
  expect(Array.isArray(v), `expected a set, got ${JSON.stringify(v)}`).toBe(true);
  return (v as unknown[]).map((x) => JSON.stringify(sortKeys(x))).sort();
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

function setOf(...items: unknown[]): string[] {
  return items.map((x) => JSON.stringify(sortKeys(x))).sort();
}

describe('reference policies', () => {
  let all: Loaded;
  beforeAll(() => {
    all = load(gateFiles(POLICIES));
  });

  it('parse and compile without errors, tests included', () => {
    expect(errors(all)).toEqual([]);
    expect(all.policy).toBeDefined();
  });

  it('compile without their tests, as a bundle would ship them', () => {
    const shipped = load(gateFiles(POLICIES).filter((f) => !f.endsWith('_test.gate')));
    expect(errors(shipped)).toEqual([]);
  });

  it('pass every one of their test rules', () => {
    const policy = all.policy!;
    const tests = policy.tests();
    const report = runTests(tests, { evaluate: (t) => policy.evaluate([...t.path]) });
    const bad = report.results
      .filter((r) => r.status === 'fail' || r.status === 'error')
      .map((r) => `${r.name} (${r.file}:${r.line}): ${r.status}${r.error ? ` ${r.error.code}: ${r.error.message}` : ''}`);
    expect(bad).toEqual([]);
    // Guards against tests silently disappearing (a renamed package, a parse change).
    expect(report.summary.passed).toBeGreaterThanOrEqual(60);
    expect(report.summary.skipped).toBeGreaterThanOrEqual(2);
    const packages = new Set(report.results.map((r) => r.name.split('.').slice(0, -1).join('.')));
    expect([...packages].sort()).toEqual([
      'data.railgate.chat_test',
      'data.railgate.embeddings_test',
      'data.railgate.lib.groups_test',
      'data.railgate.lib.sensitive_test',
    ]);
  });

  it('sort every built-in classifier into a category of lib/sensitive.gate', () => {
    // A classifier added to the library must be added to a category, or the chat
    // policy would neither deny nor redact what it finds.
    const policy = all.policy!;
    const category = (name: string): string[] => (toJSON(policy.evaluate(['railgate', 'lib', 'sensitive', name])!) as string[]).sort();
    const library = builtinLibrary().names();
    expect(category('secrets')).toEqual(library.filter((n) => n.startsWith('secret.')));
    expect(category('pii')).toEqual(library.filter((n) => n.startsWith('pii.')));
  });

  it('have tests that can fail: a broken policy fails some of them', () => {
    // Swap the research and default caps: the max_tokens tests must notice.
    const files = gateFiles(POLICIES);
    const sources = new Map<string, string>();
    const modules: Module[] = [];
    for (const file of files) {
      let text = readFileSync(file, 'utf8');
      if (file.endsWith(join('policies', 'chat.gate'))) text = text.replace('max_tokens := 8192 if', 'max_tokens := 4096 if');
      const r = parseModule(text, relative(ROOT, file));
      sources.set(relative(ROOT, file), text);
      if (r.module) modules.push(r.module);
    }
    const c = compile(modules);
    const policy = c.policy!;
    const report = runTests(policy.tests(), { evaluate: (t) => policy.evaluate([...t.path]) });
    const failed = report.results.filter((r) => r.status === 'fail').map((r) => r.name.split('.').pop());
    expect(failed).toContain('test_research_gets_the_largest_cap');
  });
});

// ---------------------------------------------------------------- the chat decision

function chatInput(over: { groups?: string[]; model?: string; texts?: string[]; auth?: string; claims?: object; promptTokens?: number }): unknown {
  return {
    user: { id: 'u-77', email: 'sam@example.com', groups: over.groups ?? ['engineering'], auth: over.auth ?? 'oidc', claims: over.claims ?? { team: 'growth' } },
    connection: { name: 'openai', protocol: 'openai' },
    operation: 'chat',
    model: over.model ?? 'gpt-4.1-mini',
    stream: true,
    texts: over.texts ?? ['You are a helpful assistant.', 'Write a haiku about autumn.'],
    tokens: { prompt: over.promptTokens ?? 25, max_completion: 4096 },
    request: { method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: {} },
    source: { ip: '10.1.2.3' },
    time: { now_ns: 1767225600000000000, rfc3339: '2026-01-01T00:00:00Z' },
  };
}

describe('data.railgate.chat on realistic requests', () => {
  let policy: PolicySet;
  beforeAll(() => {
    const l = load(gateFiles(POLICIES).filter((f) => !f.endsWith('_test.gate')));
    expect(errors(l)).toEqual([]);
    policy = l.policy!;
  });

  function decide(input: unknown): Record<string, unknown> {
    const v = policy.evaluate(['railgate', 'chat'], { input: fromJSON(input) });
    expect(v).toBeDefined();
    return toJSON(v!) as Record<string, unknown>;
  }

  it('allows a plain request with the group cap, budgets and response masks', () => {
    const d = decide(chatInput({}));
    expect(d['deny']).toEqual([]);
    expect(d['approval']).toEqual([]);
    expect(d['redact']).toEqual([]);
    expect(d['max_tokens']).toBe(2048);
    expect(d['record']).toBe('full');
    expect(asSet(d['quota'])).toEqual(
      setOf(
        { name: 'user-daily-tokens', key: 'u-77', limit: 200000, window: '24h', unit: 'tokens' },
        { name: 'team-daily-tokens', key: 'growth', limit: 2000000, window: '24h', unit: 'tokens' },
        { name: 'user-requests-per-minute', key: 'u-77', limit: 60, window: '1m', unit: 'requests' },
      ),
    );
    const masks = asSet(d['mask']);
    expect(masks).toContain(JSON.stringify({ classifier: 'pii.credit_card', replacement: '[CARD]' }));
    expect(masks).toContain(JSON.stringify({ action: 'block', classifier: 'secret.private_key' }));
    expect(masks).toContain(JSON.stringify({ classifier: 'codename', replacement: '[CODENAME]' }));
  });

  it('redacts contact details and records only metadata', () => {
    const text = 'Draft a reply to lena.fischer@example.de and copy +1 (415) 555-0132 on it.';
    const d = decide(chatInput({ texts: ['You are a helpful assistant.', text] }));
    expect(d['deny']).toEqual([]);
    expect(asSet(d['redact'])).toEqual(
      setOf({ classifier: 'pii.email', replacement: '[EMAIL]' }, { classifier: 'pii.phone', replacement: '[PHONE]' }),
    );
    expect(d['record']).toBe('metadata');
  });

  it('denies a credential naming the classifier, never the value', () => {
    const key = 'AKIAQYLPMN5HFIQR7XZA';
    const d = decide(chatInput({ texts: [`export AWS_ACCESS_KEY_ID=${key}`] }));
    expect(d['deny']).toEqual(['prompt contains a credential (secret.aws_access_key): remove it, and rotate it']);
    expect(JSON.stringify(d)).not.toContain(key);
  });

  it('denies a model outside the caller’s groups and holds premium ones for approval', () => {
    expect(decide(chatInput({ groups: ['support'], model: 'claude-opus-4' }))['deny']).toEqual(['model claude-opus-4 is not enabled for your groups']);
    const held = decide(chatInput({ groups: ['engineering'], model: 'gpt-4.1' }));
    expect(held['deny']).toEqual([]);
    expect(held['approval']).toEqual([
      { reason: 'gpt-4.1 is a premium model: a research lead approves its use outside research', approvers: ['ml-leads'], ttl: '15m' },
    ]);
    const research = decide(chatInput({ groups: ['ml-research'], model: 'gpt-4.1' }));
    expect(research['approval']).toEqual([]);
    expect(research['max_tokens']).toBe(8192);
  });

  it('denies anonymous callers and charges no team budget without a team claim', () => {
    const anon = decide(chatInput({ auth: 'anonymous', groups: [], claims: {} }));
    expect(anon['deny']).toEqual(['anonymous callers may not use chat models: sign in or use an API key']);
    expect(asSet(anon['quota']).map((q) => (JSON.parse(q) as { name: string }).name)).toEqual(['user-daily-tokens', 'user-requests-per-minute']);
  });

  it('denies prompts over the token limit', () => {
    expect(decide(chatInput({ promptTokens: 50000 }))['deny']).toEqual(['prompt has 50000 tokens; the limit is 32000']);
  });
});
