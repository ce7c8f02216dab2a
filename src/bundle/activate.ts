import { formatDiagnostic, hasErrors } from '../lang/diagnostics.js';
import { compileSources } from '../compiler/sources.js';
import { GateEvaluator } from '../evaluator/gate.js';
import { isWasmError, loadWasmPolicy } from '../wasm/index.js';
import type { EvaluateOptions, Evaluator } from '../evaluator/types.js';
import { BundleError } from './errors.js';
import { checkPackageRoots } from './manifest.js';
import type { ClassifierSet } from '../runtime/classifiers/types.js';
import type { Bundle } from './types.js';

// Turning a verified bundle into something that answers requests: compile its
// .gate sources (and load its WASM module) once per revision. An ActiveBundle is
// immutable, so swapping revisions is one reference assignment and an evaluation
// that started on a revision finishes on it.

export interface ActiveBundle {
  readonly revision: string;
  readonly bundle: Bundle;
  /** WASM entrypoints first, then the compiled policy set (which answers every path) */
  readonly evaluators: readonly Evaluator[];
  readonly activatedAt: Date;
  /** the built-in classifier library plus the classifiers the bundle's .gate sources declare: what redact and mask rules name */
  readonly classifiers: ClassifierSet;
  /** the evaluator that answers data.<path> */
  route(path: readonly string[]): Evaluator | undefined;
  /** the JSON value of data.<path>, undefined when undefined; throws the evaluator's typed errors */
  evaluate(path: readonly string[], input: unknown, opts?: EvaluateOptions): unknown;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function sourceText(path: string, bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new BundleError('bundle_policy_error', `${path} is not valid UTF-8`, { file: path, hint: 'save the policy file as UTF-8' });
  }
}

/** Policy sources railgate compiles: .gate always, .rego unless a WASM module evaluates the bundle. */
function policySources(bundle: Bundle): Map<string, string> {
  const hasWasm = (bundle.manifest.wasm?.length ?? 0) > 0;
  const sources = new Map<string, string>();
  for (const f of bundle.files) {
    if (f.path.endsWith('.gate') || (!hasWasm && f.path.endsWith('.rego'))) sources.set(f.path, sourceText(f.path, f.bytes));
  }
  return sources;
}

function compileGate(bundle: Bundle): GateEvaluator {
  const r = compileSources(policySources(bundle));
  if (!r.policy || hasErrors(r.diagnostics)) {
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0];
    throw new BundleError(
      'bundle_policy_error',
      `revision ${JSON.stringify(bundle.manifest.revision)} does not compile (${errors.length} error${errors.length === 1 ? '' : 's'}): ${errors
        .slice(0, 5)
        .map((d) => formatDiagnostic(d))
        .join('; ')}`,
      { ...(first?.loc ? { file: first.loc.file } : {}), hint: 'run `railgate check` on the bundle sources' },
    );
  }
  checkPackageRoots(
    bundle.manifest.roots,
    r.modules.map((m) => ({ file: m.loc.file, package: m.package })),
  );
  return new GateEvaluator(r.policy, bundle.data);
}

/** One evaluator per WASM module the manifest names, each checked against its entrypoints. */
async function loadWasm(bundle: Bundle): Promise<Evaluator[]> {
  const byModule = new Map<string, string[]>();
  for (const w of bundle.manifest.wasm ?? []) {
    const path = w.module.replace(/^\/+/, '');
    byModule.set(path, [...(byModule.get(path) ?? []), w.entrypoint]);
  }
  const out: Evaluator[] = [];
  for (const [path, entrypoints] of byModule) {
    const file = bundle.files.find((f) => f.path === path);
    if (!file) {
      throw new BundleError('bundle_wasm_error', `the manifest lists entrypoints in ${path}, which the bundle does not contain`, { file: '.manifest' });
    }
    try {
      out.push(await loadWasmPolicy(file.bytes, { data: bundle.data, entrypoints }));
    } catch (e) {
      if (!isWasmError(e)) throw e;
      throw new BundleError('bundle_wasm_error', `${path}: ${e.code}: ${e.message}`, { file: path, cause: e });
    }
  }
  return out;
}

export async function activateBundle(bundle: Bundle): Promise<ActiveBundle> {
  const evaluators = await loadWasm(bundle);
  const gate = compileGate(bundle);
  evaluators.push(gate);
  const route = (path: readonly string[]): Evaluator | undefined => evaluators.find((e) => e.answers(path));
  return Object.freeze({
    revision: bundle.manifest.revision,
    bundle,
    evaluators: Object.freeze(evaluators),
    activatedAt: new Date(),
    classifiers: gate.policy.classifiers,
    route,
    evaluate: (path: readonly string[], input: unknown, opts?: EvaluateOptions) => route(path)?.evaluate(path, input, opts),
  });
}
