import { createHash } from 'node:crypto';
import { canonicalJSONBytes } from './canonical.js';
import { BundleError } from './errors.js';

// The digests a bundle signature lists per file, as OPA's v1/bundle/hash.go computes
// them: raw bytes for unstructured files (policies, wasm, anything else), the
// canonical JSON form for structured ones (see canonical.ts).

/** Every algorithm OPA's NewSignatureHasher accepts, spelled as OPA spells it. */
export const HASH_ALGORITHMS = [
  'SHA-256',
  'SHA-384',
  'SHA-512',
  'SHA-224',
  'SHA-512-224',
  'SHA-512-256',
  'SHA-1',
  'MD5',
] as const;

export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

/** What OPA signs with, and what railgate signs with unless told otherwise. */
export const DEFAULT_HASH_ALGORITHM: HashAlgorithm = 'SHA-256';

const NODE_NAMES: Record<HashAlgorithm, string> = {
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
  'SHA-224': 'sha224',
  'SHA-512-224': 'sha512-224',
  'SHA-512-256': 'sha512-256',
  'SHA-1': 'sha1',
  MD5: 'md5',
};

export function isHashAlgorithm(name: unknown): name is HashAlgorithm {
  return typeof name === 'string' && (HASH_ALGORITHMS as readonly string[]).includes(name);
}

/**
 * OPA's IsStructuredDoc: the file's base name is data.json, data.yaml,
 * signatures.json or .manifest. (data.yml is loaded as data but hashed as raw bytes,
 * and `.signatures.json` is never hashed at all: OPA's own quirks, kept for
 * compatibility.)
 */
export function isStructuredFile(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base === 'data.json' || base === 'data.yaml' || base === 'signatures.json' || base === '.manifest';
}

/** Lowercase hex digest of raw bytes. */
export function hashBytes(bytes: Uint8Array | string, algorithm: HashAlgorithm = DEFAULT_HASH_ALGORITHM): string {
  if (!isHashAlgorithm(algorithm)) {
    throw new BundleError('bundle_signature_error', `unsupported hash algorithm ${JSON.stringify(algorithm)}`, {
      hint: `use one of ${HASH_ALGORITHMS.join(', ')}`,
    });
  }
  return createHash(NODE_NAMES[algorithm]).update(bytes).digest('hex');
}

/**
 * The digest OPA records for a bundle file: over the canonical JSON of a structured
 * file, over the bytes of any other. Throws bundle_data_error when a structured
 * file does not parse.
 */
export function hashFile(path: string, bytes: Uint8Array, algorithm: HashAlgorithm = DEFAULT_HASH_ALGORITHM): string {
  if (!isStructuredFile(path)) return hashBytes(bytes, algorithm);
  // data.yaml is read as OPA's util.Unmarshal reads it (JSON if valid, else YAML);
  // the other structured files must be JSON.
  const format = path.endsWith('data.yaml') ? 'yaml' : 'json';
  return hashBytes(canonicalJSONBytes(bytes, path, { format }), algorithm);
}
