import { isoTime, quote } from './quote.js';
import { AuthError, type Identity } from './types.js';

// A verified token's claims: checked against the configured issuer, audience and
// clock (pure: time is an argument), then mapped to the Identity a policy sees.
// Runs only on a payload whose signature has already been verified.

export interface ClaimRules {
  issuer: string;
  /** accepted audiences: the token's aud must contain one */
  audience: readonly string[];
  clockSkewMs: number;
}

export interface ClaimMapping {
  idClaim: string;
  emailClaim: string;
  groupsClaim: string;
}

/** Claims that bind a token to a session or another token: of no use to a policy, kept out of input.user.claims. */
export const DROPPED_CLAIMS: readonly string[] = ['nonce', 'at_hash', 'c_hash', 's_hash'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function numericDate(payload: Record<string, unknown>, claim: string): number | undefined {
  const v = payload[claim];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new AuthError('invalid_token', `the token's ${claim} claim is not a number (seconds since 1970)`);
  return v;
}

const list = (values: readonly string[]): string => values.map((v) => quote(v)).join(', ');

/** Throws AuthError naming the first claim that does not hold; `nowMs` is the current time. */
export function checkClaims(payload: Record<string, unknown>, rules: ClaimRules, nowMs: number): void {
  const iss = payload['iss'];
  if (iss === undefined) throw new AuthError('wrong_issuer', `the token has no iss claim (expected ${quote(rules.issuer, 200)})`);
  if (iss !== rules.issuer) throw new AuthError('wrong_issuer', `issuer ${quote(iss, 200)} is not accepted (expected ${quote(rules.issuer, 200)})`);

  const aud = payload['aud'];
  const expected = `expected ${rules.audience.length === 1 ? quote(rules.audience[0]) : `one of ${list(rules.audience)}`}`;
  if (aud === undefined) throw new AuthError('wrong_audience', `the token has no aud claim (${expected})`);
  const auds = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
  if (!auds.some((a) => rules.audience.includes(a))) {
    const shown = auds.length === 0 ? `${quote(aud)} (not a string)` : auds.length <= 3 ? list(auds) : `${list(auds.slice(0, 3))} and ${auds.length - 3} more`;
    throw new AuthError('wrong_audience', `audience ${shown} is not accepted (${expected})`);
  }

  const skew = rules.clockSkewMs;
  const skewNote = skew > 0 ? ` (allowing ${skew / 1000} s of clock skew)` : '';
  const exp = numericDate(payload, 'exp');
  if (exp === undefined) throw new AuthError('invalid_token', 'the token has no exp claim; tokens that never expire are not accepted');
  if (exp * 1000 <= nowMs - skew) throw new AuthError('expired_token', `token expired at ${isoTime(exp)}${skewNote}; get a new one`);
  const nbf = numericDate(payload, 'nbf');
  if (nbf !== undefined && nbf * 1000 > nowMs + skew) {
    throw new AuthError('token_not_yet_valid', `token is not valid before ${isoTime(nbf)}${skewNote}; check the clocks of the issuer and the proxy`);
  }
  const iat = numericDate(payload, 'iat');
  if (iat !== undefined && iat * 1000 > nowMs + skew) {
    throw new AuthError('token_not_yet_valid', `token was issued in the future (${isoTime(iat)})${skewNote}; check the clocks of the issuer and the proxy`);
  }
}

/**
 * A claim by name or dot path: a top-level claim named exactly `path` wins (namespaced
 * claims such as `https://example.com/roles` contain dots), otherwise each dot-separated
 * segment is an own property of an object (`realm_access.roles`).
 */
export function claimAt(payload: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(payload, path)) return payload[path];
  let at: unknown = payload;
  for (const segment of path.split('.')) {
    if (!isObject(at) || !Object.hasOwn(at, segment)) return undefined;
    at = at[segment];
  }
  return at;
}

/** The groups claim as a list: a string is one group, non-string elements are ignored, anything else is none. */
export function groupsFrom(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((g): g is string => typeof g === 'string' && g !== ''))];
}

/** The identity of a verified, checked token; throws AuthError when it does not name the caller. */
export function identityFromClaims(payload: Record<string, unknown>, m: ClaimMapping): Identity {
  const id = claimAt(payload, m.idClaim);
  if (typeof id !== 'string' || id === '') {
    throw new AuthError('invalid_token', `the token's ${quote(m.idClaim)} claim, which names the caller (identity.oidc.id_claim), is ${id === '' ? 'empty' : id === undefined ? 'missing' : `${quote(id)}, not a string`}`);
  }
  const email = claimAt(payload, m.emailClaim);
  // an address the provider says it has not verified must not pass for one it has
  const verified = payload['email_verified'] !== false;
  const claims = Object.fromEntries(Object.entries(payload).filter(([k]) => !DROPPED_CLAIMS.includes(k)));
  return {
    id,
    ...(typeof email === 'string' && email !== '' && verified ? { email } : {}),
    groups: groupsFrom(claimAt(payload, m.groupsClaim)),
    auth: 'oidc',
    claims,
  };
}
