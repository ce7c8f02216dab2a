import { describe, expect, it } from 'vitest';
import { formatConfigError } from '../../src/config/index.js';
import { configError, conn, doc, issueAt, lineOf, SECTIONS, type Sections } from './helpers.js';

// Every kind of mistake a railgate.yaml can hold, each checked for the key path it
// names, the line it points at, and what its message says.


const twoConns = (a: string[], b: string[]): string =>
  ['connections:', ...[a, b].flatMap((c) => c.map((l, i) => `${i === 0 ? '  - ' : '    '}${l}`))].join('\n');

const http = (...lines: string[]): string =>
  ['connections:', '  - name: vectors', '    protocol: http', '    upstream: http://vectors:6333', '    policy: acme.vectors', ...lines.map((l) => `    ${l}`)].join('\n');

const oidc = (...lines: string[]): string => ['identity:', '  oidc:', ...lines.map((l) => `    ${l}`)].join('\n');

const verification = (...lines: string[]): string =>
  ['bundle:', '  source: https://bundles.example.com/chat.tar.gz', '  verification:', ...lines.map((l) => `    ${l}`)].join('\n');

interface Case {
  name: string;
  sections: Sections;
  env?: Record<string, string>;
  /** the key path the problem names */
  path: string;
  /** a text on the line the problem points at ('' for none) */
  at: string;
  /** the line, where `at` is not unique */
  line?: number;
  message: RegExp;
}

const CASES: Case[] = [
  {
    name: 'unknown key, with the closest key suggested',
    sections: { connections: conn('upstrem: https://api.openai.com') },
    path: 'connections[0].upstrem',
    at: 'upstrem:',
    message: /^unknown key connections\[0\]\.upstrem \(did you mean upstream\?\)$/,
  },
  {
    name: 'unknown top-level key',
    sections: { extra: 'evaluaton:\n  timeout: 1s' },
    path: 'evaluaton',
    at: 'evaluaton:',
    message: /^unknown key evaluaton \(did you mean evaluation\?\)$/,
  },
  {
    name: 'a camelCase key suggests its snake_case spelling',
    sections: { connections: conn('bodyLimit: 1mb') },
    path: 'connections[0].bodyLimit',
    at: 'bodyLimit',
    message: /\(did you mean body_limit\?\)/,
  },
  {
    name: 'an unknown key with nothing close gets no suggestion',
    sections: { connections: conn('colour: blue') },
    path: 'connections[0].colour',
    at: 'colour',
    message: /^unknown key connections\[0\]\.colour$/,
  },
  {
    name: 'a duration of the wrong type',
    sections: { connections: conn('timeouts:', '  connect: true') },
    path: 'connections[0].timeouts.connect',
    at: 'connect: true',
    message: /^connections\[0\]\.timeouts\.connect must be a duration like 5s or 250ms, got true$/,
  },
  {
    name: 'a duration without a unit',
    sections: { connections: conn('timeouts: {headers: "5"}') },
    path: 'connections[0].timeouts.headers',
    at: 'timeouts:',
    message: /^connections\[0\]\.timeouts\.headers must be a duration like 5s or 250ms, got "5" \(a number needs a unit: ms, s, m or h\)$/,
  },
  {
    name: 'a duration written as a bare number',
    sections: { connections: conn('timeouts:', '  connect: 5') },
    path: 'connections[0].timeouts.connect',
    at: 'connect: 5',
    message: /^connections\[0\]\.timeouts\.connect must be a duration like 5s or 250ms, got 5 \(a number needs a unit: ms, s, m or h\)$/,
  },
  {
    name: 'a duration with an unknown unit',
    sections: { extra: 'evaluation:\n  timeout: 5x' },
    path: 'evaluation.timeout',
    at: 'timeout: 5x',
    message: /^evaluation\.timeout must be a duration like 5s or 250ms, got "5x"$/,
  },
  {
    name: 'a duration past its bound',
    sections: { extra: 'evaluation:\n  timeout: 1m' },
    path: 'evaluation.timeout',
    at: 'timeout: 1m',
    message: /^evaluation\.timeout must be at most 10s, got "1m"$/,
  },
  {
    name: 'a duration longer than a timer can wait',
    sections: { connections: conn('timeouts:', '  body: 1000h') },
    path: 'connections[0].timeouts.body',
    at: 'body: 1000h',
    message: /longer than 24 days/,
  },
  {
    name: 'a trusted proxy that is not an address or a range',
    sections: { extra: 'trusted_proxies: [10.0.0.0/8, lb.internal, 10.0.0.1/33]' },
    path: 'trusted_proxies[1]',
    at: 'trusted_proxies',
    message: /^trusted_proxies\[1\] must be an IP address or a CIDR range like 10\.0\.0\.0\/8, got "lb\.internal"$/,
  },
  {
    name: 'a policies key that is not an operation',
    sections: { connections: conn('policies:', '  embeddings: railgate.embeddings') },
    path: 'connections[0].policies.embeddings',
    at: 'embeddings:',
    message: /unknown key connections\[0\]\.policies\.embeddings \(did you mean embedding\?\)/,
  },
  {
    name: 'a policies value that is not a package path',
    sections: { connections: conn('policies:', '  embedding: railgate/embeddings') },
    path: 'connections[0].policies.embedding',
    at: 'embedding:',
    message: /must be a policy package path like railgate\.chat/,
  },
  {
    name: 'a size that does not parse',
    sections: { connections: conn('body_limit: 4 megabytes') },
    path: 'connections[0].body_limit',
    at: 'body_limit',
    message: /^connections\[0\]\.body_limit must be a size like 4mb or 512kb, or a number of bytes, got "4 megabytes"$/,
  },
  {
    name: 'a size of zero',
    sections: { connections: conn('body_limit: 0') },
    path: 'connections[0].body_limit',
    at: 'body_limit',
    message: /must be a size like 4mb or 512kb, or a number of bytes, got 0$/,
  },
  {
    name: 'a body limit past the bound on buffered bodies',
    sections: { connections: conn('body_limit: 1gb') },
    path: 'connections[0].body_limit',
    at: 'body_limit',
    message: /^connections\[0\]\.body_limit must be at most 100mb, got "1gb"$/,
  },
  {
    name: 'a list where a mapping belongs',
    sections: { connections: conn('timeouts: [5s]') },
    path: 'connections[0].timeouts',
    at: 'timeouts:',
    message: /^connections\[0\]\.timeouts must be a mapping, got a list$/,
  },
  {
    name: 'a missing required key, reported at its mapping',
    sections: { connections: 'connections:\n  - name: openai\n    protocol: openai\n    policy: railgate.chat' },
    path: 'connections[0].upstream',
    at: '- name: openai',
    message: /^missing key connections\[0\]\.upstream$/,
  },
  {
    name: 'an unknown protocol',
    sections: { connections: conn().replace('protocol: openai', 'protocol: grpc') },
    path: 'connections[0].protocol',
    at: 'protocol: grpc',
    message: /^connections\[0\]\.protocol must be one of openai, anthropic, http, got "grpc"$/,
  },
  {
    name: 'two connections with one name',
    sections: { connections: twoConns(['name: openai', 'prefix: /a', 'protocol: openai', 'upstream: https://a.example', 'policy: p'], ['name: openai', 'prefix: /b', 'protocol: openai', 'upstream: https://b.example', 'policy: p']) },
    path: 'connections[1].name',
    at: '- name: openai',
    line: 12,
    message: /^connections\[1\]\.name "openai" is already the name of connections\[0\]$/,
  },
  {
    name: 'two connections on one prefix',
    sections: { connections: twoConns(['name: a', 'prefix: /llm', 'protocol: openai', 'upstream: https://a.example', 'policy: p'], ['name: b', 'prefix: /llm', 'protocol: openai', 'upstream: https://b.example', 'policy: p']) },
    path: 'connections[1].prefix',
    at: 'prefix: /llm',
    line: 13,
    message: /^connections\[1\]\.prefix \/llm is also the prefix of connections\[0\]$/,
  },
  {
    name: 'a prefix under another on a segment boundary',
    sections: { connections: twoConns(['name: a', 'prefix: /openai', 'protocol: openai', 'upstream: https://a.example', 'policy: p'], ['name: b', 'prefix: /openai/v2', 'protocol: openai', 'upstream: https://b.example', 'policy: p']) },
    path: 'connections[1].prefix',
    at: 'prefix: /openai/v2',
    message: /lies under \/openai, the prefix of connections\[0\]: a request to \/openai\/v2\/\.\.\. would match both/,
  },
  {
    name: 'a default prefix (from the name) under a written one',
    sections: { connections: twoConns(['name: a', 'prefix: /openai', 'protocol: openai', 'upstream: https://a.example', 'policy: p'], ['name: openai', 'protocol: openai', 'upstream: https://b.example', 'policy: p']) },
    path: 'connections[1].prefix',
    at: '- name: openai',
    message: /\/openai \(the default, from its name\) is also the prefix of connections\[0\]/,
  },
  {
    name: "a prefix on the proxy's own health path",
    sections: { connections: conn('prefix: /healthz') },
    path: 'connections[0].prefix',
    at: 'prefix:',
    message: /is \/healthz, which the proxy serves itself/,
  },
  {
    name: 'a prefix under the readiness path',
    sections: { connections: conn('prefix: /readyz/llm') },
    path: 'connections[0].prefix',
    at: 'prefix:',
    message: /is \/readyz\/llm, which the proxy serves itself/,
  },
  {
    name: 'a prefix with a trailing slash',
    sections: { connections: conn('prefix: /openai/') },
    path: 'connections[0].prefix',
    at: 'prefix:',
    message: /must be a path prefix like \/openai, got "\/openai\/": it must not end with \//,
  },
  {
    name: 'a prefix without a leading slash',
    sections: { connections: conn('prefix: openai') },
    path: 'connections[0].prefix',
    at: 'prefix:',
    message: /it must start with \//,
  },
  {
    name: 'a prefix with a .. segment',
    sections: { connections: conn('prefix: /a/../b') },
    path: 'connections[0].prefix',
    at: 'prefix:',
    message: /a \. or \.\. segment/,
  },
  {
    name: 'an upstream with a query string',
    sections: { connections: conn().replace('https://api.openai.com', 'https://api.openai.com/?v=1') },
    path: 'connections[0].upstream',
    at: 'upstream:',
    message: /must be an http\(s\) base URL like https:\/\/api\.openai\.com, got "https:\/\/api\.openai\.com\/\?v=1": it has a query string/,
  },
  {
    name: 'an upstream with credentials',
    sections: { connections: conn().replace('https://api.openai.com', 'https://user:pw@api.openai.com') },
    path: 'connections[0].upstream',
    at: 'upstream:',
    message: /it holds credentials/,
  },
  {
    name: 'an upstream that is not http',
    sections: { connections: conn().replace('https://api.openai.com', 'ftp://files.example.com') },
    path: 'connections[0].upstream',
    at: 'upstream:',
    message: /the scheme ftp: is not http or https/,
  },
  {
    name: 'an upstream that is not a URL',
    sections: { connections: conn().replace('https://api.openai.com', 'api.openai.com') },
    path: 'connections[0].upstream',
    at: 'upstream:',
    message: /got "api\.openai\.com": not a URL/,
  },
  {
    name: 'a policy that is not a package path',
    sections: { connections: conn().replace('railgate.chat', 'railgate/chat') },
    path: 'connections[0].policy',
    at: 'policy:',
    message: /^connections\[0\]\.policy must be a policy package path like railgate\.chat, got "railgate\/chat"$/,
  },
  {
    name: 'a connection name with spaces',
    sections: { connections: conn().replace('name: openai', 'name: open ai') },
    path: 'connections[0].name',
    at: 'name: open ai',
    message: /must be a name like openai/,
  },
  {
    name: 'an unset environment variable, named with the key',
    sections: { connections: conn('headers:', '  authorization: Bearer ${OPENAI_API_KEY}') },
    path: 'connections[0].headers.authorization',
    at: 'authorization:',
    message: /^connections\[0\]\.headers\.authorization uses \$\{OPENAI_API_KEY\}, but that environment variable is not set$/,
  },
  {
    name: 'a reference with no closing brace',
    sections: { connections: conn('headers:', '  authorization: Bearer ${OPENAI_API_KEY') },
    path: 'connections[0].headers.authorization',
    at: 'authorization:',
    message: /has a \$\{ with no closing \}/,
  },
  {
    name: 'a reference with an invalid name',
    sections: { listen: 'listen: "${1PORT}"' },
    path: 'listen',
    at: 'listen:',
    message: /^listen has an invalid reference/,
  },
  {
    name: 'protocol http without its http block',
    sections: { connections: http() },
    path: 'connections[0].http',
    at: '- name: vectors',
    message: /^missing key connections\[0\]\.http: protocol http needs the JSON paths of the prompt texts$/,
  },
  {
    name: 'protocol http with no request texts',
    sections: { connections: http('http:', '  request_texts: []') },
    path: 'connections[0].http.request_texts',
    at: 'request_texts',
    message: /must be a non-empty list of JSON paths like \$\.query, got an empty list/,
  },
  {
    name: 'protocol http with its required key missing',
    sections: { connections: http('http:', '  response_texts: [$.text]') },
    path: 'connections[0].http.request_texts',
    at: '    http:',
    message: /^missing key connections\[0\]\.http\.request_texts$/,
  },
  {
    name: 'an http block on another protocol',
    sections: { connections: conn('http:', '  request_texts: [$.query]') },
    path: 'connections[0].http',
    at: 'http:',
    message: /applies only to protocol http, and this connection's protocol is openai/,
  },
  {
    name: 'a JSON path with recursive descent',
    sections: { connections: http('http:', '  request_texts: [$.query, $..text]') },
    path: 'connections[0].http.request_texts[1]',
    at: 'request_texts',
    message: /must be a JSON path like \$\.query or \$\.documents\[\*\]\.text, got "\$\.\.text": recursive descent/,
  },
  {
    name: 'a JSON path without $',
    sections: { connections: http('http:', '  request_texts: [$.query]', '  model: model') },
    path: 'connections[0].http.model',
    at: 'model: model',
    message: /a JSON path starts with \$/,
  },
  {
    name: 'an unknown http operation',
    sections: { connections: http('http:', '  request_texts: [$.query]', '  operation: search') },
    path: 'connections[0].http.operation',
    at: 'operation:',
    message: /must be one of chat, completion, responses, messages, embedding, other, got "search"/,
  },
  {
    name: 'an upstream header the proxy owns',
    sections: { connections: conn('headers:', '  Host: api.openai.com') },
    path: 'connections[0].headers.Host',
    at: 'Host:',
    message: /"Host" is set by the proxy itself/,
  },
  {
    name: 'one header under two spellings',
    sections: { connections: conn('headers:', '  x-api-key: a', '  X-Api-Key: b') },
    path: 'connections[0].headers.X-Api-Key',
    at: 'X-Api-Key',
    message: /sets x-api-key twice/,
  },
  {
    name: 'a header value that is not a string, shown by type only',
    sections: { connections: conn('headers:', '  x-api-key: 12345') },
    path: 'connections[0].headers.x-api-key',
    at: 'x-api-key',
    message: /^connections\[0\]\.headers\.x-api-key must be a string \(quote numbers\), got a whole number \(not shown\)$/,
  },
  {
    name: 'an API key hash that is not sha256',
    sections: { identity: 'identity:\n  api_keys:\n    - id: ci\n      hash: md5:abc' },
    path: 'identity.api_keys[0].hash',
    at: 'hash:',
    message: /must be a key hash like sha256:<64 hex digits>, got "md5:abc"/,
  },
  {
    name: 'an API key hash one digit short',
    sections: { identity: `identity:\n  api_keys:\n    - id: ci\n      hash: sha256:${'a'.repeat(63)}` },
    path: 'identity.api_keys[0].hash',
    at: 'hash:',
    message: /must be a key hash like sha256:<64 hex digits>/,
  },
  {
    name: 'two API keys with one id',
    sections: { identity: `identity:\n  api_keys:\n    - id: ci\n      hash: sha256:${'a'.repeat(64)}\n    - id: ci\n      hash: sha256:${'b'.repeat(64)}` },
    path: 'identity.api_keys[1].id',
    at: '- id: ci',
    line: 8,
    message: /"ci" is already the id of identity\.api_keys\[0\]/,
  },
  {
    name: 'one key hash under two ids',
    sections: { identity: `identity:\n  api_keys:\n    - id: a\n      hash: sha256:${'a'.repeat(64)}\n    - id: b\n      hash: sha256:${'A'.repeat(64)}` },
    path: 'identity.api_keys[1].hash',
    at: `hash: sha256:${'A'.repeat(64)}`,
    message: /is the same as identity\.api_keys\[0\]\.hash/,
  },
  {
    name: 'an API key without a hash',
    sections: { identity: 'identity:\n  api_keys:\n    - id: ci' },
    path: 'identity.api_keys[0].hash',
    at: '- id: ci',
    message: /^missing key identity\.api_keys\[0\]\.hash$/,
  },
  {
    name: 'HS256 among the OIDC algorithms',
    sections: { identity: oidc('issuer: https://login.example.com', 'audience: railgate', 'algorithms: [RS256, HS256]') },
    path: 'identity.oidc.algorithms[1]',
    at: 'algorithms:',
    message: /^identity\.oidc\.algorithms\[1\] is HS256: HMAC-signed tokens are never accepted$/,
  },
  {
    name: 'none among the OIDC algorithms',
    sections: { identity: oidc('issuer: https://login.example.com', 'audience: railgate', 'algorithms:', '  - none') },
    path: 'identity.oidc.algorithms[0]',
    at: '- none',
    message: /is none: unsigned tokens are never accepted/,
  },
  {
    name: 'an unknown OIDC algorithm',
    sections: { identity: oidc('issuer: https://login.example.com', 'audience: railgate', 'algorithms: [RS256, XS1]') },
    path: 'identity.oidc.algorithms[1]',
    at: 'algorithms:',
    message: /must be one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, got "XS1"/,
  },
  {
    name: 'the same OIDC algorithm twice',
    sections: { identity: oidc('issuer: https://login.example.com', 'audience: railgate', 'algorithms: [RS256, RS256]') },
    path: 'identity.oidc.algorithms',
    at: 'algorithms:',
    message: /lists the same value twice/,
  },
  {
    name: 'an OIDC issuer over plain http',
    sections: { identity: oidc('issuer: http://login.example.com', 'audience: railgate') },
    path: 'identity.oidc.issuer',
    at: 'issuer:',
    message: /must be an https URL, got "http:\/\/login\.example\.com": plain http is allowed only for localhost/,
  },
  {
    name: 'a JWKS URI over plain http',
    sections: { identity: oidc('issuer: https://login.example.com', 'audience: railgate', 'jwks_uri: http://keys.example.com/jwks') },
    path: 'identity.oidc.jwks_uri',
    at: 'jwks_uri:',
    message: /plain http is allowed only for localhost/,
  },
  {
    name: 'OIDC without an audience',
    sections: { identity: oidc('issuer: https://login.example.com') },
    path: 'identity.oidc.audience',
    at: 'oidc:',
    message: /^missing key identity\.oidc\.audience$/,
  },
  {
    name: 'an empty audience list',
    sections: { identity: oidc('issuer: https://login.example.com', 'audience: []') },
    path: 'identity.oidc.audience',
    at: 'audience:',
    message: /must be an audience string or a non-empty list of them, got an empty list/,
  },
  {
    name: 'a clock skew that accepts expired tokens',
    sections: { identity: oidc('issuer: https://login.example.com', 'audience: railgate', 'clock_skew: 1h') },
    path: 'identity.oidc.clock_skew',
    at: 'clock_skew:',
    message: /must be at most 5m, got "1h"/,
  },
  {
    name: 'anonymous: true',
    sections: { identity: 'identity:\n  anonymous: true' },
    path: 'identity.anonymous',
    at: 'anonymous:',
    message: /^identity\.anonymous must be false \(no anonymous access\) or a mapping \{id, groups\}, got true$/,
  },
  {
    name: 'no way to recognise callers',
    sections: { identity: 'identity:\n  anonymous: false' },
    path: 'identity',
    at: 'identity:',
    message: /no way to recognise callers is configured/,
  },
  {
    name: 'a verification key given twice',
    sections: { bundle: verification('key: ${KEY}', 'key_file: pub.pem') },
    env: { KEY: 'x' },
    path: 'bundle.verification.key_file',
    at: 'key_file:',
    message: /has both key and key_file; give one of them/,
  },
  {
    name: 'a verification block with no key',
    sections: { bundle: verification('alg: ES256') },
    path: 'bundle.verification',
    at: 'verification:',
    message: /^bundle\.verification needs key or key_file$/,
  },
  {
    name: 'an unknown signing algorithm',
    sections: { bundle: verification('key_file: pub.pem', 'alg: ES999') },
    path: 'bundle.verification.alg',
    at: 'alg:',
    message: /must be one of ES256, ES384, ES512, RS256, .*HS512, got "ES999"/,
  },
  {
    name: 'a key file that does not exist',
    sections: { bundle: verification('key_file: no-such-key.pem') },
    path: 'bundle.verification.key_file',
    at: 'key_file:',
    message: /cannot read the key file .*no-such-key\.pem: no such file/,
  },
  {
    name: 'a key that is a path',
    sections: { bundle: verification('key: ./keys/bundle.pub.pem') },
    path: 'bundle.verification.key',
    at: 'key:',
    message: /looks like a file path, not a key/,
  },
  {
    name: 'a secret without an HMAC algorithm',
    sections: { bundle: verification('key: ${BUNDLE_KEY}', 'alg: ES256') },
    env: { BUNDLE_KEY: 'c2VjcmV0LXRoYXQtaXMtbG9uZy1lbm91Z2gtZm9yLWhzMjU2' },
    path: 'bundle.verification.key',
    at: 'key:',
    message: /\(from \$\{BUNDLE_KEY\}\) is not a PEM key, so it could only be an HMAC secret, and bundle\.verification\.alg is ES256/,
  },
  {
    name: 'an HMAC secret too short for its algorithm',
    sections: { bundle: verification('key: ${BUNDLE_KEY}', 'alg: HS256') },
    env: { BUNDLE_KEY: 'short' },
    path: 'bundle.verification.key',
    at: 'key:',
    message: /the HMAC secret is shorter than 32 bytes/,
  },
  {
    name: 'a PEM block that is not a key',
    sections: { bundle: verification('key: "-----BEGIN PUBLIC KEY-----\\nbm90IGEga2V5\\n-----END PUBLIC KEY-----\\n"') },
    path: 'bundle.verification.key',
    at: 'key:',
    message: /cannot read the verification key/,
  },
  {
    name: 'a bundle URL with credentials',
    sections: { bundle: 'bundle:\n  source: https://ci:secret@bundles.example.com/b.tar.gz' },
    path: 'bundle.source',
    at: 'source:',
    message: /holds credentials/,
  },
  {
    name: 'a bundle source nobody can fetch',
    sections: { bundle: 'bundle:\n  source: s3://bucket/b.tar.gz' },
    path: 'bundle.source',
    at: 'source:',
    message: /has the scheme s3:, which railgate cannot fetch from/,
  },
  {
    name: 'polling bounds the wrong way round',
    sections: { bundle: 'bundle:\n  source: https://b.example/b.tar.gz\n  polling:\n    min_delay: 2m\n    max_delay: 1m' },
    path: 'bundle.polling.min_delay',
    at: 'min_delay:',
    message: /is longer than bundle\.polling\.max_delay/,
  },
  {
    name: 'polling faster than once a second',
    sections: { bundle: 'bundle:\n  source: https://b.example/b.tar.gz\n  polling:\n    min_delay: 10ms' },
    path: 'bundle.polling.min_delay',
    at: 'min_delay:',
    message: /must be at least 1s, got "10ms"/,
  },
  {
    name: 'a missing bundle',
    sections: { bundle: null },
    path: 'bundle',
    at: '',
    message: /^missing key bundle$/,
  },
  {
    name: 'a port out of range',
    sections: { listen: 'listen: 127.0.0.1:70000' },
    path: 'listen',
    at: 'listen:',
    message: /^listen must be an address like 127\.0\.0\.1:8080, :8080 or \[::1\]:8080, got "127\.0\.0\.1:70000": port 70000 is out of range/,
  },
  {
    name: 'a port alone',
    sections: { listen: 'listen: "8080"' },
    path: 'listen',
    at: 'listen:',
    message: /a port alone is not an address \(write :8080/,
  },
  {
    name: 'a listen address that is a number',
    sections: { listen: 'listen: 8080' },
    path: 'listen',
    at: 'listen:',
    message: /^listen must be an address like 127\.0\.0\.1:8080, :8080 or \[::1\]:8080, got 8080$/,
  },
  {
    name: 'an IPv6 listen address without brackets',
    sections: { listen: 'listen: "::1:8080"' },
    path: 'listen',
    at: 'listen:',
    message: /an IPv6 address goes in brackets/,
  },
  {
    name: 'a quoted number where a number belongs (no conversion without a reference)',
    sections: { extra: 'evaluation:\n  max_steps: "5000"' },
    path: 'evaluation.max_steps',
    at: 'max_steps',
    message: /^evaluation\.max_steps must be a whole number from 1 to 1000000000, got "5000"$/,
  },
  {
    name: 'an unknown log level',
    sections: { extra: 'log:\n  level: verbose' },
    path: 'log.level',
    at: 'level:',
    message: /^log\.level must be one of debug, info, warn, error, silent, got "verbose"$/,
  },
  {
    name: 'no connections',
    sections: { connections: 'connections: []' },
    path: 'connections',
    at: 'connections:',
    message: /must be a non-empty list of connections/,
  },
];

describe('configuration errors', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const text = doc(c.sections);
    const e = configError(text, c.env ? { env: c.env } : {});
    const issue = issueAt(e, c.path);
    expect(issue.message).toMatch(c.message);
    expect(issue.file).toBe('railgate.yaml');
    if (c.at === '') expect(issue.line).toBeUndefined();
    else expect(issue.line, `${e.message}\n---\n${text}`).toBe(c.line ?? lineOf(text, c.at));
  });

  it('reports every problem at once, in file order, each with its line', () => {
    const text = doc({
      listen: 'listen: nowhere',
      connections: conn('upstrem: x', 'timeouts: {connect: true, body: 5x}', 'body_limit: lots'),
      extra: 'log:\n  level: loud',
    });
    const e = configError(text);
    expect(e.issues.map((i) => i.path)).toEqual([
      'listen',
      'connections[0].upstrem',
      'connections[0].timeouts.connect',
      'connections[0].timeouts.body',
      'connections[0].body_limit',
      'log.level',
    ]);
    const lines = e.issues.map((i) => i.line!);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
    // the message holds one line per problem, each placed
    expect(e.message.split('\n')).toHaveLength(6);
    expect(e.message.split('\n').every((l) => /^railgate\.yaml:\d+:\d+: /.test(l))).toBe(true);
    // the first problem is also on the error itself
    expect([e.code, e.path, e.file, e.line]).toEqual(['config_error', 'listen', 'railgate.yaml', lineOf(text, 'listen:')]);
  });

  it('places a key in a flow mapping at its column', () => {
    const text = doc({ connections: conn('timeouts: {connect: 5s, body: true}') });
    const issue = issueAt(configError(text), 'connections[0].timeouts.body');
    const line = text.split('\n')[issue.line! - 1]!;
    expect(line.slice(issue.col! - 1)).toMatch(/^body: true/);
  });

  it('reports YAML syntax errors, with their line, before anything else', () => {
    const text = 'listen: 127.0.0.1:8080\nbundle:\n  source: a\n  source: b\nconnections: [\n';
    const e = configError(text);
    expect(e.issues.length).toBeGreaterThanOrEqual(1);
    expect(e.issues.every((i) => i.message.startsWith('invalid YAML: '))).toBe(true);
    expect(e.issues[0]!.line).toBe(4);
    expect(e.issues[0]!.message).toMatch(/unique/);
  });

  it('refuses an empty file and a file that is not a mapping', () => {
    expect(configError('').message).toBe('railgate.yaml: the configuration is empty');
    expect(configError('# nothing\n').message).toBe('railgate.yaml: the configuration is empty');
    expect(configError('- listen: x\n').message).toMatch(/^railgate\.yaml: the configuration must be a mapping of keys \(listen, bundle, identity, connections, evaluation, quota, trusted_proxies, admin, log\), got a list$/);
  });

  it('refuses more than one YAML document', () => {
    expect(configError(`${doc()}---\nlisten: :9\n`).message).toMatch(/invalid YAML/);
  });

  it('bounds YAML alias expansion', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]', 'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]'].join('\n');
    expect(configError(bomb).message).toMatch(/invalid YAML: .*alias/i);
  });

  it('formats problems with their hints for the CLI', () => {
    const e = configError(doc({ connections: conn('upstrem: x', 'headers:', '  authorization: ${K}') }));
    expect(formatConfigError(e)).toBe(
      [
        '2 problems in the configuration:',
        `railgate.yaml:${lineOf(doc({ connections: conn('upstrem: x') }), 'upstrem')}:5: unknown key connections[0].upstrem (did you mean upstream?)`,
        '  hint: the keys allowed in connections[0] are name, prefix, protocol, upstream, headers, policy, policies, timeouts, body_limit, http',
        `railgate.yaml:${lineOf(doc({ connections: conn('upstrem: x', 'headers:', '  authorization: ${K}') }), 'authorization')}:7: connections[0].headers.authorization uses \${K}, but that environment variable is not set`,
        '  hint: set K in the environment, or give a default: ${K:-value}',
        '',
      ].join('\n'),
    );
  });

  it('keeps the other sections of the base valid (the table tests one mistake each)', () => {
    expect(() => configError(doc())).toThrow(/loaded/);
    expect(SECTIONS.connections).toContain('upstream');
  });
});
