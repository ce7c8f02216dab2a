import { readFile, stat } from 'node:fs/promises';
import type { Body } from '../../lang/ast.js';
import { activateBundle, type ActiveBundle } from '../../bundle/activate.js';
import { DEFAULT_LIMITS } from '../../bundle/archive.js';
import { BundleError, formatBundleError } from '../../bundle/errors.js';
import { parseSigningAlg, readKeyArg } from '../../bundle/keys.js';
import { readBundle } from '../../bundle/read.js';
import { GateEvaluator } from '../../evaluator/gate.js';
import type { EvaluateOptions } from '../../evaluator/types.js';
import { fromJSON } from '../../runtime/value.js';
import { EXIT_ERROR, type CliIO } from '../io.js';
import { printValue, reportEvalFailure, solutionsToJSON } from './eval-output.js';
import { evaluateQuery } from '../toolchain.js';
import type { RefPath } from '../ref.js';

// `railgate eval -b bundle.tar.gz`: the bundle exactly as the proxy would activate
// it (verified when a key is given, compiled, WASM loaded), then one evaluation
// through the same evaluator contract the proxy uses.

export interface BundleEvalOptions {
  bundle: string;
  verificationKey?: string;
  /** checked here: a name outside SIGNING_ALGS is a key error */
  signingAlg?: string;
  keyId?: string;
  scope?: string;
  strict: boolean;
  timeout?: number;
}

export type Target = { path: RefPath } | { query: Body };

/** One step into a JSON value: an array index or an object key; undefined when absent. */
function step(v: unknown, p: string | number): unknown {
  if (Array.isArray(v)) return typeof p === 'number' ? v[p] : undefined;
  if (typeof v === 'object' && v !== null && Object.hasOwn(v, String(p))) return (v as Record<string, unknown>)[String(p)];
  return undefined;
}

/** Evaluators take rule paths; from the first array index on, the path walks the value. */
function evaluatePath(active: ActiveBundle, path: RefPath, input: unknown, opts: EvaluateOptions): unknown {
  const i = path.findIndex((p) => typeof p === 'number');
  let v = active.evaluate((i < 0 ? path : path.slice(0, i)) as string[], input, opts);
  for (const p of i < 0 ? [] : path.slice(i)) v = step(v, p);
  return v;
}

async function load(io: CliIO, opts: BundleEvalOptions): Promise<ActiveBundle | number> {
  try {
    const size = (await stat(opts.bundle)).size;
    if (size > DEFAULT_LIMITS.maxTotalBytes) {
      throw new BundleError('bundle_too_large', `${opts.bundle} is ${size} bytes, more than the ${DEFAULT_LIMITS.maxTotalBytes}-byte limit`, {
        file: opts.bundle,
      });
    }
    const bytes = await readFile(opts.bundle);
    const alg = opts.signingAlg === undefined ? undefined : parseSigningAlg(opts.signingAlg);
    const verification =
      opts.verificationKey === undefined
        ? undefined
        : {
            key: await readKeyArg(opts.verificationKey, alg ? { alg, flag: '--verification-key' } : { flag: '--verification-key' }),
            ...(alg ? { alg } : {}),
            ...(opts.keyId !== undefined ? { keyId: opts.keyId } : {}),
            ...(opts.scope !== undefined ? { scope: opts.scope } : {}),
          };
    return await activateBundle(await readBundle(bytes, verification ? { verification } : {}));
  } catch (e) {
    if (e instanceof BundleError) {
      io.err(`railgate: ${opts.bundle}: ${formatBundleError(e)}\n`);
      return EXIT_ERROR;
    }
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      io.err(`railgate: ${opts.bundle}: no such file\n`);
      return EXIT_ERROR;
    }
    throw e;
  }
}

/** Prints the value of a path (or a query's solutions) from a bundle; exit 0/1/2 as `eval`. */
export async function runBundleEval(io: CliIO, target: Target, input: unknown, opts: BundleEvalOptions): Promise<number> {
  const active = await load(io, opts);
  if (typeof active === 'number') return active;
  const evalOpts: EvaluateOptions = { strict: opts.strict, ...(opts.timeout !== undefined ? { budget: { timeoutMs: opts.timeout } } : {}) };
  let json: unknown;
  try {
    if ('path' in target) {
      json = evaluatePath(active, target.path, input, evalOpts);
    } else {
      const gate = active.evaluators.find((e): e is GateEvaluator => e instanceof GateEvaluator)!;
      json = solutionsToJSON(
        evaluateQuery(gate.policy, target.query, {
          data: gate.data,
          ...(input !== undefined ? { input: fromJSON(input) } : {}),
          ...(opts.timeout !== undefined ? { timeoutMs: opts.timeout } : {}),
          strict: opts.strict,
        }),
      );
    }
  } catch (e) {
    return reportEvalFailure(io, e, new Map(), `evaluation failed (bundle revision ${JSON.stringify(active.revision)})`);
  }
  return printValue(io, json);
}
