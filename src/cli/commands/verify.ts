import { BundleError } from '../../bundle/errors.js';
import { readKeyArg, parseSigningAlg } from '../../bundle/keys.js';
import { SIGNATURES_FILE } from '../../bundle/manifest.js';
import { openBundle } from '../../bundle/read.js';
import type { VerifyOptions } from '../../bundle/signing.js';
import { readBundleFile, reportBundleError } from '../bundle-output.js';
import { plural } from '../diagnostics-output.js';
import { EXIT_OK, type CliIO } from '../io.js';

export interface VerifyCliOptions {
  verificationKey: string;
  signingAlg?: string;
  keyId?: string;
  scope?: string;
}

/** The VerifyOptions the --verification-key family of flags describes. */
export async function verificationFromFlags(o: VerifyCliOptions): Promise<VerifyOptions> {
  const alg = o.signingAlg !== undefined ? parseSigningAlg(o.signingAlg) : undefined;
  const key = await readKeyArg(o.verificationKey, { ...(alg ? { alg } : {}), flag: '--verification-key' });
  return {
    key,
    ...(alg ? { alg } : {}),
    ...(o.keyId !== undefined ? { keyId: o.keyId } : {}),
    ...(o.scope !== undefined ? { scope: o.scope } : {}),
  };
}

/** Verifies a bundle's signature and contents; exit 0 verified, 1 rejected, 2 bad key or file. */
export async function runVerify(io: CliIO, bundlePath: string, o: VerifyCliOptions): Promise<number> {
  const bytes = await readBundleFile(bundlePath);
  try {
    const verification = await verificationFromFlags(o);
    const opened = await openBundle(bytes, { verification });
    const signer = opened.bundle.signer!;
    const files = opened.entries.filter((f) => f.path !== SIGNATURES_FILE).length;
    const scope = signer.scope !== undefined ? `, scope ${signer.scope}` : '';
    io.out(`verified: revision ${opened.bundle.manifest.revision}, ${plural(files, 'file')}, key id ${signer.keyId}, alg ${signer.alg}${scope}\n`);
    return EXIT_OK;
  } catch (e) {
    if (!(e instanceof BundleError)) throw e;
    return reportBundleError(io, e, e.code === 'bundle_key_error' ? '' : `${bundlePath}: rejected: `);
  }
}
