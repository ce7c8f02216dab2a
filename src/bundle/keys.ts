import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { BundleError } from './errors.js';

// Keys for signing and verifying bundles. A key is given as text: a PEM block
// (private key to sign; public key, certificate or private key to verify) or, for
// the HS* algorithms, the HMAC secret itself, whose UTF-8 bytes are the MAC key
// (as in OPA). No message here ever contains key material.

export type SigningAlg =
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'EdDSA'
  | 'HS256'
  | 'HS384'
  | 'HS512';

export const SIGNING_ALGS: readonly SigningAlg[] = [
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
  'HS256',
  'HS384',
  'HS512',
];

export function isSigningAlg(alg: unknown): alg is SigningAlg {
  return typeof alg === 'string' && (SIGNING_ALGS as readonly string[]).includes(alg);
}

export function isHmacAlg(alg: SigningAlg): boolean {
  return alg.startsWith('HS');
}

/** Parses an algorithm name given by a user (CLI flag, config). */
export function parseSigningAlg(name: string): SigningAlg {
  if (isSigningAlg(name)) return name;
  throw new BundleError('bundle_key_error', `unknown signing algorithm ${JSON.stringify(name)}`, {
    hint: `use one of ${SIGNING_ALGS.join(', ')}`,
  });
}

/** Key files are small; anything bigger is not a key. */
const MAX_KEY_FILE_BYTES = 1024 * 1024;

export interface ReadKeyOptions {
  /** the algorithm the key is for, when known */
  alg?: SigningAlg;
  /** what the value was given as, for messages: `--signing-key` */
  flag?: string;
}

/**
 * Resolves a --signing-key / --verification-key value to key text. The rule:
 *
 * 1. a value starting with `-----BEGIN` is an inline PEM key;
 * 2. a value naming an existing file is read, and the file's exact contents are the
 *    key (an HMAC secret file's bytes, trailing newline included, as OPA reads it);
 * 3. otherwise the value is an inline HMAC secret, but only when it can be one: when
 *    `alg` is given it must be HS*, and the value must not look like a path
 *    (a separator, a leading `.` or `~`, or a key-file extension). A mistyped key
 *    path must fail, never become a secret that anyone who guesses the path could
 *    sign with.
 *
 * Throws bundle_key_error. The value is named in messages only when it looks like
 * a path; an inline secret is never repeated.
 */
export async function readKeyArg(value: string, opts: ReadKeyOptions = {}): Promise<string> {
  const flag = opts.flag ?? 'key';
  if (value.length === 0) {
    throw new BundleError('bundle_key_error', `the ${flag} value is empty`, { hint: 'pass a PEM file path or, for HS*, the secret' });
  }
  if (value.trimStart().startsWith('-----BEGIN')) return value;

  const shown = looksLikePath(value) ? `"${value}"` : '(value not shown)';
  let info;
  try {
    info = await stat(value);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'ENAMETOOLONG') {
      throw new BundleError('bundle_key_error', `cannot read the ${flag} file ${shown}: ${code ?? 'error'}`, { cause: e });
    }
  }
  if (info) {
    if (!info.isFile()) {
      throw new BundleError('bundle_key_error', `the ${flag} path ${shown} is not a regular file`, { hint: 'pass the path to a PEM file' });
    }
    return readBounded(value, flag, shown);
  }
  if (opts.alg !== undefined && !isHmacAlg(opts.alg)) {
    throw new BundleError('bundle_key_error', `the ${flag} file ${shown} does not exist`, {
      hint: `${opts.alg} needs a PEM key file; check the path`,
    });
  }
  if (looksLikePath(value)) {
    throw new BundleError('bundle_key_error', `the ${flag} file ${shown} does not exist`, {
      hint: 'check the path; an inline HMAC secret must not look like a file path (put such a secret in a file)',
    });
  }
  return value;
}

async function readBounded(path: string, flag: string, shown: string): Promise<string> {
  const handle = await open(path, 'r').catch((e: unknown) => {
    throw new BundleError('bundle_key_error', `cannot open the ${flag} file ${shown}`, { cause: e });
  });
  try {
    const buf = Buffer.alloc(MAX_KEY_FILE_BYTES + 1);
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, total, buf.length - total, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > MAX_KEY_FILE_BYTES) {
        throw new BundleError('bundle_key_error', `the ${flag} file ${shown} is larger than ${MAX_KEY_FILE_BYTES} bytes; not a key`);
      }
    }
    return buf.subarray(0, total).toString('utf8');
  } finally {
    await handle.close();
  }
}

function looksLikePath(value: string): boolean {
  return /[\\/]/.test(value) || /^[.~]/.test(value) || /\.(pem|crt|cer|key|pub|der|p8|txt|secret|json|jwk)$/i.test(value);
}

// ---------------------------------------------------------------------------
// Turning key text into something jose can use, and checking it suits an alg.

export type KeyMaterial =
  | { kind: 'secret'; bytes: Uint8Array }
  | { kind: 'asymmetric'; key: KeyObject };

/** Whether the text is a PEM block rather than an HMAC secret. */
export function isPem(text: string): boolean {
  return /-----BEGIN [A-Z0-9 ]+-----/.test(text);
}

/**
 * Reads key text for `use`: a PEM block becomes a key object (a private key to sign;
 * for verification any public key, certificate or private key, whose public half is
 * used); any other text is an HMAC secret. Throws bundle_key_error when a PEM block
 * cannot be read.
 */
export function loadKey(text: string, use: 'sign' | 'verify'): KeyMaterial {
  if (!isPem(text)) {
    if (text.length === 0) throw new BundleError('bundle_key_error', `the ${use === 'sign' ? 'signing' : 'verification'} key is empty`);
    return { kind: 'secret', bytes: new TextEncoder().encode(text) };
  }
  // `openssl ecparam -genkey` writes an EC PARAMETERS block before the key
  const labels = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => m[1]!);
  const label = labels.find((l) => l !== 'EC PARAMETERS') ?? labels[0]!;
  if (label.includes('ENCRYPTED') || /Proc-Type:\s*4,ENCRYPTED/.test(text)) {
    throw new BundleError('bundle_key_error', `the ${use === 'sign' ? 'signing' : 'verification'} key is an encrypted PEM (${label})`, {
      hint: 'decrypt it first, e.g. `openssl pkey -in key.pem -out plain.pem`',
    });
  }
  try {
    if (use === 'sign') {
      if (!label.includes('PRIVATE KEY')) {
        throw new BundleError('bundle_key_error', `the signing key is a ${label}, not a private key`, {
          hint: 'sign with the private key; give the public key to verify',
        });
      }
      return { kind: 'asymmetric', key: createPrivateKey(text) };
    }
    const key = createPublicKey(text);
    return { kind: 'asymmetric', key };
  } catch (e) {
    if (e instanceof BundleError) throw e;
    throw new BundleError('bundle_key_error', `cannot read the ${use === 'sign' ? 'signing' : 'verification'} key (PEM ${label})`, {
      hint: 'expected PKCS#8/SPKI, PKCS#1, SEC1 PEM or an X.509 certificate',
      cause: e,
    });
  }
}

/** What the key is, for messages: "an RSA key (2048 bits)", "an EC P-384 key". */
export function describeKey(m: KeyMaterial): string {
  if (m.kind === 'secret') return 'an HMAC secret (not a PEM key)';
  const { asymmetricKeyType: type, asymmetricKeyDetails: d } = m.key;
  if (type === 'rsa' || type === 'rsa-pss') return `an ${type === 'rsa' ? 'RSA' : 'RSA-PSS'} key (${d?.modulusLength ?? '?'} bits)`;
  if (type === 'ec') return `an EC ${CURVE_NAMES[d?.namedCurve ?? ''] ?? d?.namedCurve ?? '?'} key`;
  if (type === 'ed25519') return 'an Ed25519 key';
  return `a ${type ?? 'unknown'} key`;
}

const CURVE_NAMES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const CURVE_FOR: Partial<Record<SigningAlg, string>> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

/** RFC 7518 §3.2: an HMAC key at least as long as the hash output. */
export function minSecretBytes(alg: SigningAlg): number {
  return alg === 'HS512' ? 64 : alg === 'HS384' ? 48 : 32;
}

/**
 * Why the key cannot be used with `alg`, or undefined when it can. Covers the
 * classic confusions: a PEM key as an HMAC secret, an RSA key with ES*, an EC key on
 * the wrong curve, RSA keys under 2048 bits.
 */
export function keyMismatch(m: KeyMaterial, alg: SigningAlg): string | undefined {
  if (isHmacAlg(alg)) {
    return m.kind === 'secret' ? undefined : `${alg} needs an HMAC secret, and the key is ${describeKey(m)}; a PEM key is never used as an HMAC secret`;
  }
  if (m.kind === 'secret') return `${alg} needs a PEM key, and the key is ${describeKey(m)}`;
  const type = m.key.asymmetricKeyType;
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    if (type !== 'rsa') return `${alg} needs an RSA key, and the key is ${describeKey(m)}`;
    const bits = m.key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) return `${alg} needs an RSA key of at least 2048 bits, and the key has ${bits}`;
    return undefined;
  }
  if (alg.startsWith('ES')) {
    const want = CURVE_FOR[alg]!;
    if (type !== 'ec' || m.key.asymmetricKeyDetails?.namedCurve !== want) {
      return `${alg} needs an EC ${CURVE_NAMES[want]} key, and the key is ${describeKey(m)}`;
    }
    return undefined;
  }
  // EdDSA
  return type === 'ed25519' ? undefined : `${alg} needs an Ed25519 key, and the key is ${describeKey(m)}`;
}

/** The key as jose takes it. */
export function joseKey(m: KeyMaterial): KeyObject | Uint8Array {
  return m.kind === 'secret' ? m.bytes : m.key;
}
