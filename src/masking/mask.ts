import type { ClassifierSet, Match } from '../runtime/classifiers/types.js';
import { spliceMatches } from '../runtime/classifiers/index.js';
import { planRules, replacementFor, type MaskingRule, type RulePlan } from './rules.js';

// Masking one whole text: every match of the rules' classifiers is replaced. This is
// the reference the stream masker (stream.ts) must agree with, chunk by chunk.

export interface MaskOutcome {
  text: string;
  /** number of replaced spans (overlapping matches merged count once) */
  masked: number;
  /** a rule with action `block` matched */
  blocked: boolean;
  /** the classifiers that matched, sorted (names only, never values) */
  classifiers: string[];
}

/**
 * Replaces every match of the rules' classifiers in `text`. Matches that overlap
 * (of different classifiers, or a refined span inside another) merge into one
 * replaced span, as far as the chain of overlaps reaches; it gets the replacement of
 * the match that starts first, the longest of those on a tie, then the first
 * classifier by name. Replacements are never scanned again. `path` is the JSON path
 * of the text, for rules limited to `paths` (see planRules).
 */
export function maskText(text: string, rules: readonly MaskingRule[], classifiers: ClassifierSet, path?: string): MaskOutcome {
  const plan = planRules(rules, path);
  if (plan.names.length === 0 || text.length === 0) return { text, masked: 0, blocked: false, classifiers: [] };
  return splice(text, classifiers.scan(text, plan.names), plan);
}

/** `text` with the merged spans of `matches` (sorted by start, end, classifier) replaced. */
function splice(text: string, matches: readonly Match[], plan: RulePlan): MaskOutcome {
  const found = new Set<string>();
  let blocked = false;
  let masked = 0;
  const out = spliceMatches(text, matches, (lead, group) => {
    for (const m of group) {
      found.add(m.classifier);
      if (plan.blocking.has(m.classifier)) blocked = true;
    }
    masked++;
    return replacementFor(plan, lead.classifier);
  });
  return { text: out, masked, blocked, classifiers: [...found].sort() };
}
