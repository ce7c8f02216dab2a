// railgate.yaml after loading: every default filled in, every duration in
// milliseconds, every size in bytes, every ${ENV} reference replaced. The schema
// (./schema.ts) and docs/configuration.md describe the file; this is what the
// server and its parts receive.

import type { SigningAlg } from '../bundle/keys.js';

export interface Config {
  listen: { host: string; port: number };
  bundle: BundleConfig;
  identity: IdentityConfig;
  connections: ConnectionConfig[];
  /** per-request policy evaluation limits */
  evaluation: { timeoutMs: number; maxSteps: number };
  /** where token and request budgets are counted, and how requests are sized against them */
  quota: QuotaConfig;
  /**
   * Load balancers in front of the proxy (IPs or CIDR ranges): a request from one of
   * them has its client address (input.source.ip) taken from X-Forwarded-For.
   * Empty: the socket's address, and X-Forwarded-For is ignored.
   */
  trustedProxies: string[];
  /** the admin API (quota usage, bundle status); absent: no admin API */
  admin?: AdminConfig;
  /** how the proxy logs (never secrets, never prompt text) */
  log: { level: 'debug' | 'info' | 'warn' | 'error' | 'silent' };
}

export interface AdminConfig {
  /** callers (identified like any client) in one of these groups may use /admin/* */
  groups: string[];
}

export type QuotaStoreKind = 'memory' | 'sqlite' | 'redis';

export interface QuotaConfig {
  /** memory: per process, lost on restart; sqlite: one file (the default); redis: shared by every replica */
  store: QuotaStoreKind;
  /** sqlite only: the database file, absolute (default `.railgate/quota.db` beside the configuration file) */
  path?: string;
  /** redis only: the server's URL, `redis://` or `rediss://` (may hold a password: never printed) */
  url?: string;
  /** redis only: the prefix of every key the store writes */
  prefix?: string;
  /** the store cannot be reached: refuse the request (503, fail closed) or let it through uncounted */
  onStoreError: 'deny' | 'allow';
  /** tokens reserved per prompt message (and once more for the reply) on top of the counted texts: the protocol's framing */
  messageOverheadTokens: number;
  /** the completion cap set on requests that have none when a token budget applies, so the reservation is finite */
  defaultMaxCompletionTokens: number;
}

export interface BundleConfig {
  /** URL (http/https) or a local .tar.gz file or bundle directory */
  source: string;
  verification?: {
    /** PEM text or HMAC secret (usually from ${ENV}), or read from keyFile */
    key: string;
    keyId?: string;
    scope?: string;
    alg?: SigningAlg;
  };
  polling: { minDelayMs: number; maxDelayMs: number; timeoutMs: number };
  /** where the last good bundle is kept; absent: not persisted */
  persistDir?: string;
  /** headers for the bundle server (e.g. Authorization) */
  headers: Record<string, string>;
}

export interface OidcConfig {
  issuer: string;
  /** accepted `aud` values; at least one must match */
  audience: string[];
  /** explicit JWKS URI; default: discovered from `${issuer}/.well-known/openid-configuration` */
  jwksUri?: string;
  /** allowlist; default ['RS256', 'ES256'] (never `none`, never HS*) */
  algorithms: string[];
  /** dot path of the groups claim, e.g. `groups` or `realm_access.roles` */
  groupsClaim: string;
  /** claim used as input.user.id; default `sub` */
  idClaim: string;
  /** claim used as input.user.email; default `email` */
  emailClaim: string;
  clockSkewMs: number;
  /** how long fetched keys are trusted before a refresh */
  jwksCacheMs: number;
  /** an unknown `kid` triggers a refresh at most this often */
  jwksRefreshMinIntervalMs: number;
  /** timeout of a discovery or JWKS request */
  timeoutMs: number;
}

export interface ApiKeyConfig {
  /** input.user.id for this key */
  id: string;
  /** `sha256:<64 hex>` of the key; the key itself is never in the config */
  hash: string;
  groups: string[];
  email?: string;
  /** extra attributes exposed as input.user.claims */
  claims: Record<string, unknown>;
}

export interface IdentityConfig {
  oidc?: OidcConfig;
  apiKeys: ApiKeyConfig[];
  /** requests without credentials are let through as this identity; absent: 401 */
  anonymous?: { id: string; groups: string[] };
}

export type Protocol = 'openai' | 'anthropic' | 'http';

/** input.operation values (the same list as the protocol adapters' Operation). */
export type OperationName = 'chat' | 'completion' | 'responses' | 'messages' | 'embedding' | 'other';

export interface HttpProtocolConfig {
  /** JSON paths of the prompt texts in request bodies, e.g. `$.query`, `$.documents[*].text` */
  requestTexts: string[];
  /** JSON paths of texts in response bodies that mask rules apply to */
  responseTexts: string[];
  /** input.operation for this connection; default `other` */
  operation: OperationName;
  /** JSON path of the model name in request bodies, if any */
  model?: string;
}

export interface ConnectionConfig {
  name: string;
  /** path prefix on the proxy, e.g. `/openai`; requests under it go to this connection (the prefix is stripped) */
  prefix: string;
  protocol: Protocol;
  /** upstream base URL, e.g. `https://api.openai.com` (a path in it is kept: `https://host/base` + `/v1/...`) */
  upstream: string;
  /** headers added to every upstream request (the provider's API key, from ${ENV}); never returned to clients */
  upstreamHeaders: Record<string, string>;
  /** the policy package evaluated for this connection, as a data path: `railgate.chat` */
  policy: string;
  /**
   * Packages for particular operations, over `policy`: an OpenAI SDK sends chat and
   * embeddings to one base URL, and they want different policies
   * (`{embedding: 'railgate.embeddings'}`).
   */
  operationPolicies: Partial<Record<OperationName, string>>;
  timeouts: { connectMs: number; headersMs: number; bodyMs: number };
  /** largest request body accepted, in bytes (413 past it) */
  bodyLimitBytes: number;
  /** for protocol `http` only */
  http?: HttpProtocolConfig;
}
