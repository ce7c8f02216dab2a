import type { ActiveBundle } from '../bundle/activate.js';
import type { Config } from '../config/types.js';
import { maskText } from '../masking/index.js';
import { readDecision, type Decision } from './decision.js';
import { ProxyError } from './errors.js';
import { nowNs, type InputDocument } from './input.js';
import type { Operation, ParsedRequest, ProtocolAdapter } from './protocols/types.js';

// The policy half of the pipeline: evaluate the connection's package on the active
// revision, read the decision, and apply what must happen before forwarding —
// refuse (deny, approval), cap (max_tokens) and rewrite (redact). Pure apart from
// the evaluation itself; every refusal is a ProxyError naming the package and the
// revision, and nothing here ever quotes the input.

/** What a policy failure looks like to the log: the error's code, where, and its message. */
export interface PolicyFailure {
  code: string;
  message: string;
  location?: string;
}

function describeFailure(e: unknown): PolicyFailure {
  const err = e as { code?: unknown; message?: unknown; loc?: { file: string; line: number }; location?: { file: string; row: number } };
  const code = typeof err?.code === 'string' ? err.code : 'policy_internal_error';
  const message = e instanceof Error ? e.message : String(e);
  const location = err?.loc ? `${err.loc.file}:${err.loc.line}` : err?.location ? `${err.location.file}:${err.location.row}` : undefined;
  return { code, message, ...(location !== undefined ? { location } : {}) };
}

/** A 500 `policy_error` for this request; the cause (for the log) is kept on the error. */
export function policyError(policy: string, revision: string, what: string, failure?: PolicyFailure): ProxyError {
  const where = failure ? ` (${failure.code}${failure.location ? ` at ${failure.location}` : ''})` : '';
  return new ProxyError(
    500,
    'policy_error',
    `the policy ${policy} (bundle revision ${JSON.stringify(revision)}) ${what}${where}; the request was not forwarded. Fix the policy and publish a new bundle; the proxy log has the details.`,
    { extra: { policy, revision }, ...(failure ? { cause: failure } : {}) },
  );
}

/**
 * The decision of the connection's package for `input` on `active`. A package the
 * revision does not hold, an evaluation error (budget, conflict, builtin in strict
 * mode, WASM trap) or a decision document the proxy cannot read is a policy_error:
 * this request fails closed and the next one is evaluated afresh.
 */
export function decide(active: ActiveBundle, policy: string, input: InputDocument, evaluation: Config['evaluation'], now: Date): Decision {
  const path = policy.split('.').filter((s) => s !== '');
  let doc: unknown;
  try {
    doc = active.evaluate(path, input, { strict: true, budget: { timeoutMs: evaluation.timeoutMs, maxSteps: evaluation.maxSteps }, nowNs: nowNs(now) });
  } catch (e) {
    throw policyError(policy, active.revision, 'failed to evaluate', describeFailure(e));
  }
  // A package that exists evaluates to an object (maybe empty); undefined means the
  // revision has no such package, and a silent allow would be fail-open.
  if (doc === undefined) {
    throw policyError(policy, active.revision, 'is not in the bundle', {
      code: 'policy_not_found',
      message: `no package ${policy} in bundle revision ${JSON.stringify(active.revision)}`,
    });
  }
  let decision: Decision;
  try {
    decision = readDecision(doc);
  } catch (e) {
    throw policyError(policy, active.revision, 'returned a decision the proxy cannot read', describeFailure(e));
  }
  for (const [key, rules] of [['redact', decision.redact], ['mask', decision.mask]] as const) {
    for (const rule of rules) {
      if (active.classifiers.has(rule.classifier)) continue;
      throw policyError(policy, active.revision, `names an unknown classifier in a ${key} rule`, {
        code: 'unknown_classifier',
        message: `${key} classifier ${JSON.stringify(rule.classifier)} is neither built in nor declared in the bundle`,
      });
    }
  }
  return decision;
}

export interface Enforced {
  /** the body to forward: capped and redacted */
  body: unknown;
  /** the completion cap set on the request, when the policy lowered or set it */
  cap?: number;
  /** prompt texts changed by redaction */
  redacted: number;
}

export interface EnforceContext {
  /** the package that decided (the connection's policy for this operation) */
  policy: string;
  revision: string;
  adapter: ProtocolAdapter;
  operation: Operation;
  parsed: ParsedRequest;
  body: unknown;
  classifiers: ActiveBundle['classifiers'];
}

/** Operations whose requests have a completion cap. */
export const CAPPED: ReadonlySet<Operation> = new Set(['chat', 'completion', 'responses', 'messages']);

/**
 * Applies a decision to a request: deny → 403 policy_violation; approval → 403
 * approval_required (until the approval workflow exists); max_tokens → the cap is
 * set when the client asked for more or for none, or (max_tokens_action "reject")
 * a request asking for more is refused with 400 max_tokens_exceeded; redact → the
 * prompt texts rewritten. Quota entries are the next step (./quota.ts).
 */
export function enforce(decision: Decision, c: EnforceContext): Enforced {
  const fields = { policy: c.policy, revision: c.revision };
  if (decision.deny.length > 0) {
    throw new ProxyError(
      403,
      'policy_violation',
      `the request was denied by policy ${c.policy} (bundle revision ${JSON.stringify(c.revision)}): ${decision.deny.join('; ')}`,
      { extra: { ...fields, reasons: decision.deny } },
    );
  }
  if (decision.approval.length > 0) {
    const reasons = decision.approval.map((a) => (typeof a['reason'] === 'string' ? a['reason'] : JSON.stringify(a)));
    const approvers = [...new Set(decision.approval.flatMap((a) => (Array.isArray(a['approvers']) ? a['approvers'].filter((x): x is string => typeof x === 'string') : [])))];
    throw new ProxyError(
      403,
      'approval_required',
      `the request needs approval under policy ${c.policy} (bundle revision ${JSON.stringify(c.revision)}): ${reasons.join('; ')}. Approval workflows are not available yet: ask an approver to adjust the policy, or use a request that needs none.`,
      { extra: { ...fields, reasons, ...(approvers.length > 0 ? { approvers } : {}) } },
    );
  }

  let body = c.body;
  let cap: number | undefined;
  const max = decision.maxTokens;
  if (max !== undefined && CAPPED.has(c.operation)) {
    const asked = c.parsed.maxCompletion;
    if (asked !== undefined && asked > max && decision.maxTokensAction === 'reject') {
      throw new ProxyError(
        400,
        'max_tokens_exceeded',
        `the request asks for up to ${asked} completion tokens; policy ${c.policy} (bundle revision ${JSON.stringify(c.revision)}) allows at most ${max}: lower the request's max tokens to ${max} or less`,
        { extra: { ...fields, max_tokens: max, requested: asked } },
      );
    }
    if (asked === undefined || asked > max) {
      body = c.adapter.setMaxCompletion(body, c.operation, max);
      cap = max;
    }
  }

  let redacted = 0;
  if (decision.redact.length > 0) {
    body = c.adapter.rewriteRequestTexts(body, c.operation, (text) => {
      const r = maskText(text, decision.redact, c.classifiers);
      if (r.masked > 0) redacted++;
      return r.text;
    });
  }
  return { body, ...(cap !== undefined ? { cap } : {}), redacted };
}
