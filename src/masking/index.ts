// Masking: replacing what classifiers find in text, whole (maskText) or as it streams
// (StreamMasker). Pure: no I/O, no protocol knowledge; the proxy's response guards
// (src/proxy/response/) apply it to the texts a protocol adapter points at.

export { maskText, type MaskOutcome } from './mask.js';
export { StreamMasker, type StreamMaskerOptions } from './stream.js';
export { planRules, pathMatches, type MaskingRule, type RulePlan } from './rules.js';
