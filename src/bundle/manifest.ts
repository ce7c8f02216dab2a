import { createHash } from 'node:crypto';
import { lineColAt, parseJson } from '../loader/index.js';
import { BundleError } from './errors.js';
import type { BundleFile, Manifest, WasmEntry } from './types.js';

// `.manifest`: what a bundle says about itself (revision, the data paths it owns,
// metadata, WASM entrypoints), read as OPA reads it: unknown keys ignored, `roots`
// absent meaning [""] (the whole data tree), each root trimmed of '/'. And OPA's
// checks that the bundle keeps to its roots: roots do not overlap, every data
// file, policy package and WASM entrypoint lies under one of them.

export const MANIFEST_FILE = '.manifest';
export const SIGNATURES_FILE = '.signatures.json';

const decoder = new TextDecoder('utf-8', { fatal: true });

function manifestError(message: string, hint?: string): BundleError {
  return new BundleError('bundle_manifest_error', message, {
    file: MANIFEST_FILE,
    hint: hint ?? 'see docs/bundles.md for the fields of .manifest',
  });
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A manifest for a bundle that has none: revision "", every root. */
export function defaultManifest(): Manifest {
  return { revision: '', roots: [''] };
}

/** Roots are compared without leading or trailing '/': '/app/' is 'app'. */
export function normalizeRoot(root: string): string {
  return root.replace(/^\/+|\/+$/g, '');
}

/** Parses `.manifest` (JSON). `null` fields count as absent, as Go's decoder treats them. */
export function parseManifest(bytes: Uint8Array): Manifest {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw manifestError('.manifest is not valid UTF-8');
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const { line, col } = lineColAt(text, parsed.error.offset);
    throw manifestError(`.manifest:${line}:${col}: invalid JSON: ${parsed.error.message}`);
  }
  const raw = parsed.value;
  if (!isPlainObject(raw)) throw manifestError('.manifest must hold a JSON object');

  const field = (name: string): unknown => (Object.prototype.hasOwnProperty.call(raw, name) ? raw[name] : undefined) ?? undefined;
  const wrongType = (name: string, expected: string): BundleError =>
    manifestError(`.manifest: "${name}" must be ${expected}, got ${describe(field(name))}`);

  const revision = field('revision') ?? '';
  if (typeof revision !== 'string') throw wrongType('revision', 'a string');

  const rootsRaw = field('roots');
  let roots: string[];
  if (rootsRaw === undefined) roots = [''];
  else if (Array.isArray(rootsRaw) && rootsRaw.every((r) => typeof r === 'string')) roots = (rootsRaw as string[]).map(normalizeRoot);
  else throw wrongType('roots', 'an array of strings');

  const manifest: Manifest = { revision, roots };

  const metadata = field('metadata');
  if (metadata !== undefined) {
    if (!isPlainObject(metadata)) throw wrongType('metadata', 'an object');
    manifest.metadata = metadata;
  }

  const wasm = field('wasm');
  if (wasm !== undefined) {
    if (!Array.isArray(wasm)) throw wrongType('wasm', 'an array of {"entrypoint", "module"} objects');
    manifest.wasm = wasm.map((w, i): WasmEntry => {
      if (!isPlainObject(w)) throw manifestError(`.manifest: wasm[${i}] must be an object with "entrypoint" and "module"`);
      const { entrypoint, module } = w;
      if (typeof entrypoint !== 'string' || entrypoint === '') {
        throw manifestError(`.manifest: wasm[${i}].entrypoint must be a non-empty string such as "app/rbac/allow"`);
      }
      if (typeof module !== 'string' || module === '') {
        throw manifestError(`.manifest: wasm[${i}].module must be a non-empty string such as "/policy.wasm"`);
      }
      return { entrypoint, module };
    });
  }

  const regoVersion = field('rego_version');
  if (regoVersion !== undefined) {
    if (typeof regoVersion !== 'number' || !Number.isInteger(regoVersion)) throw wrongType('rego_version', 'an integer');
    manifest.rego_version = regoVersion;
  }
  return manifest;
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return 'an array';
  if (x === null) return 'null';
  return typeof x === 'object' ? 'an object' : `${typeof x} ${JSON.stringify(x)}`;
}

/**
 * The `.manifest` bytes railgate writes: the fields OPA knows, in OPA's order,
 * indented. `roots` is omitted when it is [""], as OPA omits it.
 */
export function serializeManifest(m: Manifest): Uint8Array {
  const out: Record<string, unknown> = { revision: m.revision };
  if (!(m.roots.length === 1 && m.roots[0] === '')) out['roots'] = m.roots;
  if (m.wasm && m.wasm.length > 0) out['wasm'] = m.wasm.map((w) => ({ entrypoint: w.entrypoint, module: w.module }));
  if (m.rego_version !== undefined) out['rego_version'] = m.rego_version;
  if (m.metadata !== undefined) out['metadata'] = m.metadata;
  return new TextEncoder().encode(`${JSON.stringify(out, null, 2)}\n`);
}

function segments(path: string): string[] {
  return path.split('/');
}

/** Whether root (a slash path, '' meaning everything) contains path (segments). */
function rootContains(root: string, path: readonly string[]): boolean {
  if (root === '') return true;
  const r = segments(root);
  if (r.length > path.length) return false;
  return r.every((s, i) => s === path[i]);
}

function isProperPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length < path.length && prefix.every((s, i) => s === path[i]);
}

/** True when one root contains the other (OPA refuses such manifests). */
export function rootsOverlap(a: string, b: string): boolean {
  return rootContains(a, segments(b)) || rootContains(b, segments(a));
}

/** Whether some root contains the path (data path segments, without `data`). */
export function rootsContain(roots: readonly string[], path: readonly string[]): boolean {
  return roots.some((r) => rootContains(r, path));
}

function rootsText(roots: readonly string[]): string {
  return `[${roots.map((r) => JSON.stringify(r)).join(', ')}]`;
}

/** OPA's rule: no root may contain another. */
export function checkRoots(roots: readonly string[]): void {
  for (let i = 0; i < roots.length; i++) {
    for (let j = i + 1; j < roots.length; j++) {
      if (rootsOverlap(roots[i]!, roots[j]!)) {
        throw manifestError(
          `.manifest has overlapping roots ${JSON.stringify(roots[i])} and ${JSON.stringify(roots[j])}`,
          'keep only the shorter root, or make them disjoint',
        );
      }
    }
  }
}

/** `data.a.b` for segments ["a", "b"]. */
export function dataPathText(path: readonly string[]): string {
  return path.length === 0 ? 'data' : `data.${path.join('.')}`;
}

/**
 * OPA's check on a data document placed at `at`: every value must lie under a
 * root; an object above a root is descended into. Names the data file.
 */
export function checkDataRoots(roots: readonly string[], at: readonly string[], value: unknown, file: string): void {
  const stack: Array<{ path: readonly string[]; value: unknown }> = [{ path: at, value }];
  // bounded by the size of the document: each node is visited once
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (rootsContain(roots, node.path)) continue;
    if (isPlainObject(node.value) && roots.some((r) => isProperPrefix(node.path, segments(r)))) {
      for (const key of Object.keys(node.value)) stack.push({ path: [...node.path, key], value: node.value[key] });
      continue;
    }
    throw new BundleError('bundle_manifest_error', `${file}: ${dataPathText(node.path)} is outside the bundle's roots ${rootsText(roots)}`, {
      file,
      hint: 'move the data under a root, or add its path to the roots in .manifest (railgate build --root)',
    });
  }
}

/** A parsed policy module as far as roots are concerned (a lang Module fits). */
export interface PackageOf {
  file: string;
  /** `package a.b` → ["a", "b"] */
  package: readonly string[];
}

/**
 * Every policy package must lie under a root. Bundles are read without parsing
 * their sources, so whoever parses them (build, activation, inspect) calls this.
 */
export function checkPackageRoots(roots: readonly string[], modules: readonly PackageOf[]): void {
  for (const m of modules) {
    if (rootsContain(roots, m.package)) continue;
    throw new BundleError(
      'bundle_manifest_error',
      `${m.file}: package ${m.package.join('.')} is outside the bundle's roots ${rootsText(roots)}`,
      { file: m.file, hint: 'change the package, or add its path to the roots in .manifest (railgate build --root)' },
    );
  }
}

/** `/policy.wasm` and `policy.wasm` name the same file; bundle paths have no leading '/'. */
export function wasmModulePath(module: string): string {
  return module.replace(/^\/+/, '');
}

/**
 * The manifest's WASM entries: each module present in the bundle, each
 * entrypoint under a root and used once. Returns nothing; throws naming the entry.
 */
export function checkWasmEntries(manifest: Manifest, files: readonly BundleFile[]): void {
  const present = new Set(files.map((f) => f.path));
  const seen = new Set<string>();
  for (const w of manifest.wasm ?? []) {
    const module = wasmModulePath(w.module);
    if (!present.has(module)) {
      throw new BundleError('bundle_manifest_error', `.manifest names WASM module ${JSON.stringify(w.module)} but the bundle has no file ${module}`, {
        file: MANIFEST_FILE,
        hint: 'rebuild the bundle with the module, or remove the wasm entry',
      });
    }
    const ep = normalizeRoot(w.entrypoint);
    if (!rootsContain(manifest.roots, segments(ep))) {
      throw new BundleError(
        'bundle_manifest_error',
        `.manifest: WASM entrypoint ${JSON.stringify(w.entrypoint)} is outside the bundle's roots ${rootsText(manifest.roots)}`,
        { file: MANIFEST_FILE, hint: 'add the entrypoint path to the roots' },
      );
    }
    if (seen.has(ep)) {
      throw new BundleError('bundle_manifest_error', `.manifest: WASM entrypoint ${JSON.stringify(w.entrypoint)} is listed twice`, {
        file: MANIFEST_FILE,
        hint: 'an entrypoint can be served by one module only',
      });
    }
    seen.add(ep);
  }
}

/** The default revision: a digest of everything the bundle holds except the revision itself. */
export function contentRevision(manifest: Manifest, files: readonly BundleFile[]): string {
  const h = createHash('sha256');
  h.update(serializeManifest({ ...manifest, revision: '' }));
  for (const f of files) {
    h.update(`\0${f.path}\0${f.bytes.length}\0`);
    h.update(f.bytes);
  }
  return h.digest('hex').slice(0, 16);
}
