// Rego policies compiled to WebAssembly by `opa build -t wasm`, evaluated with
// @open-policy-agent/opa-wasm behind the same evaluator contract as .gate packages.

export { loadWasmPolicy, type WasmEvaluator, type WasmPolicyOptions } from './policy.js';
export { WasmError, isWasmError, type WasmErrorCode, type WasmLocation } from './errors.js';
export { GUARDRAIL_BUILTINS, OPA_WASM_BUILTINS } from './builtins.js';
