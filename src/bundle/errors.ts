// Everything that can be wrong with a bundle is a BundleError: a code a program can
// switch on, a message naming the file (inside the bundle) and the reason, and a
// hint saying how to fix it. The bundle client reports these as its last error.

export type BundleErrorCode =
  /** the archive itself: not gzip, not tar, truncated */
  | 'bundle_archive_error'
  /** an entry that may not be read: `..`, absolute path, link, device, duplicate name */
  | 'bundle_unsafe_entry'
  /** a file, the whole bundle, the entry count or the gzip expansion past its limit */
  | 'bundle_too_large'
  /** `.manifest` malformed, or a file outside the manifest's roots */
  | 'bundle_manifest_error'
  /** data.json / data.yaml malformed or conflicting */
  | 'bundle_data_error'
  /** a signature that does not verify: wrong key, alg, scope, digest, file set */
  | 'bundle_signature_error'
  /** a verification key is configured and the bundle carries no signature */
  | 'bundle_unsigned'
  /** a key that cannot be read or does not suit the algorithm */
  | 'bundle_key_error'
  /** policy sources with diagnostics, or tests that fail (build) */
  | 'bundle_policy_error'
  /** policy.wasm that cannot be loaded, or entrypoints that do not match */
  | 'bundle_wasm_error'
  /** download: HTTP status, timeout, connection */
  | 'bundle_download_error'
  /** reading or writing the bundle on disk */
  | 'bundle_io_error';

export class BundleError extends Error {
  readonly code: BundleErrorCode;
  /** the file inside the bundle (or on disk) the error is about */
  readonly file: string | undefined;
  readonly hint: string | undefined;
  constructor(code: BundleErrorCode, message: string, opts: { file?: string; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'BundleError';
    this.code = code;
    this.file = opts.file;
    this.hint = opts.hint;
  }
}

export function isBundleError(e: unknown): e is BundleError {
  return e instanceof BundleError;
}

/** `code: message (hint)`, one line, for logs and the CLI. */
export function formatBundleError(e: BundleError): string {
  return `${e.code}: ${e.message}${e.hint ? ` (${e.hint})` : ''}`;
}
