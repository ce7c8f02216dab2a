import { buildBundle, isBundleBuildError, readWasmFile, type BuildOptions, type BuildResult } from '../../bundle/build.js';
import { BundleError } from '../../bundle/errors.js';
import { parseSigningAlg, readKeyArg } from '../../bundle/keys.js';
import type { SignOptions } from '../../bundle/signing.js';
import { readClaimsFile, reportBundleError, statusLine, writeFileAtomic, formatSize } from '../bundle-output.js';
import { countLine, formatDiagnostics, plural } from '../diagnostics-output.js';
import { EXIT_FAIL, EXIT_OK, UsageError, type CliIO } from '../io.js';
import { formatTestText } from '../test-report.js';

export interface BuildCliOptions {
  output: string;
  revision?: string;
  data: string[];
  root: string[];
  signingKey?: string;
  signingAlg?: string;
  keyId?: string;
  scope?: string;
  claimsFile?: string;
  skipTests: boolean;
  wasm?: string;
  entrypoint: string[];
}

/** `data.app.rbac.allow` or `app/rbac/allow` → `app/rbac/allow`. */
export function entrypointPath(ref: string): string {
  const r = ref.trim();
  if (r.startsWith('data.')) return r.slice('data.'.length).split('.').join('/');
  return r;
}

/** Signing options from the flags, or undefined when no key was given. */
export async function signingFromFlags(o: {
  signingKey?: string;
  signingAlg?: string;
  keyId?: string;
  scope?: string;
  claimsFile?: string;
}): Promise<SignOptions | undefined> {
  if (o.signingKey === undefined) {
    const stray = (['signingAlg', 'keyId', 'scope', 'claimsFile'] as const).filter((k) => o[k] !== undefined);
    if (stray.length > 0) {
      const flags = stray.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ');
      throw new UsageError(`${flags} ${stray.length === 1 ? 'needs' : 'need'} --signing-key`, 'railgate build policies/ -o bundle.tar.gz --signing-key key.pem --signing-alg ES256');
    }
    return undefined;
  }
  if (o.signingAlg === undefined) {
    throw new UsageError('--signing-key needs --signing-alg', 'e.g. --signing-alg ES256 (RS256, PS256, EdDSA, HS256, ...)');
  }
  const alg = parseSigningAlg(o.signingAlg);
  const key = await readKeyArg(o.signingKey, { alg, flag: '--signing-key' });
  const claims = o.claimsFile !== undefined ? await readClaimsFile(o.claimsFile) : undefined;
  return {
    key,
    alg,
    ...(o.keyId !== undefined ? { keyId: o.keyId } : {}),
    ...(o.scope !== undefined ? { scope: o.scope } : {}),
    ...(claims ? { claims } : {}),
  };
}

function summary(output: string, r: BuildResult, signing: SignOptions | undefined): string {
  const contentFiles = r.files.filter((f) => f.path !== '.signatures.json').length;
  const signed = signing ? `signed (${signing.alg}${signing.keyId !== undefined ? `, key id ${signing.keyId}` : ''})` : 'unsigned';
  let tests = 'tests skipped';
  if (r.tests) {
    tests = `${plural(r.tests.passed, 'test')} passed`;
    if (r.tests.skipped > 0) tests += `, ${r.tests.skipped} skipped`;
  }
  return `built ${output}: revision ${r.manifest.revision}, ${plural(contentFiles, 'file')}, ${formatSize(r.bytes.length)}, ${signed}, ${tests}`;
}

/** Builds (tests, signs) a bundle and writes it; exit 1 when the policies are refused. */
export async function runBuild(io: CliIO, paths: string[], o: BuildCliOptions): Promise<number> {
  if (o.entrypoint.length > 0 && o.wasm === undefined) {
    throw new UsageError('--entrypoint needs --wasm <policy.wasm>', 'railgate build policies/ -o b.tar.gz --wasm policy.wasm --entrypoint app/rbac/allow');
  }
  if (o.wasm !== undefined && o.entrypoint.length === 0) {
    throw new UsageError('--wasm needs at least one --entrypoint', 'name each rule the module answers: --entrypoint app/rbac/allow');
  }
  const status = statusLine(io);
  let signing: SignOptions | undefined;
  let result: BuildResult;
  try {
    signing = await signingFromFlags(o);
    const opts: BuildOptions = {
      paths,
      dataFiles: o.data,
      roots: o.root,
      skipTests: o.skipTests,
      onProgress: (msg) => status.show(msg),
      ...(o.revision !== undefined ? { revision: o.revision } : {}),
      ...(signing ? { signing } : {}),
      ...(o.wasm !== undefined ? { wasm: { module: await readWasmFile(o.wasm), entrypoints: o.entrypoint.map(entrypointPath) } } : {}),
    };
    result = await buildBundle(opts);
  } catch (e) {
    status.done();
    if (!(e instanceof BundleError)) throw e;
    return reportBuildError(io, e);
  }
  status.done();
  if (result.warnings.length > 0) io.err(formatDiagnostics(result.warnings, new Map()));
  await writeFileAtomic(o.output, result.bytes);
  io.out(`${summary(o.output, result, signing)}\n`);
  return EXIT_OK;
}

function reportBuildError(io: CliIO, e: BundleError): number {
  if (isBundleBuildError(e) && e.tests) {
    io.err(formatTestText(e.tests, { verbose: false, sources: e.sources }));
    const s = e.tests.summary;
    io.err(`railgate: build refused: ${s.failed + s.errored} of ${plural(s.total, 'test')} failed\n`);
    if (e.hint) io.err(`  hint: ${e.hint}\n`);
    return EXIT_FAIL;
  }
  if (isBundleBuildError(e) && e.diagnostics.some((d) => d.loc)) {
    io.err(formatDiagnostics(e.diagnostics, e.sources));
    const what = e.code === 'bundle_policy_error' ? countLine(e.diagnostics) : 'a data file could not be read';
    io.err(`railgate: build refused: ${what}\n`);
    if (e.hint) io.err(`  hint: ${e.hint}\n`);
    return EXIT_FAIL;
  }
  return reportBundleError(io, e, e.code === 'bundle_io_error' || e.code === 'bundle_key_error' ? '' : 'build refused: ');
}
