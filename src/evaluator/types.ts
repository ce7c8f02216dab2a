// The one contract the gateway has with policies: an evaluator maps an input
// document to the value of a data path. The compiled DSL (./gate.ts) and an OPA
// WASM module (../wasm) are two implementations; the proxy never knows which.

export interface EvaluateOptions {
  /** raise builtin errors instead of making the call undefined (the proxy always sets it: fail closed) */
  strict?: boolean;
  budget?: { maxSteps?: number; timeoutMs?: number };
  /** the evaluation's clock (time.now_ns) */
  nowNs?: number;
}

export interface Evaluator {
  readonly kind: 'gate' | 'wasm';
  /** whether data.<path> is answered by this evaluator */
  answers(path: readonly string[]): boolean;
  /**
   * The JSON value of data.<path> for this input (sets become arrays), undefined
   * when undefined. Throws an Error carrying a string `code` (EvalError for the
   * DSL, WasmError for WASM), never a string or a plain object.
   */
  evaluate(path: readonly string[], input: unknown, opts?: EvaluateOptions): unknown;
}
