import type { AuthErrorCode } from './types.js';

// What the server does with an AuthError, and the error a bad identity section of
// railgate.yaml raises at start-up (never at request time).

/**
 * The HTTP status of an AuthError. Every code is 401 (the caller can fix it with
 * other credentials) except `identity_provider_unavailable`: the proxy cannot fetch
 * the issuer's signing keys and has none cached, which no client can fix, so it is
 * 503 like the other "the proxy cannot decide" cases (no active bundle).
 */
export function authErrorStatus(code: AuthErrorCode): 401 | 503 {
  return code === 'identity_provider_unavailable' ? 503 : 401;
}

/**
 * The WWW-Authenticate header of a 401 (RFC 6750 §3): the scheme a client should
 * use, plus `error="invalid_token"` when a token was presented and refused. Absent
 * for a 503.
 */
export function authChallenge(code: AuthErrorCode): string | undefined {
  if (authErrorStatus(code) !== 401) return undefined;
  return code === 'missing_credentials' ? 'Bearer realm="railgate"' : 'Bearer realm="railgate", error="invalid_token"';
}

/** The identity configuration cannot be used: names the key path and what to change. */
export class IdentityConfigError extends Error {
  readonly code = 'invalid_identity_config';
  constructor(
    /** e.g. `identity.oidc.algorithms[1]` */
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'IdentityConfigError';
  }
}
