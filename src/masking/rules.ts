// Which rules apply to one text, and what they do with a match. A mask rule and a
// redact rule share a shape (a redact rule is a mask rule without `action` and
// `paths`), so masking takes either; it never looks at anything else in them.

/** The parts of a MaskRule / RedactRule (src/proxy/decision.ts) that masking reads. */
export interface MaskingRule {
  readonly classifier: string;
  readonly replacement: string;
  /** JSON paths the rule is limited to; every text when absent */
  readonly paths?: readonly string[];
  /** `block`: a match stops the response instead of being replaced */
  readonly action?: 'mask' | 'block';
}

/** The rules for one text, per classifier. */
export interface RulePlan {
  /** the classifiers to look for, sorted, without duplicates */
  readonly names: readonly string[];
  /** per classifier: what replaces its matches (the first rule naming it) */
  readonly replacement: ReadonlyMap<string, string>;
  /** classifiers some rule blocks on */
  readonly blocking: ReadonlySet<string>;
}

/**
 * The rules that apply to a text at `path`. A rule with `paths` applies when one of
 * them names `path` (see pathMatches); when the caller knows no path, every rule
 * applies, so a text of unknown place is masked rather than let through.
 */
export function planRules(rules: readonly MaskingRule[], path?: string): RulePlan {
  const replacement = new Map<string, string>();
  const blocking = new Set<string>();
  for (const r of rules) {
    if (r.paths !== undefined && path !== undefined && !r.paths.some((p) => pathMatches(p, path))) continue;
    if (!replacement.has(r.classifier)) replacement.set(r.classifier, r.replacement);
    if (r.action === 'block') blocking.add(r.classifier);
  }
  return { names: [...replacement.keys()].sort(), replacement, blocking };
}

/** The text that replaces a match: `{name}` stands for the classifier's name, as in the `redact` builtin. */
export function replacementFor(plan: RulePlan, classifier: string): string {
  return plan.replacement.get(classifier)!.split('{name}').join(classifier);
}

type Segment = string | number | typeof ANY;
const ANY = Symbol('any');

const TOKEN = /\.([A-Za-z_$][A-Za-z0-9_$-]*)|\.\*|\[\*\]|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;

/** `$.a[0]['b c'].*` as segments, or undefined when it is not a path of that form. */
function segments(path: string): Segment[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const out: Segment[] = [];
  TOKEN.lastIndex = 1;
  while (TOKEN.lastIndex < path.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(path);
    if (!m || m.index !== at) return undefined;
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else if (m[3] !== undefined || m[4] !== undefined) out.push((m[3] ?? m[4])!.replace(/\\(.)/g, '$1'));
    else out.push(ANY);
  }
  return out;
}

/**
 * Whether the rule path `pattern` names the concrete path `path`: the same segments,
 * where `[*]` or `.*` in the pattern stands for any one index or name
 * (`$.results[*].text` names `$.results[3].text`, not `$.results[3].meta.text`).
 * `.name` and `['name']` are the same segment. A pattern that is not a simple path
 * must equal `path` exactly.
 */
export function pathMatches(pattern: string, path: string): boolean {
  if (pattern === path) return true;
  const want = segments(pattern);
  const got = segments(path);
  if (!want || !got || want.length !== got.length) return false;
  return want.every((w, i) => w === ANY || w === got[i]);
}
