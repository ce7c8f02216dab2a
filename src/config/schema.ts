import { SIGNING_ALGS } from '../bundle/keys.js';
import type { Path } from './path.js';

// The JSON Schema of railgate.yaml as written (snake_case keys, durations and sizes
// as text). It checks shape and types only; what needs more than a type (a duration
// that parses, a prefix that does not overlap another) is checked in ./normalise.ts,
// where the values are turned into the camelCase Config. Every object refuses keys
// it does not know, so a typo is an error instead of a silently ignored setting.
//
// Two annotations of our own, registered with ajv in ./validate.ts:
//   x-expected   what the value must be, in words, for error messages
//                ("connections[0].timeouts.connect must be a duration like 5s ...")
//   x-sensitive  the value is a secret: errors give its type, never its text
//
// docs/configuration.md documents every key here; test/config/docs.test.ts walks
// this schema to make sure of it.

export interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  required?: string[];
  items?: SchemaNode;
  enum?: unknown[];
  not?: SchemaNode;
  const?: unknown;
  minLength?: number;
  minItems?: number;
  uniqueItems?: boolean;
  minimum?: number;
  maximum?: number;
  'x-expected'?: string;
  'x-sensitive'?: boolean;
}

const DURATION = 'a duration like 5s or 250ms';

/** a number is accepted only to say that it needs a unit (0 alone is fine) */
function duration(): SchemaNode {
  return { type: ['string', 'number'], 'x-expected': DURATION };
}

function text(expected = 'a non-empty string'): SchemaNode {
  return { type: 'string', minLength: 1, 'x-expected': expected };
}

function object(properties: Record<string, SchemaNode>, required?: string[]): SchemaNode {
  return { type: 'object', properties, additionalProperties: false, ...(required ? { required } : {}) };
}

function stringList(expected: string): SchemaNode {
  return { type: 'array', items: text(), 'x-expected': expected };
}

/** header name → value; values are secrets (API keys), names are checked in normalise */
function headers(): SchemaNode {
  return {
    type: 'object',
    additionalProperties: { type: 'string', 'x-sensitive': true, 'x-expected': 'a string (quote numbers)' },
    'x-expected': 'a mapping of header names to values',
  };
}

const OPERATIONS = ['chat', 'completion', 'responses', 'messages', 'embedding', 'other'];

export const CONFIG_SCHEMA: SchemaNode = object(
  {
    listen: { type: 'string', 'x-expected': 'an address like 127.0.0.1:8080, :8080 or [::1]:8080' },
    bundle: object(
      {
        source: text('a bundle URL (https://...) or the path of a bundle file or directory'),
        verification: object({
          key: { type: 'string', minLength: 1, 'x-sensitive': true, 'x-expected': 'a PEM public key or, with alg HS*, the HMAC secret' },
          key_file: text('the path of a PEM public key file'),
          key_id: text(),
          scope: text(),
          alg: { type: 'string', enum: [...SIGNING_ALGS], 'x-expected': `one of ${SIGNING_ALGS.join(', ')}` },
        }),
        polling: object({ min_delay: duration(), max_delay: duration(), timeout: duration() }),
        persist_dir: text('the path of a directory'),
        headers: headers(),
      },
      ['source'],
    ),
    identity: object({
      oidc: object(
        {
          issuer: text('an https URL like https://login.example.com/realms/acme'),
          audience: {
            type: ['string', 'array'],
            minLength: 1,
            minItems: 1,
            items: text(),
            'x-expected': 'an audience string or a non-empty list of them',
          },
          jwks_uri: text('an https URL'),
          algorithms: { type: 'array', minItems: 1, uniqueItems: true, items: text(), 'x-expected': 'a non-empty list of algorithms like [RS256, ES256]' },
          groups_claim: text('a claim name or dotted path like groups or realm_access.roles'),
          id_claim: text('a claim name or dotted path like sub'),
          email_claim: text('a claim name or dotted path like email'),
          clock_skew: duration(),
          jwks_cache: duration(),
          jwks_refresh_min_interval: duration(),
          timeout: duration(),
        },
        ['issuer', 'audience'],
      ),
      api_keys: {
        type: 'array',
        'x-expected': 'a list of API keys, each {id, hash, groups}',
        items: object(
          {
            id: text(),
            hash: text('a key hash like sha256:<64 hex digits>'),
            groups: stringList('a list of group names'),
            email: text(),
            claims: { type: 'object', additionalProperties: true, 'x-expected': 'a mapping of claim names to values' },
          },
          ['id', 'hash'],
        ),
      },
      anonymous: {
        type: ['boolean', 'object'],
        not: { const: true },
        properties: { id: text(), groups: stringList('a list of group names') },
        additionalProperties: false,
        'x-expected': 'false (no anonymous access) or a mapping {id, groups}',
      },
    }),
    connections: {
      type: 'array',
      minItems: 1,
      'x-expected': 'a non-empty list of connections, each {name, protocol, upstream, policy}',
      items: object(
        {
          name: text('a name like openai (letters, digits, - and _)'),
          prefix: text('a path prefix like /openai'),
          protocol: { type: 'string', enum: ['openai', 'anthropic', 'http'], 'x-expected': 'one of openai, anthropic, http' },
          upstream: text('an http(s) base URL like https://api.openai.com'),
          headers: headers(),
          policy: text('a policy package path like railgate.chat'),
          policies: object(Object.fromEntries(OPERATIONS.map((op) => [op, text('a policy package path like railgate.embeddings')]))),
          timeouts: object({ connect: duration(), headers: duration(), body: duration() }),
          body_limit: { type: ['integer', 'string'], minimum: 1, 'x-expected': 'a size like 4mb or 512kb, or a number of bytes' },
          http: object({
            request_texts: { type: 'array', minItems: 1, items: text('a JSON path like $.query'), 'x-expected': 'a non-empty list of JSON paths like $.query' },
            response_texts: { type: 'array', items: text('a JSON path like $.results[*].text'), 'x-expected': 'a list of JSON paths like $.results[*].text' },
            operation: { type: 'string', enum: OPERATIONS, 'x-expected': `one of ${OPERATIONS.join(', ')}` },
            model: text('a JSON path like $.model'),
          }, ['request_texts']),
        },
        ['name', 'protocol', 'upstream', 'policy'],
      ),
    },
    evaluation: object({
      timeout: duration(),
      max_steps: { type: 'integer', minimum: 1, maximum: 1_000_000_000, 'x-expected': 'a whole number from 1 to 1000000000' },
    }),
    quota: object({
      store: { type: 'string', enum: ['memory', 'sqlite', 'redis'], 'x-expected': 'one of memory, sqlite, redis' },
      path: text('the path of a SQLite database file'),
      url: { type: 'string', minLength: 1, 'x-sensitive': true, 'x-expected': 'a Redis URL like redis://redis.internal:6379/0' },
      prefix: text('a key prefix like railgate:quota:'),
      on_store_error: { type: 'string', enum: ['deny', 'allow'], 'x-expected': 'deny or allow' },
      message_overhead_tokens: { type: 'integer', minimum: 0, maximum: 1000, 'x-expected': 'a whole number from 0 to 1000' },
      default_max_completion_tokens: { type: 'integer', minimum: 1, maximum: 10_000_000, 'x-expected': 'a whole number from 1 to 10000000' },
    }),
    trusted_proxies: {
      type: 'array',
      items: text('an IP address or CIDR range like 10.0.0.0/8'),
      'x-expected': 'a list of IP addresses or CIDR ranges of the load balancers in front of the proxy',
    },
    admin: object(
      {
        groups: { type: 'array', minItems: 1, items: text('a group name'), 'x-expected': 'a non-empty list of group names' },
      },
      ['groups'],
    ),
    log: object({
      level: { type: 'string', enum: ['debug', 'info', 'warn', 'error', 'silent'], 'x-expected': 'one of debug, info, warn, error, silent' },
    }),
  },
  ['bundle', 'connections'],
);

/** The schema node that describes the value at `path`, if any. */
export function schemaAt(path: Path, root: SchemaNode = CONFIG_SCHEMA): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const seg of path) {
    if (node === undefined) return undefined;
    if (typeof seg === 'number') {
      node = node.items;
    } else {
      const own: SchemaNode | undefined = node.properties?.[seg];
      node = own ?? (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
    }
  }
  return node;
}

/** The JSON types the schema accepts at `path` (all of them when it says nothing). */
export function typesAt(path: Path): string[] | undefined {
  const t = schemaAt(path)?.type;
  return t === undefined ? undefined : Array.isArray(t) ? t : [t];
}

/** Whether the value at `path` is a secret (or lies inside one). */
export function isSensitive(path: Path): boolean {
  for (let i = path.length; i >= 1; i--) {
    if (schemaAt(path.slice(0, i))?.['x-sensitive'] === true) return true;
  }
  return false;
}
