// The shapes a bundle takes between the archive and the evaluator. Paths inside a
// bundle never start with '/': `.manifest`, `data.json`, `app/rbac/policy.gate`,
// `policy.wasm`, as OPA names them in its signatures.

/** A file in a bundle: its path inside the archive and its exact bytes. */
export interface BundleFile {
  path: string;
  bytes: Uint8Array;
}

/** `wasm` entries of the manifest, as `opa build -t wasm` writes them. */
export interface WasmEntry {
  /** `app/rbac/allow`: the data path, slash-separated */
  entrypoint: string;
  /** the module's path in the bundle, e.g. `/policy.wasm` (OPA writes the leading slash) */
  module: string;
}

export interface Manifest {
  revision: string;
  /** data paths the bundle owns, slash-separated; `[""]` (everything) when absent */
  roots: string[];
  metadata?: Record<string, unknown>;
  wasm?: WasmEntry[];
  /** kept as read, for OPA compatibility; railgate only reads Rego v1 syntax */
  rego_version?: number;
}

/** One compact JWS in `.signatures.json` after verification. */
export interface Signer {
  /** from the JWS header `kid`, else the payload `keyid`, else the configured key id */
  keyId: string;
  alg: string;
  scope?: string;
  /** informational claims, when present */
  iss?: string;
  iat?: number;
}

/** A bundle read from its archive (and verified, when a key was configured). */
export interface Bundle {
  manifest: Manifest;
  /**
   * every file except `.manifest` and `.signatures.json`, in archive order: policy
   * sources (`.gate`, `.rego`), data files, `policy.wasm`, anything else
   */
  files: BundleFile[];
  /** the merged data document: each data.json/data.yaml placed under its directory's path */
  data: Record<string, unknown>;
  /** present when the bundle carried a signature that verified */
  signer?: Signer;
}
