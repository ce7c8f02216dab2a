import { maskText } from '../../masking/index.js';
import type { ClassifierSet } from '../../runtime/classifiers/types.js';
import type { MaskRule } from '../decision.js';
import type { Operation, ProtocolAdapter } from '../protocols/types.js';

// A whole JSON response body through the mask rules: every text the protocol adapter
// says was generated (message content, tool-call arguments, completions, content
// blocks, a generic connection's paths) is masked with its JSON path, so rules
// limited to `paths` apply where they should.

export interface GuardedJson {
  /** the body with every generated text masked (a copy where something changed) */
  body: unknown;
  /** a rule with action `block` matched: the caller replaces the response with an error */
  blocked: boolean;
  /** replaced spans, over all texts */
  masked: number;
  /** the classifiers that matched, sorted (names only) */
  classifiers: string[];
}

export function guardJsonResponse(body: unknown, adapter: ProtocolAdapter, operation: Operation, rules: readonly MaskRule[], classifiers: ClassifierSet): GuardedJson {
  if (rules.length === 0) return { body, blocked: false, masked: 0, classifiers: [] };
  let blocked = false;
  let masked = 0;
  const found = new Set<string>();
  const out = adapter.rewriteResponseTexts(body, operation, (text, path) => {
    const r = maskText(text, rules, classifiers, path);
    blocked ||= r.blocked;
    masked += r.masked;
    for (const c of r.classifiers) found.add(c);
    return r.text;
  });
  return { body: out, blocked, masked, classifiers: [...found].sort() };
}
