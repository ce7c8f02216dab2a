import { readFile, realpath, stat } from 'node:fs/promises';
import { basename, normalize, relative, sep } from 'node:path';
import { compileSources } from '../compiler/sources.js';
import type { PolicySet } from '../compiler/index.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../lang/diagnostics.js';
import { discoverFiles, isDataFile, loadWorkspace, readSources, POLICY_EXT } from '../loader/index.js';
import { fromJSON } from '../runtime/value.js';
import { reportFailed, runTests } from '../tester/runner.js';
import type { TestReport } from '../tester/types.js';
import { DEFAULT_LIMITS, writeArchive } from './archive.js';
import { bundleData } from './data.js';
import { BundleError, type BundleErrorCode } from './errors.js';
import {
  MANIFEST_FILE,
  SIGNATURES_FILE,
  checkPackageRoots,
  checkRoots,
  checkWasmEntries,
  contentRevision,
  normalizeRoot,
  serializeManifest,
} from './manifest.js';
import { readBundle } from './read.js';
import { signFiles, type SignOptions } from './signing.js';
import type { BundleFile, Manifest } from './types.js';

// `railgate build`: policies and data on disk → a bundle. The policies must
// compile without an error and their tests must pass against the data exactly
// as the bundle will hold it; the archive is deterministic (the same inputs give
// the same bytes, revision included when it is derived from the content).

export interface BuildOptions {
  /** .gate files or directories; a directory's files keep their paths relative to it */
  paths: string[];
  /** default: the first 16 hex digits of a SHA-256 over the bundle's content */
  revision?: string;
  /** JSON/YAML documents merged into the root data.json */
  dataFiles?: string[];
  /** data paths the bundle owns ('app/rbac'); default [""], everything */
  roots?: string[];
  metadata?: Record<string, unknown>;
  /** a module built by `opa build -t wasm`, stored as policy.wasm, and its entrypoints ('app/rbac/allow') */
  wasm?: { module: Uint8Array; entrypoints: string[] };
  signing?: SignOptions;
  skipTests?: boolean;
  /** evaluation time limit per test; default 5000 */
  testTimeoutMs?: number;
  onProgress?: (msg: string) => void;
}

export interface TestCounts {
  passed: number;
  /** failures and errors */
  failed: number;
  skipped: number;
}

export interface BuildResult {
  bytes: Uint8Array;
  manifest: Manifest;
  /** every file in the archive, in archive order (`.manifest` first, `.signatures.json` when signed) */
  files: BundleFile[];
  /** absent with skipTests */
  tests?: TestCounts;
  /** warnings from compiling the policies (errors refuse the build) */
  warnings: Diagnostic[];
}

/**
 * The build refused: the policies do not compile, their tests fail, or an input
 * could not be read. Carries what a shell needs to show it in full: the
 * diagnostics with the texts they point into, or the test report.
 */
export class BundleBuildError extends BundleError {
  readonly diagnostics: readonly Diagnostic[];
  /** file → text, for showing each diagnostic's source line */
  readonly sources: ReadonlyMap<string, string>;
  readonly tests: TestReport | undefined;
  constructor(
    code: BundleErrorCode,
    message: string,
    opts: { diagnostics?: readonly Diagnostic[]; sources?: ReadonlyMap<string, string>; tests?: TestReport; hint?: string; file?: string },
  ) {
    super(code, message, { ...(opts.hint ? { hint: opts.hint } : {}), ...(opts.file ? { file: opts.file } : {}) });
    this.name = 'BundleBuildError';
    this.diagnostics = opts.diagnostics ?? [];
    this.sources = opts.sources ?? new Map();
    this.tests = opts.tests;
  }
}

export function isBundleBuildError(e: unknown): e is BundleBuildError {
  return e instanceof BundleBuildError;
}

export const DEFAULT_TEST_TIMEOUT_MS = 5000;
export const WASM_FILE = 'policy.wasm';
export const DATA_FILE = 'data.json';

/** `*_test.gate` files run at build time and are left out of the bundle. */
export function isTestSource(path: string): boolean {
  return path.endsWith(`_test${POLICY_EXT}`);
}

interface Source {
  /** as the user named it: diagnostics and messages use this */
  disk: string;
  /** inside the bundle */
  path: string;
}

function inputError(message: string, hint?: string, file?: string): BundleBuildError {
  return new BundleBuildError('bundle_io_error', message, { ...(hint ? { hint } : {}), ...(file ? { file } : {}) });
}

function toBundlePath(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** The .gate files under the given paths, each with its path inside the bundle. */
async function collectSources(paths: readonly string[]): Promise<Source[]> {
  const out: Source[] = [];
  const byBundlePath = new Map<string, string>();
  const seenReal = new Set<string>();
  const add = async (disk: string, path: string): Promise<void> => {
    let real = disk;
    try {
      real = await realpath(disk);
    } catch {
      // reported when it is read
    }
    if (seenReal.has(real)) return;
    seenReal.add(real);
    const other = byBundlePath.get(path);
    if (other !== undefined) {
      throw inputError(`${other} and ${disk} would both be ${path} in the bundle`, 'build from one directory, or rename one of them', disk);
    }
    byBundlePath.set(path, disk);
    out.push({ disk, path });
  };
  for (const given of paths) {
    let isDir: boolean;
    try {
      isDir = (await stat(given)).isDirectory();
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      throw inputError(code === 'ENOENT' ? `${given}: no such file or directory` : `${given}: ${(e as Error).message}`, undefined, given);
    }
    if (isDir) {
      const found = await discoverFiles([given]);
      const problem = found.diagnostics[0];
      if (problem) throw inputError(problem.message, problem.hint, given);
      const base = normalize(given);
      for (const f of found.files) await add(f.path, toBundlePath(relative(base, f.path)));
    } else if (given.endsWith(POLICY_EXT)) {
      await add(given, basename(given));
    } else if (isDataFile(given)) {
      throw inputError(`${given}: is a data file, not a policy`, `give data with --data ${given}`, given);
    } else {
      throw inputError(`${given}: not a ${POLICY_EXT} policy file or a directory`, undefined, given);
    }
  }
  return out;
}

/** `app/rbac/allow` (also `/app/rbac/allow`); each segment non-empty. */
function normalizeEntrypoint(ep: string): string {
  const n = normalizeRoot(ep.trim());
  if (n === '' || n.split('/').some((s) => s === '')) {
    throw new BundleError('bundle_wasm_error', `WASM entrypoint ${JSON.stringify(ep)} is not a path such as app/rbac/allow`, {
      hint: 'name the rule as a slash-separated path under data, e.g. app/rbac/allow for data.app.rbac.allow',
    });
  }
  return n;
}

function checkWasmModule(module: Uint8Array): void {
  const magic = [0x00, 0x61, 0x73, 0x6d];
  if (module.length < 8 || magic.some((b, i) => module[i] !== b)) {
    throw new BundleError('bundle_wasm_error', 'the WASM module is not a WebAssembly binary (no \\0asm header)', {
      file: WASM_FILE,
      hint: 'give the policy.wasm that `opa build -t wasm` writes (extract it from its bundle.tar.gz)',
    });
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function runBundleTests(policy: PolicySet, data: Record<string, unknown>, timeoutMs: number): TestReport {
  const value = fromJSON(data);
  return runTests(policy.tests(), {
    evaluate: (t) => policy.evaluate([...t.path], { data: value, budget: { timeoutMs } }),
  });
}

function describeFailures(report: TestReport): string {
  const failed = report.results.filter((r) => r.status === 'fail' || r.status === 'error');
  const shown = failed.slice(0, 5).map((r) => `${r.name} (${r.file}:${r.line})`);
  const more = failed.length > shown.length ? `, and ${failed.length - shown.length} more` : '';
  return `${shown.join(', ')}${more}`;
}

const encoder = new TextEncoder();

/**
 * Builds a bundle from policies and data. Throws BundleBuildError
 * ('bundle_policy_error') when a policy has an error or a test fails, with the
 * diagnostics or the test report; BundleError for unreadable inputs, roots
 * violations, bad WASM or signing problems.
 */
export async function buildBundle(opts: BuildOptions): Promise<BuildResult> {
  const progress = opts.onProgress ?? (() => {});

  const sources = await collectSources(opts.paths);
  const bundled = sources.filter((s) => !isTestSource(s.path));
  if (bundled.length === 0 && !opts.wasm) {
    const only = sources.length > 0 ? ' (only *_test.gate files, which are not bundled)' : '';
    throw inputError(`no .gate policies found in ${opts.paths.join(', ')}${only}`, 'railgate build policies/ -o bundle.tar.gz');
  }
  progress(`reading ${plural(sources.length, 'policy file')}`);
  const read = await readSources(sources.map((s) => s.disk));
  if (read.diagnostics.length > 0) {
    const first = read.diagnostics[0]!;
    throw new BundleBuildError('bundle_io_error', first.message, {
      diagnostics: read.diagnostics,
      ...(first.hint ? { hint: first.hint } : {}),
    });
  }

  // data: the --data documents merged at the root, as `railgate test -d` merges them
  let rootData: Record<string, unknown> = {};
  if (opts.dataFiles && opts.dataFiles.length > 0) {
    const ws = await loadWorkspace({ paths: [], dataFiles: opts.dataFiles });
    if (ws.diagnostics.length > 0) {
      const first = ws.diagnostics[0]!;
      // a file that cannot be read is an input problem; one that does not parse or conflicts is bad data
      const unreadable = ws.diagnostics.every((d) => d.code === 'io_error' && !d.loc);
      throw new BundleBuildError(unreadable ? 'bundle_io_error' : 'bundle_data_error', first.loc ? `${first.loc.file}:${first.loc.line}:${first.loc.col}: ${first.message}` : first.message, {
        diagnostics: ws.diagnostics,
        sources: ws.dataSources,
        ...(first.loc ? { file: first.loc.file } : {}),
      });
    }
    rootData = ws.data;
  }

  progress(`compiling ${plural(sources.length, 'policy file')}`);
  const compiled = compileSources(read.sources);
  const errors = compiled.diagnostics.filter((d) => d.severity === 'error');
  if (!compiled.policy || hasErrors(compiled.diagnostics)) {
    const files = new Set(errors.flatMap((d) => (d.loc ? [d.loc.file] : [])));
    const first = errors[0];
    throw new BundleBuildError(
      'bundle_policy_error',
      `the policies have ${plural(errors.length, 'error')}${files.size > 0 ? ` in ${plural(files.size, 'file')}` : ''}${first ? `; the first: ${formatDiagnostic(first).split('\n')[0]}` : ''}`,
      {
        diagnostics: compiled.diagnostics,
        sources: read.sources,
        hint: 'fix them (`railgate check` shows the same) and build again',
        ...(first?.loc ? { file: first.loc.file } : {}),
      },
    );
  }
  const policy = compiled.policy;

  // the manifest, then the content exactly as the bundle will hold it
  const roots = opts.roots && opts.roots.length > 0 ? opts.roots.map(normalizeRoot) : [''];
  const manifest: Manifest = { revision: '', roots };
  if (opts.metadata !== undefined) manifest.metadata = opts.metadata;
  checkRoots(roots);
  const bundledDisk = new Set(bundled.map((s) => s.disk));
  checkPackageRoots(roots, compiled.modules.filter((m) => bundledDisk.has(m.file)));

  const content: BundleFile[] = [{ path: DATA_FILE, bytes: encoder.encode(`${JSON.stringify(rootData, null, 2)}\n`) }];
  for (const s of [...bundled].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    content.push({ path: s.path, bytes: encoder.encode(read.sources.get(s.disk)!) });
  }
  if (opts.wasm) {
    checkWasmModule(opts.wasm.module);
    if (opts.wasm.entrypoints.length === 0) {
      throw new BundleError('bundle_wasm_error', 'a WASM module needs at least one entrypoint', {
        file: WASM_FILE,
        hint: 'name the rules it answers: --entrypoint app/rbac/allow',
      });
    }
    content.push({ path: WASM_FILE, bytes: opts.wasm.module });
    manifest.wasm = opts.wasm.entrypoints.map((ep) => ({ entrypoint: normalizeEntrypoint(ep), module: `/${WASM_FILE}` }));
  }
  checkWasmEntries(manifest, content);
  // the reader's own placement and roots check, so tests see what a reader will see
  const data = bundleData(content, roots);

  let tests: TestCounts | undefined;
  if (!opts.skipTests) {
    const cases = policy.tests();
    progress(`running ${plural(cases.length, 'test')}`);
    const report = runBundleTests(policy, data, opts.testTimeoutMs ?? DEFAULT_TEST_TIMEOUT_MS);
    const s = report.summary;
    if (reportFailed(report)) {
      throw new BundleBuildError('bundle_policy_error', `${s.failed + s.errored} of ${plural(s.total, 'test')} failed: ${describeFailures(report)}`, {
        tests: report,
        sources: read.sources,
        hint: 'fix the policies or the tests (`railgate test` runs the same), or build with --skip-tests',
      });
    }
    tests = { passed: s.passed, failed: 0, skipped: s.skipped };
  }

  manifest.revision = opts.revision ?? contentRevision(manifest, content);
  const manifestFile: BundleFile = { path: MANIFEST_FILE, bytes: serializeManifest(manifest) };
  const files: BundleFile[] = [manifestFile];
  if (opts.signing) {
    progress(`signing with ${opts.signing.alg}`);
    const text = await signFiles([manifestFile, ...content], opts.signing);
    files.push({ path: SIGNATURES_FILE, bytes: encoder.encode(text) });
  }
  files.push(...content);

  const bytes = await writeArchive(files);
  // what was written must read back; a failure here is a bug in the build, not the input
  await readBundle(bytes);
  return { bytes, manifest, files, ...(tests ? { tests } : {}), warnings: compiled.diagnostics.filter((d) => d.severity !== 'error') };
}

/** Reads a WASM module file for BuildOptions.wasm; no larger than a bundle file may be. */
export async function readWasmFile(path: string): Promise<Uint8Array> {
  const fail = (e: unknown): BundleError => {
    const code = (e as { code?: unknown }).code;
    return new BundleError('bundle_io_error', code === 'ENOENT' ? `${path}: no such file` : `${path}: ${(e as Error).message}`, { file: path });
  };
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw fail(e);
  }
  if (size > DEFAULT_LIMITS.maxFileBytes) {
    throw new BundleError('bundle_too_large', `${path} is ${size} bytes, more than the ${DEFAULT_LIMITS.maxFileBytes}-byte limit for one bundle file`, {
      file: path,
    });
  }
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw fail(e);
  }
}
