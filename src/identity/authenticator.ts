import type { IdentityConfig } from '../config/types.js';
import { checkAlgorithms } from './algorithms.js';
import { ApiKeyStore } from './apikey.js';
import { ACCEPTED_HEADERS, looksLikeJwt, readCredential } from './credentials.js';
import { IdentityConfigError } from './errors.js';
import { JwksCache } from './jwks.js';
import { JwtVerifier } from './jwt.js';
import { displayUrl } from '../net/url.js';
import { AuthError, type Authenticator, type Headers, type Identity } from './types.js';

// Who is calling, from the request headers. One credential per request, from
// Authorization (Bearer) or x-api-key:
// 1. a configured API key (its digest matches) → that service account;
// 2. otherwise, if it has the shape of a JWT and OIDC is configured → the verified token;
// 3. otherwise → 401.
// API keys are tried first because a digest match is exact and cheap, and it lets
// an API key that happens to contain two dots still work. No credential at all →
// the anonymous identity when one is configured, else 401. A credential that is
// presented and wrong is always a 401, even with anonymous access on: a typo in a
// key must not silently downgrade a service account to anonymous.

export interface AuthenticatorOptions {
  /** progress (`info`: keys loaded) and problems (`warn`: provider unreachable, plain http); never tokens or keys */
  logger?: (msg: string, level: LogLevel) => void;
  /** the clock, in ms since 1970 (tests) */
  now?: () => number;
  /** the largest discovery document or JWKS read; default 1 MiB */
  maxJwksBytes?: number;
  /** the most keys a JWKS may hold; default 100 */
  maxJwksKeys?: number;
}

export type LogLevel = 'info' | 'warn';

export const DEFAULT_MAX_JWKS_BYTES = 1024 * 1024;
export const DEFAULT_MAX_JWKS_KEYS = 100;

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

function checkUrl(value: string, path: string, log: (msg: string, level: LogLevel) => void): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new IdentityConfigError(path, 'is not a URL; give the full https:// URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new IdentityConfigError(path, `must be an https:// URL, not ${url.protocol}`);
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    log(`identity: ${path} (${displayUrl(url)}) uses plain http: anyone on the network path can substitute signing keys; use https outside development`, 'warn');
  }
  return url;
}

/** The authenticator for railgate.yaml's identity section; throws IdentityConfigError when it cannot be used. */
export function createAuthenticator(config: IdentityConfig, opts: AuthenticatorOptions = {}): Authenticator {
  const log = opts.logger ?? (() => undefined);
  const now = opts.now ?? Date.now;
  const apiKeys = new ApiKeyStore(config.apiKeys);
  let jwt: JwtVerifier | undefined;
  let keys: JwksCache | undefined;
  const oidc = config.oidc;
  if (oidc !== undefined) {
    const algorithms = checkAlgorithms(oidc.algorithms);
    checkUrl(oidc.issuer, 'identity.oidc.issuer', log);
    if (oidc.jwksUri !== undefined) checkUrl(oidc.jwksUri, 'identity.oidc.jwks_uri', log);
    if (oidc.audience.length === 0) throw new IdentityConfigError('identity.oidc.audience', 'list at least one accepted audience (the client id or API identifier tokens are issued for)');
    keys = new JwksCache({
      issuer: oidc.issuer,
      ...(oidc.jwksUri !== undefined ? { jwksUri: oidc.jwksUri } : {}),
      cacheMs: oidc.jwksCacheMs,
      refreshMinIntervalMs: oidc.jwksRefreshMinIntervalMs,
      timeoutMs: oidc.timeoutMs,
      maxKeys: opts.maxJwksKeys ?? DEFAULT_MAX_JWKS_KEYS,
      maxBytes: opts.maxJwksBytes ?? DEFAULT_MAX_JWKS_BYTES,
      now,
      log,
    });
    jwt = new JwtVerifier({ oidc, algorithms, keys, now });
  }
  const anonymous = config.anonymous;
  if (oidc === undefined && apiKeys.size === 0 && anonymous === undefined) {
    log('identity: no OIDC issuer, API key or anonymous identity is configured; every request will be refused with 401', 'warn');
  }

  async function identify(headers: Headers): Promise<Identity> {
    const cred = readCredential(headers);
    if (cred === undefined) {
      if (anonymous !== undefined) return { id: anonymous.id, groups: [...anonymous.groups], auth: 'anonymous', claims: {} };
      throw new AuthError('missing_credentials', `no credentials: send ${ACCEPTED_HEADERS}`);
    }
    const service = apiKeys.lookup(cred.value);
    if (service !== undefined) return service;
    if (looksLikeJwt(cred.value)) {
      if (jwt === undefined) throw new AuthError('invalid_token', `the ${cred.source} header carries a JWT, but no OIDC issuer is configured (identity.oidc) to verify it`);
      return jwt.verify(cred.value);
    }
    const none = apiKeys.size === 0 ? ' (no API keys are configured)' : '';
    throw new AuthError('unknown_api_key', `the API key in the ${cred.source} header is not valid${none}; check the key, or ask for one`);
  }

  return {
    async authenticate(headers) {
      try {
        return await identify(headers);
      } catch (e) {
        if (e instanceof AuthError) throw e;
        // a bug must not let a request through, nor show its credential
        log(`identity: unexpected error while authenticating: ${e instanceof Error ? e.name : typeof e}`, 'warn');
        throw new AuthError('invalid_token', 'the credential could not be verified');
      }
    },
    close: () => keys?.close() ?? Promise.resolve(),
  };
}
