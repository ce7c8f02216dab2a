import { BundleError } from '../../bundle/errors.js';
import { rootsContain } from '../../bundle/manifest.js';
import { openBundle, type OpenedBundle } from '../../bundle/read.js';
import { readUnverifiedSignature } from '../../bundle/signing.js';
import type { BundleFile } from '../../bundle/types.js';
import { parseModule } from '../../lang/parse.js';
import { formatSize, readBundleFile, reportBundleError } from '../bundle-output.js';
import { EXIT_OK, type CliIO } from '../io.js';
import { verificationFromFlags } from './verify.js';

export interface InspectCliOptions {
  format: 'text' | 'json';
  verificationKey?: string;
  signingAlg?: string;
  keyId?: string;
  scope?: string;
}

interface SignatureInfo {
  alg: string;
  key_id: string | null;
  scope: string | null;
  iss: string | null;
  iat: number | null;
  verified: boolean;
  /** the files the signature lists */
  files: number | null;
}

interface PackageInfo {
  file: string;
  package: string | null;
  /** why the package is unknown, or a problem with it */
  error?: string;
}

interface InspectReport {
  revision: string;
  roots: string[];
  metadata: Record<string, unknown> | null;
  rego_version: number | null;
  size: number;
  signed: boolean;
  signature: SignatureInfo | null;
  /** set when a signature is present but cannot even be decoded */
  signature_error?: string;
  files: Array<{ path: string; size: number }>;
  packages: PackageInfo[];
  wasm: Array<{ entrypoint: string; module: string }>;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function packageOf(f: BundleFile, roots: readonly string[]): PackageInfo {
  let text: string;
  try {
    text = decoder.decode(f.bytes);
  } catch {
    return { file: f.path, package: null, error: 'not valid UTF-8' };
  }
  const r = parseModule(text, f.path);
  if (!r.module) {
    const d = r.diagnostics.find((x) => x.severity === 'error');
    return { file: f.path, package: null, error: d ? `${d.loc ? `${d.loc.line}:${d.loc.col}: ` : ''}${d.message}` : 'does not parse' };
  }
  const pkg = r.module.package.join('.');
  if (!rootsContain(roots, r.module.package)) return { file: f.path, package: pkg, error: 'outside the bundle roots' };
  return { file: f.path, package: pkg };
}

function signatureInfo(opened: OpenedBundle): { signature: SignatureInfo | null; error?: string } {
  const signer = opened.bundle.signer;
  let unverified;
  try {
    unverified = opened.signatures ? readUnverifiedSignature(opened.signatures) : undefined;
  } catch (e) {
    if (!signer) return { signature: null, error: e instanceof Error ? e.message : String(e) };
  }
  if (signer) {
    return {
      signature: {
        alg: signer.alg,
        key_id: signer.keyId,
        scope: signer.scope ?? null,
        iss: signer.iss ?? null,
        iat: signer.iat ?? null,
        verified: true,
        files: unverified?.files.length ?? null,
      },
    };
  }
  if (!unverified) return { signature: null };
  return {
    signature: {
      alg: unverified.alg,
      key_id: unverified.keyId ?? null,
      scope: unverified.scope ?? null,
      iss: unverified.iss ?? null,
      iat: unverified.iat ?? null,
      verified: false,
      files: unverified.files.length,
    },
  };
}

function report(opened: OpenedBundle, size: number): InspectReport {
  const { bundle } = opened;
  const m = bundle.manifest;
  const sig = signatureInfo(opened);
  return {
    revision: m.revision,
    roots: m.roots,
    metadata: m.metadata ?? null,
    rego_version: m.rego_version ?? null,
    size,
    signed: opened.signed,
    signature: sig.signature,
    ...(sig.error !== undefined ? { signature_error: sig.error } : {}),
    files: opened.entries.map((f) => ({ path: f.path, size: f.bytes.length })),
    packages: bundle.files.filter((f) => f.path.endsWith('.gate') || f.path.endsWith('.rego')).map((f) => packageOf(f, m.roots)),
    wasm: (m.wasm ?? []).map((w) => ({ entrypoint: w.entrypoint, module: w.module })),
  };
}

function table(rows: Array<[string, string]>, indent = '  '): string[] {
  const width = rows.reduce((w, [a]) => Math.max(w, a.length), 0);
  return rows.map(([a, b]) => `${indent}${a.padEnd(width)}  ${b}`.trimEnd());
}

function signatureText(r: InspectReport): string {
  if (r.signature_error !== undefined) return `present but unreadable: ${r.signature_error}`;
  const s = r.signature;
  if (!s) return 'none (unsigned)';
  const parts = [s.alg, `key id ${s.key_id ?? '(none)'}`];
  if (s.scope !== null) parts.push(`scope ${s.scope}`);
  if (s.iss !== null) parts.push(`issuer ${s.iss}`);
  return `${parts.join(', ')} (${s.verified ? 'verified' : 'not verified: give --verification-key to check it'})`;
}

function textReport(path: string, r: InspectReport): string {
  const lines: string[] = [`${path} (${formatSize(r.size)})`];
  const head: Array<[string, string]> = [
    ['revision:', r.revision === '' ? '(none)' : r.revision],
    ['roots:', r.roots.length === 1 && r.roots[0] === '' ? '"" (all of data)' : r.roots.map((x) => JSON.stringify(x)).join(', ')],
  ];
  if (r.metadata) head.push(['metadata:', JSON.stringify(r.metadata)]);
  if (r.rego_version !== null) head.push(['rego_version:', String(r.rego_version)]);
  head.push(['signature:', signatureText(r)]);
  lines.push(...table(head, ''));
  lines.push(`files (${r.files.length}):`, ...table(r.files.map((f) => [f.path, formatSize(f.size)])));
  if (r.packages.length > 0) {
    lines.push(
      'packages:',
      ...table(r.packages.map((p) => [p.package ?? '?', p.error !== undefined ? `${p.file} (${p.error})` : p.file])),
    );
  }
  if (r.wasm.length > 0) lines.push('wasm entrypoints:', ...table(r.wasm.map((w) => [w.entrypoint, w.module])));
  return `${lines.join('\n')}\n`;
}

/** Shows what a bundle holds; exit 0, 1 when it cannot be read as a bundle, 2 bad file or key. */
export async function runInspect(io: CliIO, bundlePath: string, o: InspectCliOptions): Promise<number> {
  const bytes = await readBundleFile(bundlePath);
  let opened: OpenedBundle;
  try {
    const verification = o.verificationKey !== undefined ? await verificationFromFlags({ ...o, verificationKey: o.verificationKey }) : undefined;
    opened = await openBundle(bytes, verification ? { verification } : {});
  } catch (e) {
    if (!(e instanceof BundleError)) throw e;
    return reportBundleError(io, e, e.code === 'bundle_key_error' ? '' : `${bundlePath}: `);
  }
  const r = report(opened, bytes.length);
  io.out(o.format === 'json' ? `${JSON.stringify(r, null, 2)}\n` : textReport(bundlePath, r));
  return EXIT_OK;
}
