import type { JWK } from 'jose';
import { isHmac, isNone, keyTypeFits } from './algorithms.js';
import { quote } from './quote.js';

// A JWK Set as published by an identity provider, reduced to what can verify a
// token signature (pure). Encryption keys, symmetric keys, unknown key types and
// malformed entries are skipped (providers mix them in); only the public members
// of a key are kept, so a JWKS that wrongly includes private parts never yields a
// private key.

export interface SigningKey {
  kid?: string;
  /** the key's own `alg`, when it names one: the only algorithm it verifies */
  alg?: string;
  /** public members only */
  jwk: JWK;
}

export class JwksError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwksError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** The key, or why it is not a signing key. */
function toSigningKey(raw: unknown): SigningKey | string {
  if (!isObject(raw)) return 'not an object';
  const { kty, kid, alg, use, key_ops: ops } = raw;
  if (kid !== undefined && typeof kid !== 'string') return 'kid is not a string';
  if (use !== undefined && use !== 'sig') return `use is ${quote(use)}, not "sig"`;
  if (ops !== undefined && !(Array.isArray(ops) && ops.includes('verify'))) return 'key_ops does not include "verify"';
  if (alg !== undefined && (typeof alg !== 'string' || isHmac(alg) || isNone(alg))) return `alg ${quote(alg)} is not a signature algorithm for public keys`;
  let jwk: JWK;
  if (kty === 'RSA') {
    if (!str(raw['n']) || !str(raw['e'])) return 'an RSA key without n and e';
    jwk = { kty, n: raw['n'], e: raw['e'] };
  } else if (kty === 'EC') {
    if (!str(raw['crv']) || !str(raw['x']) || !str(raw['y'])) return 'an EC key without crv, x and y';
    jwk = { kty, crv: raw['crv'], x: raw['x'], y: raw['y'] };
  } else if (kty === 'OKP') {
    if (!str(raw['crv']) || !str(raw['x'])) return 'an OKP key without crv and x';
    jwk = { kty, crv: raw['crv'], x: raw['x'] };
  } else {
    return `key type ${quote(kty)} cannot verify signatures with a public key`;
  }
  return { jwk, ...(kid !== undefined ? { kid } : {}), ...(alg !== undefined ? { alg } : {}) };
}

/** The signing keys of a JWK Set document; throws JwksError when it has none or too many entries. */
export function parseJwks(doc: unknown, maxKeys: number): { keys: SigningKey[]; skipped: string[] } {
  if (!isObject(doc) || !Array.isArray(doc['keys'])) throw new JwksError('is not a JWK Set (no "keys" array)');
  const entries = doc['keys'] as unknown[];
  if (entries.length > maxKeys) throw new JwksError(`has ${entries.length} keys, more than the limit of ${maxKeys}`);
  const keys: SigningKey[] = [];
  const skipped: string[] = [];
  entries.forEach((raw, i) => {
    const k = toSigningKey(raw);
    if (typeof k === 'string') {
      const kid = isObject(raw) && typeof raw['kid'] === 'string' ? ` (kid ${quote(raw['kid'])})` : '';
      skipped.push(`key ${i}${kid}: ${k}`);
    } else keys.push(k);
  });
  if (keys.length === 0) {
    throw new JwksError(`has no usable signing key${skipped.length > 0 ? ` (skipped ${skipped.slice(0, 3).join('; ')}${skipped.length > 3 ? '; …' : ''})` : ''}`);
  }
  return { keys, skipped };
}

/** Whether the key may verify a token signed with alg: its type and curve fit, and its own alg (if any) is alg. */
export function keyFits(key: SigningKey, alg: string): boolean {
  return (key.alg === undefined || key.alg === alg) && keyTypeFits(key.jwk as { kty: string; crv?: string }, alg);
}
