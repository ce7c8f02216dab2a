import { generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { BundleError } from './errors.js';
import { isHmacAlg, isSigningAlg, minSecretBytes, SIGNING_ALGS, type SigningAlg } from './keys.js';

// Fresh keys for `railgate keygen`: PKCS#8 private and SPKI public PEM, or for HS* a
// random secret as long as the hash (RFC 7518 §3.2), base64url so that it can be
// pasted on a command line or stored as text. Its text, not the decoded bytes, is
// the HMAC key, as OPA uses the secret it is given.

export interface GeneratedKeys {
  alg: SigningAlg;
  /** PEM (PKCS#8), or the HMAC secret */
  privateKey: string;
  /** PEM (SPKI); absent for HS* */
  publicKey?: string;
}

const generate = promisify(generateKeyPair);

export async function generateKeys(alg: SigningAlg): Promise<GeneratedKeys> {
  if (!isSigningAlg(alg)) {
    throw new BundleError('bundle_key_error', `cannot generate keys for algorithm ${JSON.stringify(alg)}`, { hint: `use one of ${SIGNING_ALGS.join(', ')}` });
  }
  if (isHmacAlg(alg)) return { alg, privateKey: randomBytes(minSecretBytes(alg)).toString('base64url') };
  const pair = await newPair(alg);
  return {
    alg,
    privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function newPair(alg: SigningAlg): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  switch (alg) {
    case 'ES256':
      return generate('ec', { namedCurve: 'prime256v1' });
    case 'ES384':
      return generate('ec', { namedCurve: 'secp384r1' });
    case 'ES512':
      return generate('ec', { namedCurve: 'secp521r1' });
    case 'EdDSA':
      return generate('ed25519', {});
    default:
      // RS* and PS*: plain RSA keys, which both schemes use (as OPA's do)
      return generate('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  }
}
