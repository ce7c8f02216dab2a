import type { ErrorDetails, ProtocolAdapter } from './protocols/types.js';

// Every refusal the proxy itself makes is a ProxyError: an HTTP status, a code a
// program can switch on, a message saying what happened and how to fix it, and for
// policy outcomes the package and bundle revision. It becomes a body in the
// connection's protocol style (adapter.error), or a plain JSON error outside any
// connection. A message never holds prompt text, tokens or keys.

export type ProxyErrorCode =
  /** no connection or no operation at this method + path */
  | 'not_found'
  | 'request_too_large'
  | 'unsupported_media_type'
  /** the body is not JSON (the position is named, the body is not echoed) */
  | 'invalid_json'
  /** the protocol adapter refused the body */
  | 'invalid_request'
  /** no or bad credentials: the AuthError's code is in `reason` */
  | 'unauthenticated'
  | 'identity_provider_unavailable'
  /** no bundle is active: fail closed */
  | 'no_active_policy'
  /** evaluation failed, the decision is unreadable, the package is missing, a rule names an unknown classifier */
  | 'policy_error'
  | 'policy_violation'
  | 'approval_required'
  | 'max_tokens_exceeded'
  | 'upstream_unavailable'
  | 'upstream_timeout'
  /** the upstream answered with something the proxy cannot pass on safely (bad JSON, unknown encoding) */
  | 'upstream_error'
  | 'response_too_large'
  /** a mask rule with `action: block` matched the response */
  | 'response_blocked'
  /** mask rules apply but the response is not JSON or SSE */
  | 'unmaskable_response'
  /** a quota of the decision cannot take the request: 429 with Retry-After */
  | 'quota_exhausted'
  /** the quota store cannot be reached and quota.on_store_error is deny */
  | 'quota_store_unavailable'
  | 'internal_error';

/** The protocol-neutral error type for each code (what OpenAI calls `type`). */
const TYPES: Record<ProxyErrorCode, string> = {
  not_found: 'not_found_error',
  request_too_large: 'request_too_large',
  unsupported_media_type: 'invalid_request_error',
  invalid_json: 'invalid_request_error',
  invalid_request: 'invalid_request_error',
  unauthenticated: 'authentication_error',
  identity_provider_unavailable: 'authentication_error',
  no_active_policy: 'policy_error',
  policy_error: 'policy_error',
  policy_violation: 'policy_violation',
  approval_required: 'policy_violation',
  max_tokens_exceeded: 'invalid_request_error',
  upstream_unavailable: 'upstream_error',
  upstream_timeout: 'upstream_error',
  upstream_error: 'upstream_error',
  response_too_large: 'upstream_error',
  response_blocked: 'policy_violation',
  unmaskable_response: 'upstream_error',
  quota_exhausted: 'rate_limit_error',
  quota_store_unavailable: 'api_error',
  internal_error: 'api_error',
};

export class ProxyError extends Error {
  readonly status: number;
  readonly code: ProxyErrorCode;
  /** fields added to the protocol's error object: policy, revision, reasons, reason */
  readonly extra: Record<string, unknown> | undefined;
  /** response headers that belong to this error (WWW-Authenticate, Retry-After) */
  readonly headers: Record<string, string> | undefined;
  constructor(
    status: number,
    code: ProxyErrorCode,
    message: string,
    opts: { extra?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ProxyError';
    this.status = status;
    this.code = code;
    this.extra = opts.extra;
    this.headers = opts.headers;
  }

  get details(): ErrorDetails {
    return { code: this.code, message: this.message, type: TYPES[this.code], ...(this.extra ? { extra: this.extra } : {}) };
  }
}

/** The status and body a client gets for `err` on a connection (adapter) or outside any. */
export function errorResponse(err: ProxyError, adapter: ProtocolAdapter | undefined): { status: number; body: unknown } {
  if (adapter) return adapter.error(err.status, err.details);
  const d = err.details;
  return { status: err.status, body: { error: { type: d.type, code: d.code, message: d.message, ...(d.extra ?? {}) } } };
}

/** The fields every policy outcome names. */
export function policyFields(policy: string, revision: string): { policy: string; revision: string } {
  return { policy, revision };
}
