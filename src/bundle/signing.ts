import { CompactSign, compactVerify, errors as joseErrors } from 'jose';
import { compareCodePoints } from './canonical.js';
import { BundleError } from './errors.js';
import { DEFAULT_HASH_ALGORITHM, HASH_ALGORITHMS, hashFile, isHashAlgorithm, type HashAlgorithm } from './hash.js';
import { describeKey, isSigningAlg, joseKey, keyMismatch, loadKey, minSecretBytes, SIGNING_ALGS, type SigningAlg } from './keys.js';
import type { BundleFile, Signer } from './types.js';

// Bundle signatures as OPA writes and checks them (v1/bundle/sign.go, verify.go):
// `.signatures.json` is {"signatures": ["<compact JWS>"]}, exactly one JWS, whose
// payload is {"files": [{"name", "hash", "algorithm"}], "keyid"?, "scope"?, ...claims}
// and lists every file of the bundle except `.signatures.json`, names without a
// leading slash. The key id travels in the JWS header (`kid`); the payload `keyid`
// claim is deprecated but still written, as OPA does, for older verifiers.

export const SIGNATURES_FILE = '.signatures.json';

/** The key id OPA's CLI uses when none is given (`--verification-key-id` default). */
export const DEFAULT_KEY_ID = 'default';

/** One file as the signature payload lists it. */
export interface SignedFile {
  name: string;
  hash: string;
  algorithm: string;
}

export interface SignOptions {
  /** PEM private key, or the HMAC secret for HS* */
  key: string;
  alg: SigningAlg;
  /** goes into the header `kid` and the payload `keyid`; default "default" (OPA's); "" for none */
  keyId?: string;
  scope?: string;
  /** extra payload claims like iss, iat; may not contain `files` */
  claims?: Record<string, unknown>;
  /** digest for every file; default SHA-256 (what OPA writes) */
  hashAlgorithm?: HashAlgorithm;
}

export interface VerifyOptions {
  /** PEM public key, certificate (or private key), or the HMAC secret for HS* */
  key: string;
  /** when set, a signature naming another key id (header kid, else payload keyid) is rejected */
  keyId?: string;
  /** the scope the payload must carry; absent means the payload must carry none (as in OPA) */
  scope?: string;
  /** when set, the JWS alg must equal it */
  alg?: SigningAlg;
}

/** The complete `.signatures.json` text for these files (.manifest included). */
export async function signFiles(files: readonly BundleFile[], opts: SignOptions): Promise<string> {
  const alg = opts.alg;
  if (!isSigningAlg(alg)) {
    throw new BundleError('bundle_key_error', `cannot sign with algorithm ${JSON.stringify(alg)}`, { hint: `use one of ${SIGNING_ALGS.join(', ')}` });
  }
  const key = loadKey(opts.key, 'sign');
  const why = keyMismatch(key, alg);
  if (why !== undefined) throw new BundleError('bundle_key_error', `cannot sign with ${alg}: ${why}`, { hint: 'pass --signing-alg matching the key, or the key for that algorithm' });
  if (key.kind === 'secret' && key.bytes.length < minSecretBytes(alg)) {
    throw new BundleError('bundle_key_error', `the HMAC secret is ${key.bytes.length} bytes; ${alg} needs at least ${minSecretBytes(alg)} (RFC 7518 §3.2)`, {
      hint: `generate one with \`railgate keygen --alg ${alg}\``,
    });
  }
  const hashAlgorithm = opts.hashAlgorithm ?? DEFAULT_HASH_ALGORITHM;
  if (!isHashAlgorithm(hashAlgorithm)) {
    throw new BundleError('bundle_signature_error', `unsupported hash algorithm ${JSON.stringify(hashAlgorithm)}`, { hint: `use one of ${HASH_ALGORITHMS.join(', ')}` });
  }

  const seen = new Set<string>();
  const listed: SignedFile[] = [];
  for (const f of files) {
    const name = stripSlash(f.path);
    if (name === SIGNATURES_FILE) continue;
    if (seen.has(name)) throw new BundleError('bundle_unsafe_entry', `${name} appears twice in the files to sign`, { file: name });
    seen.add(name);
    listed.push({ name, hash: hashFile(name, f.bytes, hashAlgorithm), algorithm: hashAlgorithm });
  }

  const keyId = opts.keyId ?? DEFAULT_KEY_ID;
  const payload = buildPayload(listed, keyId, opts);
  const header: { alg: SigningAlg; kid?: string } = { alg };
  if (keyId !== '') header.kid = keyId;
  const token = await new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader(header).sign(joseKey(key));
  // byte for byte what OPA writes: json.MarshalIndent(signatures, "", " ")
  return JSON.stringify({ signatures: [token] }, null, 1);
}

function buildPayload(files: SignedFile[], keyId: string, opts: SignOptions): string {
  const claims: Record<string, unknown> = { ...(opts.claims ?? {}) };
  const claimError = (what: string): never => {
    throw new BundleError('bundle_signature_error', `cannot sign: ${what}`, { hint: 'fix the claims given for the signature' });
  };
  if (opts.claims !== undefined && (typeof opts.claims !== 'object' || opts.claims === null || Array.isArray(opts.claims))) claimError('claims must be a JSON object');
  if ('files' in claims) claimError('the claims may not set "files"; the file list is computed');
  // OPA decodes these claims into typed fields; a wrong type would make OPA reject the bundle.
  for (const name of ['keyid', 'scope', 'iss'] as const) {
    if (claims[name] !== undefined && typeof claims[name] !== 'string') claimError(`claim "${name}" must be a string`);
  }
  if (claims.iat !== undefined && !Number.isSafeInteger(claims.iat)) claimError('claim "iat" must be an integer (seconds since the epoch)');
  if (opts.scope !== undefined) {
    if (claims.scope !== undefined && claims.scope !== opts.scope) claimError('the scope option and the "scope" claim differ');
    claims.scope = opts.scope;
  }
  if (keyId !== '') {
    if (claims.keyid !== undefined && claims.keyid !== keyId) claimError('the key id and the "keyid" claim differ');
    claims.keyid = keyId;
  }
  const all: Record<string, unknown> = { files, ...claims };
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(all).sort(compareCodePoints)) sorted[k] = all[k];
  try {
    return JSON.stringify(sorted);
  } catch (e) {
    return claimError(`the claims are not JSON (${(e as Error).message})`);
  }
}

function stripSlash(path: string): string {
  return path.startsWith('/') ? path.slice(1) : path;
}

// ---------------------------------------------------------------------------
// Verification.

const sigError = (message: string, hint?: string, cause?: unknown): BundleError =>
  new BundleError('bundle_signature_error', message, { file: SIGNATURES_FILE, hint, cause });

interface DecodedToken {
  token: string;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/**
 * Checks `.signatures.json` against the bundle's files and returns who signed it.
 * Throws bundle_signature_error (or bundle_key_error when the configured key is
 * unusable), naming the file concerned and the reason.
 */
export async function verifyFiles(signatures: Uint8Array, files: readonly BundleFile[], opts: VerifyOptions): Promise<Signer> {
  const decoded = decodeToken(readSingleToken(signatures));
  const alg = checkedAlg(decoded.header);
  if (opts.alg !== undefined && alg !== opts.alg) {
    throw sigError(`the bundle is signed with ${alg}, but the verification key is configured for ${opts.alg}`, 'use the key and algorithm the bundle was signed with');
  }

  const tokenKeyId = keyIdOf(decoded);
  if (opts.keyId !== undefined && tokenKeyId !== undefined && tokenKeyId !== opts.keyId) {
    throw sigError(
      `the bundle is signed with key id "${tokenKeyId}", but the verification key is "${opts.keyId}"`,
      `verify with the key named "${tokenKeyId}", or pass --key-id ${tokenKeyId} if this is that key`,
    );
  }

  const key = loadKey(opts.key, 'verify');
  const why = keyMismatch(key, alg);
  if (why !== undefined) {
    // A mismatch with the configured alg is a configuration problem; with the alg
    // the bundle chose, it is the bundle that does not fit the key.
    if (opts.alg !== undefined) throw new BundleError('bundle_key_error', `the verification key cannot verify ${alg}: ${why}`);
    throw sigError(`the bundle is signed with ${alg}, but the verification key cannot verify it: ${why}`, 'verify with the key the bundle was signed with');
  }

  try {
    await compactVerify(decoded.token, joseKey(key), { algorithms: [alg] });
  } catch (e) {
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) {
      throw sigError(
        `the signature does not verify with the verification key (${describeKey(key)}): the bundle was signed with another key, or its signed file list was altered`,
        'verify with the key the bundle was signed with',
        e,
      );
    }
    throw sigError(`the signature cannot be verified: ${(e as Error).message}`, undefined, e);
  }

  const claims = payloadClaims(decoded.payload);
  if ((opts.scope ?? '') !== (claims.scope ?? '')) {
    const has = claims.scope === undefined || claims.scope === '' ? 'no scope' : `scope "${claims.scope}"`;
    const want = opts.scope === undefined || opts.scope === '' ? 'no scope' : `scope "${opts.scope}"`;
    throw sigError(`scope mismatch: the signature carries ${has}, but ${want} is expected`, 'pass --scope matching the one the bundle was signed with');
  }

  checkFiles(claims.files, files);

  const signer: Signer = { keyId: tokenKeyId ?? opts.keyId ?? DEFAULT_KEY_ID, alg };
  if (claims.scope !== undefined && claims.scope !== '') signer.scope = claims.scope;
  if (claims.iss !== undefined) signer.iss = claims.iss;
  if (claims.iat !== undefined) signer.iat = claims.iat;
  return signer;
}

/** What a signature claims, before (or without) verifying it: for `inspect`. */
export interface UnverifiedSignature {
  alg: string;
  keyId?: string;
  scope?: string;
  iss?: string;
  iat?: number;
  files: SignedFile[];
}

/**
 * Decodes `.signatures.json` without checking anything cryptographic. Never trust
 * the result; it is for showing what a bundle claims.
 */
export function readUnverifiedSignature(signatures: Uint8Array): UnverifiedSignature {
  const decoded = decodeToken(readSingleToken(signatures));
  const claims = payloadClaims(decoded.payload);
  const out: UnverifiedSignature = { alg: String(decoded.header.alg), files: claims.files };
  const kid = keyIdOf(decoded);
  if (kid !== undefined) out.keyId = kid;
  if (claims.scope !== undefined && claims.scope !== '') out.scope = claims.scope;
  if (claims.iss !== undefined) out.iss = claims.iss;
  if (claims.iat !== undefined) out.iat = claims.iat;
  return out;
}

function readSingleToken(bytes: Uint8Array): string {
  let text = new TextDecoder('utf-8').decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw sigError(`${SIGNATURES_FILE} is not valid JSON: ${(e as Error).message}`, 'expected {"signatures": ["<compact JWS>"]}', e);
  }
  if (!isPlainObject(doc)) throw sigError(`${SIGNATURES_FILE} must be a JSON object {"signatures": [...]}`);
  if (doc.plugin !== undefined && doc.plugin !== null && doc.plugin !== '') {
    throw sigError(`${SIGNATURES_FILE} names the signing plugin ${JSON.stringify(doc.plugin)}, which railgate does not support`, 'sign the bundle with the default (JWS) signer');
  }
  const list = doc.signatures ?? [];
  if (!Array.isArray(list)) throw sigError(`${SIGNATURES_FILE}: "signatures" must be an array of compact JWS strings`);
  if (list.length === 0) throw sigError(`${SIGNATURES_FILE} carries no signature (expected exactly one JWS)`, 'sign the bundle, or remove the empty file');
  if (list.length > 1) throw sigError(`${SIGNATURES_FILE} carries ${list.length} signatures; exactly one is supported (as in OPA)`, 'sign the bundle once');
  if (typeof list[0] !== 'string') throw sigError(`${SIGNATURES_FILE}: the signature must be a compact JWS string`);
  return list[0];
}

function decodeToken(token: string): DecodedToken {
  const parts = token.split('.');
  if (parts.length !== 3) throw sigError(`the signature is not a compact JWS (expected 3 dot-separated parts, found ${parts.length})`);
  return { token, header: decodePart(parts[0]!, 'header'), payload: decodePart(parts[1]!, 'payload') };
}

function decodePart(part: string, what: 'header' | 'payload'): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) throw sigError(`the signature's ${what} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch (e) {
    throw sigError(`the signature's ${what} is not JSON`, undefined, e);
  }
  if (!isPlainObject(value)) throw sigError(`the signature's ${what} is not a JSON object`);
  return value;
}

function checkedAlg(header: Record<string, unknown>): SigningAlg {
  const alg = header.alg;
  if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
    throw sigError('the signature uses alg "none" (no signature at all); refusing it', 'sign the bundle with a real key');
  }
  if (!isSigningAlg(alg)) {
    throw sigError(`the signature uses alg ${JSON.stringify(alg ?? null)}, which is not allowed`, `allowed: ${SIGNING_ALGS.join(', ')}`);
  }
  return alg;
}

/** The signature's key id: the header `kid`, else the deprecated payload `keyid`. */
function keyIdOf({ header, payload }: DecodedToken): string | undefined {
  if (header.kid !== undefined && typeof header.kid !== 'string') throw sigError('the signature header "kid" must be a string');
  if (header.kid) return header.kid;
  return typeof payload.keyid === 'string' && payload.keyid !== '' ? payload.keyid : undefined;
}

interface Claims {
  files: SignedFile[];
  scope?: string;
  iss?: string;
  iat?: number;
}

/** The payload read as OPA's DecodedSignature struct: a wrong type is an error. */
function payloadClaims(payload: Record<string, unknown>): Claims {
  const str = (name: string): string | undefined => {
    const v = payload[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw sigError(`the signature payload's "${name}" must be a string`);
    return v;
  };
  const claims: Claims = { files: [] };
  const scope = str('scope');
  if (scope !== undefined) claims.scope = scope;
  const iss = str('iss');
  if (iss !== undefined) claims.iss = iss;
  str('keyid');
  if (payload.iat !== undefined && payload.iat !== null) {
    if (!Number.isSafeInteger(payload.iat)) throw sigError('the signature payload\'s "iat" must be an integer');
    claims.iat = payload.iat as number;
  }
  const files = payload.files ?? [];
  if (!Array.isArray(files)) throw sigError('the signature payload\'s "files" must be an array');
  for (const entry of files) {
    if (!isPlainObject(entry)) throw sigError('the signature payload lists a file that is not an object {name, hash, algorithm}');
    const field = (name: keyof SignedFile): string => {
      const v = entry[name];
      if (v === undefined || v === null) return '';
      if (typeof v !== 'string') throw sigError(`the signature payload lists a file whose "${name}" is not a string`);
      return v;
    };
    const file: SignedFile = { name: field('name'), hash: field('hash'), algorithm: field('algorithm') };
    if (file.name === '') throw sigError('the signature payload lists a file without a name');
    claims.files.push(file);
  }
  return claims;
}

function checkFiles(signed: readonly SignedFile[], files: readonly BundleFile[]): void {
  const listed = new Map<string, SignedFile>();
  for (const entry of signed) {
    if (listed.has(entry.name)) {
      throw new BundleError('bundle_signature_error', `the signature lists ${entry.name} more than once`, { file: entry.name, hint: 're-sign the bundle' });
    }
    listed.set(entry.name, entry);
  }

  const present = new Map<string, BundleFile>();
  for (const f of files) {
    const name = stripSlash(f.path);
    if (name === SIGNATURES_FILE) continue;
    if (present.has(name)) throw new BundleError('bundle_unsafe_entry', `the bundle contains ${name} twice`, { file: name });
    present.set(name, f);
  }

  for (const name of present.keys()) {
    if (!listed.has(name)) {
      throw new BundleError('bundle_signature_error', `${name} is in the bundle but not listed in its signature`, {
        file: name,
        hint: 'the file was added after signing; rebuild and re-sign the bundle',
      });
    }
  }
  for (const name of listed.keys()) {
    if (!present.has(name)) {
      throw new BundleError('bundle_signature_error', `${name} is listed in the signature but missing from the bundle`, {
        file: name,
        hint: 'the file was removed after signing; rebuild and re-sign the bundle',
      });
    }
  }

  for (const [name, f] of present) {
    const entry = listed.get(name)!;
    if (entry.algorithm === '') {
      throw new BundleError('bundle_signature_error', `${name}: the signature gives no hash algorithm for it`, { file: name });
    }
    if (!isHashAlgorithm(entry.algorithm)) {
      throw new BundleError('bundle_signature_error', `${name}: unsupported hash algorithm ${JSON.stringify(entry.algorithm)} in the signature`, {
        file: name,
        hint: `supported: ${HASH_ALGORITHMS.join(', ')}`,
      });
    }
    const want = entry.hash.toLowerCase();
    if (!/^(?:[0-9a-f]{2})+$/.test(want)) {
      throw new BundleError('bundle_signature_error', `${name}: the signature's hash for it is not hex`, { file: name });
    }
    const got = hashFile(name, f.bytes, entry.algorithm);
    if (got !== want) {
      throw new BundleError('bundle_signature_error', `${name}: digest mismatch (signature has ${short(want)}, file hashes to ${short(got)})`, {
        file: name,
        hint: 'the file changed after signing; rebuild and re-sign the bundle',
      });
    }
  }
}

function short(hex: string): string {
  return hex.length > 16 ? `${hex.slice(0, 16)}…` : hex;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
