// The bundle module's public API: reading, building, signing and verifying
// OPA-compatible bundles. Callers outside src/bundle import from here.

export { BundleError, formatBundleError, isBundleError, type BundleErrorCode } from './errors.js';
export type { Bundle, BundleFile, Manifest, Signer, WasmEntry } from './types.js';

export { DEFAULT_LIMITS, maxInflatedBytes, normalizeEntryPath, readArchive, resolveLimits, writeArchive, type ArchiveLimits } from './archive.js';
export {
  MANIFEST_FILE,
  SIGNATURES_FILE,
  checkDataRoots,
  checkPackageRoots,
  checkRoots,
  checkWasmEntries,
  contentRevision,
  defaultManifest,
  parseManifest,
  rootsContain,
  rootsOverlap,
  serializeManifest,
  type PackageOf,
} from './manifest.js';
export { bundleData, dataFileKey, isBundleDataFile, mergePlacedData, parseBundleDataFile, type PlacedData } from './data.js';
export { assembleBundle, openBundle, readBundle, readBundleDir, type OpenedBundle, type ReadOptions } from './read.js';
export { readDirFiles } from './dir.js';
export {
  BundleBuildError,
  buildBundle,
  isBundleBuildError,
  isTestSource,
  readWasmFile,
  type BuildOptions,
  type BuildResult,
  type TestCounts,
} from './build.js';

export { canonicalJSON, canonicalJSONBytes } from './canonical.js';
export { DEFAULT_HASH_ALGORITHM, HASH_ALGORITHMS, hashFile, isStructuredFile, type HashAlgorithm } from './hash.js';
export { SIGNING_ALGS, isSigningAlg, parseSigningAlg, readKeyArg, type SigningAlg } from './keys.js';
export {
  DEFAULT_KEY_ID,
  readUnverifiedSignature,
  signFiles,
  verifyFiles,
  type SignOptions,
  type SignedFile,
  type UnverifiedSignature,
  type VerifyOptions,
} from './signing.js';
export { generateKeys, type GeneratedKeys } from './keygen.js';

export { activateBundle, type ActiveBundle } from './activate.js';
export {
  BundleClient,
  maxArchiveBytes,
  type ActivationSource,
  type BundleClientOptions,
  type BundleEvent,
  type BundleStatus,
  type PollOutcome,
  type PollStage,
} from './client.js';
export { DEFAULT_HTTP_POLLING, DEFAULT_LOCAL_POLLING, type PollingSettings } from './backoff.js';
