import { writeArchive } from '../../bundle/archive.js';
import { BundleError } from '../../bundle/errors.js';
import { MANIFEST_FILE, SIGNATURES_FILE } from '../../bundle/manifest.js';
import { openBundle } from '../../bundle/read.js';
import { signFiles } from '../../bundle/signing.js';
import type { BundleFile } from '../../bundle/types.js';
import { readBundleFile, reportBundleError, writeFileAtomic } from '../bundle-output.js';
import { plural } from '../diagnostics-output.js';
import { EXIT_OK, type CliIO } from '../io.js';
import { signingFromFlags } from './build.js';

export interface SignCliOptions {
  signingKey: string;
  signingAlg?: string;
  keyId?: string;
  scope?: string;
  claimsFile?: string;
  output?: string;
}

/**
 * Signs an existing bundle: every file except an old `.signatures.json`, which
 * the new one replaces. The bundle must read cleanly first (manifest, data,
 * roots); the archive is rewritten in railgate's deterministic layout.
 */
export async function runSign(io: CliIO, bundlePath: string, o: SignCliOptions): Promise<number> {
  const out = o.output ?? bundlePath;
  const bytes = await readBundleFile(bundlePath);
  let written: { files: number; revision: string; replaced: boolean };
  let signing;
  try {
    signing = (await signingFromFlags(o))!;
    const opened = await openBundle(bytes);
    const files = opened.entries.filter((f) => f.path !== SIGNATURES_FILE);
    const text = await signFiles(files, signing);
    const manifest = files.filter((f) => f.path === MANIFEST_FILE);
    const rest = files.filter((f) => f.path !== MANIFEST_FILE);
    const signatures: BundleFile = { path: SIGNATURES_FILE, bytes: new TextEncoder().encode(text) };
    await writeFileAtomic(out, await writeArchive([...manifest, signatures, ...rest]));
    written = { files: files.length, revision: opened.bundle.manifest.revision, replaced: opened.signed };
  } catch (e) {
    if (!(e instanceof BundleError)) throw e;
    return reportBundleError(io, e, e.code === 'bundle_key_error' ? '' : `cannot sign ${bundlePath}: `);
  }
  const keyId = signing.keyId !== undefined ? `, key id ${signing.keyId}` : '';
  const replaced = written.replaced ? ' (replaced the previous signature)' : '';
  io.out(`signed ${out}: revision ${written.revision}, ${plural(written.files, 'file')}, ${signing.alg}${keyId}${replaced}\n`);
  return EXIT_OK;
}
