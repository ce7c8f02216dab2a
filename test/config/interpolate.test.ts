import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatConfigError } from '../../src/config/index.js';
import { expand } from '../../src/config/interpolate.js';
import { configError, conn, doc, issueAt, parse, SECTIONS } from './helpers.js';

// ${ENV} interpolation: the syntax, where it applies, how a reference becomes a
// number, and that a value from the environment never appears in an error.

describe('expand', () => {
  const env = { A: 'alpha', EMPTY: '', PORT: '9090', REF: '${A}' };
  it.each([
    ['${A}', 'alpha'],
    ['x-${A}-y', 'x-alpha-y'],
    ['${A}${A}', 'alphaalpha'],
    ['${UNSET:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${A:-fallback}', 'alpha'],
    ['${UNSET:-with spaces and : colons}', 'with spaces and : colons'],
    ['${UNSET:-}', ''],
    ['${EMPTY}', ''],
    ['$${A}', '${A}'],
    ['$$${A}', '$${A}'],
    ['cost: $5 or $$', 'cost: $5 or $$'],
    ['$A and $', '$A and $'],
    ['${REF}', '${A}'],
    ['plain', 'plain'],
  ])('%s → %s', (input, out) => {
    const r = expand(input, env);
    expect(r.ok && r.text).toBe(out);
  });

  it('records which variables were used, but not those whose default was taken', () => {
    const r = expand('${A} ${UNSET:-d} ${EMPTY:-e} ${PORT:-1}', env);
    expect(r.ok && r.used).toEqual(['A', 'PORT']);
  });

  it.each([
    ['${UNSET}', /uses \$\{UNSET\}, but that environment variable is not set/],
    ['${U1} ${U2} ${U1}', /uses \$\{U1\}, \$\{U2\}, but those environment variables are not set/],
    ['${A', /no closing \}/],
    ['${}', /invalid reference/],
    ['${1A}', /invalid reference/],
    ['${A-default}', /invalid reference/],
    ['${A:?error}', /invalid reference/],
    ['${A B}', /invalid reference/],
  ])('%s is an error', (input, message) => {
    const r = expand(input, env);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});

describe('interpolation in a configuration', () => {
  it('replaces references in string values anywhere in the document', () => {
    const text = doc({
      listen: 'listen: ${HOST:-127.0.0.1}:${PORT}',
      connections: [
        'connections:',
        '  - name: openai',
        '    protocol: openai',
        '    upstream: ${OPENAI_BASE:-https://api.openai.com}/v1',
        '    policy: railgate.chat',
        '    headers: {authorization: "Bearer ${OPENAI_API_KEY}", x-literal: "$${NOT_A_VAR}"}',
      ].join('\n'),
      identity: 'identity:\n  anonymous:\n    id: guest\n    groups: ["${TEAM}", static]',
    });
    const c = parse(text, { env: { PORT: '9000', OPENAI_API_KEY: 'sk-test-123', TEAM: 'ml-research' } });
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(c.connections[0]!.upstream).toBe('https://api.openai.com/v1');
    expect({ ...c.connections[0]!.upstreamHeaders }).toEqual({ authorization: 'Bearer sk-test-123', 'x-literal': '${NOT_A_VAR}' });
    expect(c.identity.anonymous).toEqual({ id: 'guest', groups: ['ml-research', 'static'] });
  });

  it('never interpolates keys', () => {
    const text = doc({ connections: conn('headers:', '  "${HEADER}": x') });
    const e = configError(text, { env: { HEADER: 'x-api-key' } });
    expect(issueAt(e, 'connections[0].headers["${HEADER}"]').message).toMatch(/is not a valid header name/);
  });

  it('does not expand references inside a value that came from the environment', () => {
    const c = parse(doc({ connections: conn('headers: {x-token: "${TOKEN}"}') }), { env: { TOKEN: '${OTHER}', OTHER: 'leak' } });
    expect(c.connections[0]!.upstreamHeaders['x-token']).toBe('${OTHER}');
  });

  it('turns a reference into a number where the schema takes a number', () => {
    const c = parse(doc({ extra: 'evaluation:\n  max_steps: ${MAX_STEPS}' }), { env: { MAX_STEPS: '5000' } });
    expect(c.evaluation.maxSteps).toBe(5000);
  });

  it('turns a reference into a boolean where the schema takes a boolean', () => {
    const text = doc({ identity: `identity:\n  api_keys: [{id: ci, hash: "sha256:${'a'.repeat(64)}"}]\n  anonymous: \${ALLOW_ANONYMOUS:-false}` });
    expect(parse(text).identity.anonymous).toBeUndefined();
    const e = configError(text, { env: { ALLOW_ANONYMOUS: 'true' } });
    expect(issueAt(e, 'identity.anonymous').message).toBe(
      'identity.anonymous must be false (no anonymous access) or a mapping {id, groups}, got the value of ${ALLOW_ANONYMOUS} (not shown)',
    );
  });

  it('keeps text where the schema takes text, sizes and durations included', () => {
    const c = parse(doc({ connections: conn('body_limit: ${LIMIT}', 'timeouts: {connect: "${CONNECT}"}') }), {
      env: { LIMIT: '1048576', CONNECT: '2s' },
    });
    expect(c.connections[0]!.bodyLimitBytes).toBe(1048576);
    expect(c.connections[0]!.timeouts.connectMs).toBe(2000);
  });

  it('reports every unset variable, each at its key', () => {
    const text = doc({
      listen: 'listen: ${LISTEN}',
      connections: conn('headers:', '  authorization: Bearer ${OPENAI_API_KEY}'),
    });
    const e = configError(text);
    expect(e.issues.map((i) => [i.path, i.line])).toEqual([
      ['listen', 1],
      ['connections[0].headers.authorization', 12],
    ]);
    expect(e.issues[1]!.hint).toBe('set OPENAI_API_KEY in the environment, or give a default: ${OPENAI_API_KEY:-value}');
  });
});

describe('secrets never appear in errors', () => {
  const SECRET = 'sk-live-Zq8vX3nP0tR6wY1u';

  function everything(e: ReturnType<typeof configError>): string {
    return `${e.message}\n${formatConfigError(e)}\n${JSON.stringify(e.issues)}\n${e.stack ?? ''}`;
  }

  it('a wrong-typed value from the environment is named by its variable', () => {
    const e = configError(doc({ extra: 'evaluation:\n  max_steps: ${STEPS}' }), { env: { STEPS: SECRET } });
    expect(issueAt(e, 'evaluation.max_steps').message).toBe(
      'evaluation.max_steps must be a whole number from 1 to 1000000000, got the value of ${STEPS} (not shown)',
    );
    expect(everything(e)).not.toContain(SECRET);
  });

  it('a header value with a line break from the environment', () => {
    const e = configError(doc({ connections: conn('headers: {authorization: "Bearer ${KEY}"}') }), {
      env: { KEY: `${SECRET}\n` },
    });
    expect(issueAt(e, 'connections[0].headers.authorization').message).toBe(
      'connections[0].headers.authorization (from ${KEY}) holds a line break or NUL character',
    );
    expect(everything(e)).not.toContain(SECRET);
  });

  it('a literal secret under a secret-bearing key is shown by type only', () => {
    const e = configError(doc({ bundle: 'bundle:\n  source: ./b\n  headers:\n    authorization: [Bearer, sk-live-Zq8vX3nP0tR6wY1u]' }));
    expect(issueAt(e, 'bundle.headers.authorization').message).toBe('bundle.headers.authorization must be a string (quote numbers), got a list (not shown)');
    expect(everything(e)).not.toContain(SECRET);
  });

  it('a verification key that is not a key', () => {
    const e = configError(doc({ bundle: 'bundle:\n  source: ./b\n  verification:\n    key: ${BUNDLE_KEY}' }), { env: { BUNDLE_KEY: SECRET } });
    expect(everything(e)).not.toContain(SECRET);
    expect(issueAt(e, 'bundle.verification.key').message).toMatch(/^bundle\.verification\.key \(from \$\{BUNDLE_KEY\}\) is not a PEM key/);
  });

  // Any value, put through the environment into any key where it is wrong, is
  // reported without being repeated.
  const KEYS: [string, (ref: string) => string][] = [
    ['listen', (ref) => doc({ listen: `listen: ${ref}` })],
    ['evaluation.max_steps', (ref) => doc({ extra: `evaluation:\n  max_steps: ${ref}` })],
    ['evaluation.timeout', (ref) => doc({ extra: `evaluation:\n  timeout: ${ref}` })],
    ['log.level', (ref) => doc({ extra: `log:\n  level: ${ref}` })],
    ['connections[0].upstream', (ref) => doc({ connections: SECTIONS.connections.replace('https://api.openai.com', ref) })],
    ['connections[0].prefix', (ref) => doc({ connections: `${SECTIONS.connections}\n    prefix: ${ref}` })],
    ['connections[0].protocol', (ref) => doc({ connections: SECTIONS.connections.replace('protocol: openai', `protocol: ${ref}`) })],
    ['connections[0].body_limit', (ref) => doc({ connections: `${SECTIONS.connections}\n    body_limit: ${ref}` })],
    ['connections[0].timeouts.connect', (ref) => doc({ connections: `${SECTIONS.connections}\n    timeouts: {connect: "${ref}"}` })],
    ['identity.oidc.issuer', (ref) => doc({ identity: `identity:\n  oidc: {issuer: "${ref}", audience: a}` })],
    ['identity.oidc.algorithms[0]', (ref) => doc({ identity: `identity:\n  oidc: {issuer: "https://idp.example", audience: a, algorithms: ["${ref}"]}` })],
    ['identity.api_keys[0].hash', (ref) => doc({ identity: `identity:\n  api_keys: [{id: a, hash: "${ref}"}]` })],
    ['bundle.verification.key', (ref) => doc({ bundle: `bundle:\n  source: ./b\n  verification: {key: "${ref}"}` })],
  ];

  it('for any value in any key', () => {
    fc.assert(
      fc.property(
        // a secret-looking token: never a valid duration, size, URL, port, level or hash
        fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{11,40}$/).filter((s) => !/^(openai|anthropic|http|debug|info|warn|error|silent)$/.test(s)),
        fc.constantFrom(...KEYS),
        fc.constantFrom('${SECRET}', 'x${SECRET}', '${SECRET}1'),
        (secret, [path, build], ref) => {
          const e = configError(build(ref), { env: { SECRET: secret } });
          const i = issueAt(e, path);
          expect(i.message).toContain('${SECRET}');
          expect(everything(e)).not.toContain(secret);
        },
      ),
      { numRuns: 200 },
    );
  });
});

