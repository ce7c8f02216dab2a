import { readArchive, type ArchiveLimits } from './archive.js';
import { bundleData } from './data.js';
import { readDirFiles } from './dir.js';
import { BundleError } from './errors.js';
import { MANIFEST_FILE, SIGNATURES_FILE, checkRoots, checkWasmEntries, contentRevision, defaultManifest, parseManifest } from './manifest.js';
import { verifyFiles, type VerifyOptions } from './signing.js';
import type { Bundle, BundleFile, Signer } from './types.js';

// From archive bytes to a Bundle: unpack (safely, in memory), verify the
// signature over every file when a key is configured, then read the manifest and
// the data and check them against the roots. Policy sources stay bytes here;
// compiling them is activation's job (activate.ts), which also checks packages
// against the roots (checkPackageRoots) since that needs them parsed.

export interface ReadOptions {
  /** when set, the bundle must carry a signature that verifies with this key */
  verification?: VerifyOptions;
  limits?: Partial<ArchiveLimits>;
}

/** A bundle together with every file it was made of, for tools that show or rewrite it. */
export interface OpenedBundle {
  bundle: Bundle;
  /** every file in archive order, `.manifest` and `.signatures.json` included */
  entries: BundleFile[];
  /** whether the bundle carries `.signatures.json` (verified or not) */
  signed: boolean;
  /** the raw `.signatures.json`, when present */
  signatures?: Uint8Array;
}

/**
 * Builds the Bundle from its files. Signatures are checked first, so a tampered
 * file is reported as a signature failure, not as whatever parsing it would hit.
 *
 * A bundle that carries a signature but is read without a verification key is
 * accepted unverified (`signer` absent): the key is what makes signatures
 * mandatory; tools such as `railgate inspect` read signed bundles without one.
 */
export async function assembleBundle(entries: readonly BundleFile[], opts: ReadOptions = {}): Promise<OpenedBundle> {
  let manifestFile: BundleFile | undefined;
  let signaturesFile: BundleFile | undefined;
  const signedFiles: BundleFile[] = [];
  const files: BundleFile[] = [];
  for (const f of entries) {
    const base = f.path.slice(f.path.lastIndexOf('/') + 1);
    if (f.path === SIGNATURES_FILE) {
      signaturesFile = f;
      continue;
    }
    if (f.path === MANIFEST_FILE) {
      manifestFile = f;
      signedFiles.push(f);
      continue;
    }
    if (base === MANIFEST_FILE || base === SIGNATURES_FILE) {
      // OPA would take these for the bundle's own; refuse rather than read the bundle differently
      throw new BundleError('bundle_manifest_error', `${f.path}: ${base} is only allowed at the root of a bundle`, {
        file: f.path,
        hint: `move it to /${base} or remove it`,
      });
    }
    signedFiles.push(f);
    files.push(f);
  }

  let signer: Signer | undefined;
  if (opts.verification) {
    if (!signaturesFile) {
      throw new BundleError('bundle_unsigned', 'the bundle is not signed (no .signatures.json), but a verification key was given', {
        file: SIGNATURES_FILE,
        hint: 'sign it with `railgate sign` (or build with --signing-key), or remove the verification key',
      });
    }
    signer = await verifyFiles(signaturesFile.bytes, signedFiles, opts.verification);
  }

  // no manifest at all (a development directory): name the content, so status and
  // error messages still say which policies are being served
  const manifest = manifestFile ? parseManifest(manifestFile.bytes) : { ...defaultManifest(), revision: contentRevision(defaultManifest(), files) };
  checkRoots(manifest.roots);
  const data = bundleData(files, manifest.roots);
  checkWasmEntries(manifest, files);

  const bundle: Bundle = { manifest, files, data, ...(signer ? { signer } : {}) };
  return {
    bundle,
    entries: [...entries],
    signed: signaturesFile !== undefined,
    ...(signaturesFile ? { signatures: signaturesFile.bytes } : {}),
  };
}

/** Reads a bundle and everything it was made of (see assembleBundle). */
export async function openBundle(bytes: Uint8Array, opts: ReadOptions = {}): Promise<OpenedBundle> {
  const entries = await readArchive(bytes, opts.limits);
  return assembleBundle(entries, opts);
}

/**
 * Reads a gzipped-tar bundle: unpacks it within the limits, verifies it when
 * `verification` is set (an unsigned bundle is then `bundle_unsigned`), and
 * checks the manifest and data. Throws BundleError.
 */
export async function readBundle(bytes: Uint8Array, opts: ReadOptions = {}): Promise<Bundle> {
  return (await openBundle(bytes, opts)).bundle;
}

/**
 * Reads a directory laid out like an unpacked bundle (or a directory of plain
 * policies, which reads as a bundle without a manifest), for development. The
 * same limits and checks as an archive; see dir.ts for which files are taken.
 */
export async function readBundleDir(dir: string, opts: ReadOptions = {}): Promise<Bundle> {
  const entries = await readDirFiles(dir, opts.limits);
  return (await assembleBundle(entries, opts)).bundle;
}
