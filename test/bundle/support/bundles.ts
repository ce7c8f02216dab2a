import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeArchive } from '../../../src/bundle/archive.js';
import { buildBundle } from '../../../src/bundle/build.js';
import type { SigningAlg } from '../../../src/bundle/keys.js';
import type { BundleFile } from '../../../src/bundle/types.js';

// Real bundles for the client tests: a one-rule policy (`allow := input.x == N`)
// built and signed by buildBundle, so what the client reads is what `railgate
// build` writes. Revision "rN" answers allow = true for {x: N} only.

export interface SigningKey {
  key: string;
  alg: SigningAlg;
}

export class BundleFactory {
  readonly root = mkdtempSync(join(tmpdir(), 'railgate-client-'));
  private n = 0;

  /** A fresh temp directory under the factory's root. */
  dir(name = `d${++this.n}`): string {
    const d = join(this.root, name);
    mkdirSync(d, { recursive: true });
    return d;
  }

  /** The policy sources of revision `x` in a new directory. */
  policyDir(x: number, body = `allow := input.x == ${x}`): string {
    const d = this.dir();
    writeFileSync(join(d, 'app.gate'), `package app\n\n${body}\n`);
    return d;
  }

  /** A bundle with revision `r<x>` whose data.app.allow is true for {x: <x>}. */
  async build(x: number, signing?: SigningKey, revision = `r${x}`): Promise<{ bytes: Uint8Array; files: BundleFile[] }> {
    const r = await buildBundle({ paths: [this.policyDir(x)], revision, skipTests: true, ...(signing ? { signing } : {}) });
    return { bytes: r.bytes, files: r.files };
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The same archive with app.gate changed after signing (the signature now lies about it). */
export async function tamper(files: readonly BundleFile[], body = 'allow := true'): Promise<Uint8Array> {
  const changed = files.map((f) => (f.path === 'app.gate' ? { path: f.path, bytes: new TextEncoder().encode(`package app\n\n${body}\n`) } : f));
  if (!changed.some((f, i) => f !== files[i])) throw new Error('no app.gate to tamper with');
  return writeArchive(changed);
}

/** An unsigned archive written by hand, e.g. with sources that do not compile. */
export async function handmade(files: Record<string, string>): Promise<Uint8Array> {
  const enc = new TextEncoder();
  return writeArchive(Object.entries(files).map(([path, text]) => ({ path, bytes: enc.encode(text) })));
}
