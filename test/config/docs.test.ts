import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ConfigError, formatConfigError, loadConfig, parseConfig } from '../../src/config/index.js';
import { CONFIG_SCHEMA, type SchemaNode } from '../../src/config/schema.js';

// docs/configuration.md and examples/railgate.yaml must match the code: the
// examples load, every key of the schema is documented, and the error listing is
// what the loader prints.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOC = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
const EXAMPLE = join(ROOT, 'examples', 'railgate.yaml');

const PUBLIC_PEM = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** The variables the examples use, set to realistic values. */
const ENV = {
  OPENAI_API_KEY: 'sk-proj-example',
  ANTHROPIC_API_KEY: 'sk-ant-example',
  VECTOR_STORE_API_KEY: 'vs-example',
  BUNDLE_TOKEN: 'bundle-token',
  BUNDLE_PUBLIC_KEY: PUBLIC_PEM,
  REDIS_URL: 'redis://:example-password@redis.internal:6379/0',
};

function blocks(lang: string): string[] {
  return [...DOC.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

/** A block with both bundle and connections at the top level is a whole configuration. */
function isComplete(block: string): boolean {
  return /^bundle:/m.test(block) && /^connections:/m.test(block);
}

function loads(text: string, file: string): void {
  try {
    parseConfig(text, { file, env: ENV, baseDir: ROOT });
  } catch (e) {
    if (e instanceof ConfigError) throw new Error(formatConfigError(e));
    throw e;
  }
}

describe('examples/railgate.yaml', () => {
  it('loads, with the environment variables it names', async () => {
    const config = await loadConfig(EXAMPLE, { env: ENV });
    expect(config.connections.map((c) => `${c.name} ${c.prefix} ${c.protocol} ${c.policy}`)).toEqual([
      'openai /openai openai railgate.chat',
      'openai-embeddings /openai-embeddings openai railgate.embeddings',
      'anthropic /anthropic anthropic railgate.chat',
      'vectors /vectors http acme.vector_search',
    ]);
    expect(config.bundle.verification).toEqual({ key: PUBLIC_PEM, keyId: 'ci', alg: 'ES256' });
    expect(config.identity.oidc?.issuer).toBe('https://login.example.com/realms/acme');
    expect(config.identity.apiKeys).toHaveLength(2);
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 8080 });
  });

  it('lists in its header every variable it uses', () => {
    const text = readFileSync(EXAMPLE, 'utf8');
    const values = text
      .split('\n')
      .filter((l) => !l.trimStart().startsWith('#'))
      .join('\n');
    const used = new Set([...values.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));
    const header = text.split('\n\n')[0]! + text.split('\n\n')[1]!;
    for (const name of used) expect(header, name).toContain(name);
    expect([...used].sort()).toEqual([...Object.keys(ENV), 'RAILGATE_LISTEN'].sort());
  });

  it('refuses to start when one of them is missing, naming it', async () => {
    const { OPENAI_API_KEY: _, ...rest } = ENV;
    await expect(loadConfig(EXAMPLE, { env: rest })).rejects.toThrow(/uses \$\{OPENAI_API_KEY\}, but that environment variable is not set/);
  });
});

describe('docs/configuration.md', () => {
  it('shows examples/railgate.yaml in full', () => {
    expect(blocks('yaml')).toContain(readFileSync(EXAMPLE, 'utf8'));
  });

  it('has YAML examples that parse, and whole configurations that load', () => {
    const yaml = blocks('yaml');
    expect(yaml.filter(isComplete).length).toBeGreaterThanOrEqual(1);
    yaml.forEach((block, i) => {
      const name = `docs/configuration.md#yaml${i + 1}`;
      expect(parseDocument(block).errors.map((e) => `${name}: ${e.message}`)).toEqual([]);
      if (isComplete(block)) loads(block, name);
    });
  });

  it('documents every key of the schema, with its full path, in a table', () => {
    const missing = schemaKeys(CONFIG_SCHEMA, '').filter((key) => !new RegExp(`^\\| \`${escape(key)}\` \\|`, 'm').test(DOC));
    expect(missing).toEqual([]);
  });

  it('documents no key the schema lacks', () => {
    const known = new Set(schemaKeys(CONFIG_SCHEMA, ''));
    const rows = [...DOC.matchAll(/^\| `([a-z_][a-z_.[\]]*)` \|/gm)].map((m) => m[1]!);
    expect(rows.length).toBeGreaterThan(40);
    expect(rows.filter((k) => !known.has(k))).toEqual([]);
  });

  it("shows the error listing the loader prints for the fixture it describes", () => {
    const fixture = readFileSync(join(ROOT, 'test', 'config', 'fixtures', 'broken.yaml'), 'utf8');
    let printed = '';
    try {
      parseConfig(fixture, { file: 'railgate.yaml', env: {} });
    } catch (e) {
      printed = formatConfigError(e as ConfigError);
    }
    expect(blocks('text')).toContain(printed);
  });
});

/** Every key path: `bundle.verification.key_file`, `connections[].timeouts.connect`. */
function schemaKeys(node: SchemaNode, prefix: string): string[] {
  const out: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    out.push(path);
    out.push(...schemaKeys(child, path));
    if (child.items) out.push(...schemaKeys(child.items, `${path}[]`));
  }
  return out;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
