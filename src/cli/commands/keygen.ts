import { chmod, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { BundleError } from '../../bundle/errors.js';
import { generateKeys } from '../../bundle/keygen.js';
import { isHmacAlg, parseSigningAlg } from '../../bundle/keys.js';
import { reportBundleError } from '../bundle-output.js';
import { EXIT_OK, UsageError, type CliIO } from '../io.js';

export interface KeygenCliOptions {
  alg: string;
  output: string;
  force: boolean;
}

/** The files keygen writes for a prefix: the private key (or secret) first. */
export function keyFiles(prefix: string, hmac: boolean): { secret: string; public?: string } {
  return hmac ? { secret: `${prefix}.secret` } : { secret: `${prefix}.pem`, public: `${prefix}.pub.pem` };
}

async function writeKeyFile(path: string, text: string, mode: number, force: boolean): Promise<void> {
  try {
    // 'wx' refuses an existing file even if one appeared since the check
    await writeFile(path, text, { mode, flag: force ? 'w' : 'wx' });
    // an overwritten file keeps its old mode; a private key must not stay readable
    await chmod(path, mode);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'EEXIST') throw new UsageError(`${path} already exists`, 'pass --force to overwrite it, or choose another -o prefix');
    if (code === 'ENOENT') throw new UsageError(`cannot write ${path}: no such directory`);
    throw new UsageError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

/** Generates a key pair (or an HMAC secret) for signing bundles. */
export async function runKeygen(io: CliIO, o: KeygenCliOptions): Promise<number> {
  let keys;
  try {
    const alg = parseSigningAlg(o.alg);
    keys = await generateKeys(alg);
  } catch (e) {
    if (!(e instanceof BundleError)) throw e;
    return reportBundleError(io, e);
  }
  const files = keyFiles(o.output, isHmacAlg(keys.alg));
  if (!o.force) {
    const existing = [files.secret, files.public].filter((f): f is string => f !== undefined && existsSync(f));
    if (existing.length > 0) {
      throw new UsageError(`${existing.join(' and ')} already ${existing.length === 1 ? 'exists' : 'exist'}`, 'pass --force to overwrite, or choose another -o prefix');
    }
  }
  // the secret file's exact bytes are the HMAC key, so no trailing newline: the same
  // text pasted on a command line must give the same key
  await writeKeyFile(files.secret, keys.privateKey, 0o600, o.force);
  if (files.public !== undefined && keys.publicKey !== undefined) {
    await writeKeyFile(files.public, keys.publicKey, 0o644, o.force);
    io.out(`wrote ${files.secret} (${keys.alg} private key: sign with it, keep it secret) and ${files.public} (public key: verify with it)\n`);
  } else {
    io.out(`wrote ${files.secret} (${keys.alg} secret: signs and verifies; keep it secret)\n`);
  }
  return EXIT_OK;
}
