// The decision document as the proxy reads it: the JSON value of the connection's
// policy package, checked and normalised into what enforcement needs. A decision
// the proxy cannot read (a `deny` that is not a collection, a `max_tokens` that is
// not a number) is a policy error for that request, never a silent allow.

export interface RedactRule {
  classifier: string;
  replacement: string;
}

export interface MaskRule {
  classifier: string;
  replacement: string;
  /** generic JSON connections: the response paths this rule applies to; all texts when absent */
  paths?: string[];
  /** `block` replaces the whole response with an error instead of masking the value */
  action: 'mask' | 'block';
}

export interface Decision {
  /** reasons, as strings (objects are shown as their JSON); non-empty → 403 */
  deny: string[];
  /** approval requests; non-empty → held (403 approval_required until the workflow exists) */
  approval: Array<Record<string, unknown>>;
  /** the completion cap; absent when the policy sets none */
  maxTokens?: number;
  /** what to do with a request asking for more than maxTokens: clamp it (default) or refuse it */
  maxTokensAction: 'clamp' | 'reject';
  /** quota entries, kept as the policy wrote them (enforced from the next issue on) */
  quota: Array<Record<string, unknown>>;
  redact: RedactRule[];
  mask: MaskRule[];
  record?: 'full' | 'metadata';
}

export class DecisionError extends Error {
  readonly code = 'policy_decision_error';
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`decision key ${key}: ${message}`);
    this.name = 'DecisionError';
  }
}

/** The placeholder written where a value was removed when the policy names none. */
export function defaultReplacement(classifier: string): string {
  return `[REDACTED:${classifier}]`;
}

function collection(doc: Record<string, unknown>, key: string): unknown[] {
  const v = doc[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new DecisionError(key, `must be a set (or array), got ${kind(v)}`);
  return v;
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function classifierRule(key: string, v: unknown): { classifier: string; replacement: string; o: Record<string, unknown> } {
  // `redact contains "pii.email"`: a classifier name alone, with the default replacement
  if (typeof v === 'string') v = { classifier: v };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new DecisionError(key, `each element must be a classifier name or an object {classifier, replacement?}, got ${kind(v)}`);
  const o = v as Record<string, unknown>;
  if (typeof o['classifier'] !== 'string' || o['classifier'] === '') throw new DecisionError(key, 'each element needs a "classifier" string');
  const r = o['replacement'];
  if (r !== undefined && typeof r !== 'string') throw new DecisionError(key, `"replacement" of ${o['classifier']} must be a string`);
  return { classifier: o['classifier'], replacement: r ?? defaultReplacement(o['classifier']), o };
}

function objects(key: string, xs: unknown[]): Array<Record<string, unknown>> {
  return xs.map((x) => {
    if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new DecisionError(key, `each element must be an object, got ${kind(x)}`);
    return x as Record<string, unknown>;
  });
}

/**
 * Reads a decision document (JSON, sets as arrays). Throws DecisionError when a key
 * the proxy acts on has the wrong shape. The proxy refuses a request whose package
 * is undefined (not in the bundle) before it gets here; an undefined document read
 * here is an empty decision.
 */
export function readDecision(doc: unknown): Decision {
  if (doc === undefined) doc = {};
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new DecisionError('(document)', `the policy package must evaluate to an object, got ${kind(doc)}`);
  const d = doc as Record<string, unknown>;

  const deny = collection(d, 'deny').map((r) => (typeof r === 'string' ? r : JSON.stringify(r)));
  // `approval contains "reason"` is shorthand for {"reason": "reason"}
  const approval = objects('approval', collection(d, 'approval').map((a) => (typeof a === 'string' ? { reason: a } : a)));
  const quota = objects('quota', collection(d, 'quota'));
  const redact = collection(d, 'redact').map((v) => {
    const { classifier, replacement } = classifierRule('redact', v);
    return { classifier, replacement };
  });
  const mask = collection(d, 'mask').map((v): MaskRule => {
    const { classifier, replacement, o } = classifierRule('mask', v);
    const action = o['action'] ?? 'mask';
    if (action !== 'mask' && action !== 'block') throw new DecisionError('mask', `"action" of ${classifier} must be "mask" or "block", got ${JSON.stringify(action)}`);
    const paths = o['paths'];
    if (paths !== undefined && (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string'))) {
      throw new DecisionError('mask', `"paths" of ${classifier} must be an array of JSON path strings`);
    }
    return { classifier, replacement, action, ...(paths !== undefined ? { paths: paths as string[] } : {}) };
  });

  const out: Decision = { deny, approval, maxTokensAction: 'clamp', quota, redact, mask };
  const max = d['max_tokens'];
  if (max !== undefined) {
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 0) throw new DecisionError('max_tokens', `must be a whole number ≥ 0, got ${JSON.stringify(max)}`);
    out.maxTokens = max;
  }
  const action = d['max_tokens_action'];
  if (action !== undefined) {
    if (action !== 'clamp' && action !== 'reject') throw new DecisionError('max_tokens_action', `must be "clamp" or "reject", got ${JSON.stringify(action)}`);
    out.maxTokensAction = action;
  }
  const record = d['record'];
  if (record !== undefined) {
    if (record !== 'full' && record !== 'metadata') throw new DecisionError('record', `must be "full" or "metadata", got ${JSON.stringify(record)}`);
    out.record = record;
  }
  return out;
}
