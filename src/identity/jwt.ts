import { errors, jwtVerify, type JWSHeaderParameters } from 'jose';
import type { OidcConfig } from '../config/types.js';
import { isHmac, isNone } from './algorithms.js';
import { checkClaims, identityFromClaims, type ClaimRules } from './claims.js';
import type { JwksCache } from './jwks.js';
import { quote } from './quote.js';
import { AuthError, type Identity } from './types.js';

// An OIDC bearer token (a compact JWS) to an Identity. The header is read and
// judged first: `none` and HMAC algorithms are refused before any key is looked up
// (an HMAC "keyed" with the issuer's public key proves nothing), then any algorithm
// outside the allowlist, then an unexpected token type. jose verifies the signature
// with the key the JWKS cache resolves for the header's kid and alg (and checks that
// the key's type fits the algorithm); claims.ts checks issuer, audience and times
// and maps the claims. Keys are never taken from the token (jku, x5u, jwk and x5c
// headers are ignored). Every failure is an AuthError; no message quotes the token.

/** `typ` values accepted when the header has one (RFC 7519, RFC 9068), compared case-insensitively. */
const ACCEPTED_TYP = new Set(['jwt', 'at+jwt']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readHeader(token: string): Record<string, unknown> {
  const encoded = token.slice(0, token.indexOf('.'));
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new AuthError('invalid_token', 'malformed token: the header is not base64url-encoded JSON');
  }
  if (!isObject(header)) throw new AuthError('invalid_token', 'malformed token: the header is not a JSON object');
  return header;
}

export interface JwtVerifierOptions {
  oidc: OidcConfig;
  /** the checked allowlist (algorithms.ts) */
  algorithms: readonly string[];
  keys: JwksCache;
  now: () => number;
}

export class JwtVerifier {
  private readonly rules: ClaimRules;

  constructor(private readonly o: JwtVerifierOptions) {
    this.rules = { issuer: o.oidc.issuer, audience: o.oidc.audience, clockSkewMs: o.oidc.clockSkewMs };
  }

  /** The identity a token carries; throws AuthError. */
  async verify(token: string): Promise<Identity> {
    const header = readHeader(token);
    const { alg, kid } = this.judgeHeader(header);
    const now = this.o.now();
    let payload: Record<string, unknown>;
    try {
      const result = await jwtVerify(token, (h: JWSHeaderParameters) => this.o.keys.key(typeof h.kid === 'string' ? h.kid : undefined, String(h.alg)), {
        algorithms: [...this.o.algorithms],
        currentDate: new Date(now),
        clockTolerance: this.o.oidc.clockSkewMs / 1000,
      });
      payload = result.payload as Record<string, unknown>;
    } catch (e) {
      throw this.explain(e, alg, kid, now);
    }
    checkClaims(payload, this.rules, now);
    return identityFromClaims(payload, this.o.oidc);
  }

  private judgeHeader(header: Record<string, unknown>): { alg: string; kid: string | undefined } {
    const { alg, kid, typ } = header;
    if (typeof alg !== 'string' || alg === '') throw new AuthError('invalid_token', 'malformed token: the header has no alg');
    if (isNone(alg)) throw new AuthError('disallowed_algorithm', 'unsigned tokens (alg "none") are never accepted');
    if (isHmac(alg)) {
      throw new AuthError('disallowed_algorithm', `algorithm ${quote(alg)} (a shared-secret HMAC) is never accepted: tokens must be signed with the issuer's private key`);
    }
    if (!this.o.algorithms.includes(alg)) {
      throw new AuthError('disallowed_algorithm', `algorithm ${quote(alg)} is not accepted (allowed: ${this.o.algorithms.join(', ')}; see identity.oidc.algorithms)`);
    }
    if (typ !== undefined && (typeof typ !== 'string' || !ACCEPTED_TYP.has(typ.toLowerCase().replace(/^application\//, '')))) {
      throw new AuthError('invalid_token', `token type (typ) ${quote(typ)} is not accepted; expected JWT or at+jwt`);
    }
    if (kid !== undefined && (typeof kid !== 'string' || kid === '')) throw new AuthError('invalid_token', 'malformed token: the kid header is not a non-empty string');
    return { alg, kid: kid as string | undefined };
  }

  /** What jose (or the key resolver) threw, as an AuthError. */
  private explain(e: unknown, alg: string, kid: string | undefined, now: number): AuthError {
    if (e instanceof AuthError) return e;
    const key = `${kid === undefined ? 'no kid' : `kid=${quote(kid)}`}, ${alg}`;
    if (e instanceof errors.JWTExpired || e instanceof errors.JWTClaimValidationFailed) {
      // jose checks times after the signature, so the payload here is authentic;
      // checkClaims says precisely what is wrong with it
      if (isObject(e.payload)) {
        try {
          checkClaims(e.payload, this.rules, now);
        } catch (reason) {
          if (reason instanceof AuthError) return reason;
        }
      }
      if (e instanceof errors.JWTExpired) return new AuthError('expired_token', 'token expired; get a new one');
      if (e.claim === 'nbf' || e.claim === 'iat') return new AuthError('token_not_yet_valid', `token is not valid yet (${e.claim}); check the clocks of the issuer and the proxy`);
      return new AuthError('invalid_token', `the token's ${quote(e.claim)} claim is not valid (${e.reason})`);
    }
    if (e instanceof errors.JWSSignatureVerificationFailed) {
      return new AuthError('invalid_token', `signature verification failed (${key}): the token was altered or not signed by the issuer`);
    }
    if (e instanceof errors.JOSEAlgNotAllowed) return new AuthError('disallowed_algorithm', `algorithm ${quote(alg)} is not accepted`);
    const message = e instanceof Error ? e.message.slice(0, 200) : 'unknown error';
    if (e instanceof errors.JOSEError) return new AuthError('invalid_token', `malformed token: ${message}`);
    return new AuthError('invalid_token', `the token could not be verified (${key}): ${message}`);
  }
}
