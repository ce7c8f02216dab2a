import { IdentityConfigError } from './errors.js';

// The signature algorithms a token may use. Only asymmetric ones: the proxy holds
// the issuer's public keys, and an HMAC "verified" with a public key proves nothing
// (anyone can read the key and sign with it: the classic algorithm confusion).

/** Asymmetric JWS algorithms jose verifies; the allowlist is a subset of these. */
export const SUPPORTED_ALGORITHMS: readonly string[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

export const DEFAULT_ALGORITHMS: readonly string[] = ['RS256', 'ES256'];

export const isHmac = (alg: string): boolean => /^HS\d+$/i.test(alg);
export const isNone = (alg: string): boolean => alg.toLowerCase() === 'none';

/** Checks the configured allowlist; throws IdentityConfigError naming the entry. */
export function checkAlgorithms(algorithms: readonly string[], path = 'identity.oidc.algorithms'): string[] {
  if (algorithms.length === 0) throw new IdentityConfigError(path, `no algorithm is allowed; list at least one of ${SUPPORTED_ALGORITHMS.join(', ')}`);
  algorithms.forEach((alg, i) => {
    const at = `${path}[${i}]`;
    if (isNone(alg)) throw new IdentityConfigError(at, 'unsigned tokens ("none") can never be allowed');
    if (isHmac(alg)) {
      throw new IdentityConfigError(at, `${alg} is a shared-secret (HMAC) algorithm; the proxy verifies with the issuer's public keys, so only asymmetric algorithms are allowed (${SUPPORTED_ALGORITHMS.join(', ')})`);
    }
    if (!SUPPORTED_ALGORITHMS.includes(alg)) throw new IdentityConfigError(at, `unknown algorithm "${alg}"; use one of ${SUPPORTED_ALGORITHMS.join(', ')} (names are case-sensitive)`);
  });
  return [...new Set(algorithms)];
}

/** Whether a JWK's key type (and curve) can verify `alg`; jose checks again on import. */
export function keyTypeFits(jwk: { kty: string; crv?: string }, alg: string): boolean {
  if (/^(RS|PS)\d+$/.test(alg)) return jwk.kty === 'RSA';
  switch (alg) {
    case 'ES256':
      return jwk.kty === 'EC' && jwk.crv === 'P-256';
    case 'ES384':
      return jwk.kty === 'EC' && jwk.crv === 'P-384';
    case 'ES512':
      return jwk.kty === 'EC' && jwk.crv === 'P-521';
    case 'EdDSA':
    case 'Ed25519':
      return jwk.kty === 'OKP' && jwk.crv === 'Ed25519';
    default:
      return false;
  }
}
