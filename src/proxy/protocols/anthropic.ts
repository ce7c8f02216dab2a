import { withKey, type JsonObject } from './json.js';
import { messagesTexts } from './anthropic-request.js';
import { anthropicBudgetShape, anthropicStreamEnder, anthropicStreamUsage, anthropicUsage } from './anthropic-usage.js';
import { messagesDeltaEvent, messagesEventWalk, messagesResponseTexts } from './anthropic-stream.js';
import { checkCap, fail, optionalCount, optionalString, requireObject, streamFlag } from './request.js';
import { eventJson, rewriteWith, stepOf } from './stream.js';
import type { ErrorDetails, Operation, ProtocolAdapter } from './types.js';

// Anthropic's Messages API: POST /v1/messages (also /messages, for a base URL that
// already ends in /v1; a query such as the SDK's `?beta=true` is ignored for
// routing). `max_tokens` is required by the API and refused here when missing, so
// a request never reaches the model without a cap the policy has seen.
//
// Errors take Anthropic's shape, `{"type": "error", "error": {"type", "message"}}`:
// railgate's code goes in `error.code` and in `error.details.error_code` (which the
// SDK exposes as `errorCode`), its extra fields (policy, revision, reasons) beside
// them. The error type is one Anthropic clients know: railgate's own types are
// mapped (a policy refusal is a `permission_error`), others follow the status.

const ANTHROPIC_TYPES = new Set([
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'timeout_error',
  'api_error',
  'overloaded_error',
]);

const BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export function anthropicErrorType(type: string, status: number | undefined): string {
  if (ANTHROPIC_TYPES.has(type)) return type;
  if (type === 'policy_violation') return 'permission_error';
  if (status !== undefined && Object.hasOwn(BY_STATUS, status)) return BY_STATUS[status]!;
  if (status !== undefined && status >= 400 && status < 500) return 'invalid_request_error';
  return 'api_error';
}

export function anthropicError(d: ErrorDetails, status: number | undefined): JsonObject {
  const { type: _t, message: _m, code: _c, details: _d, ...rest } = d.extra ?? {};
  return { type: anthropicErrorType(d.type, status), message: d.message, code: d.code, ...rest, details: { error_code: d.code } };
}

function messagesOnly(op: Operation): void {
  if (op !== 'messages') throw new RangeError(`the anthropic protocol has no operation ${op}`);
}

function routePath(path: string): string {
  let p = path;
  const q = p.indexOf('?');
  if (q >= 0) p = p.slice(0, q);
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

export const anthropicAdapter: ProtocolAdapter = {
  protocol: 'anthropic',

  route(method, path) {
    if (method.toUpperCase() !== 'POST') return undefined;
    const p = routePath(path);
    return p === '/v1/messages' || p === '/messages' ? 'messages' : undefined;
  },

  parse(body, operation) {
    messagesOnly(operation);
    const o = requireObject(body);
    const model = optionalString(o, 'model', '$.model');
    const texts: string[] = [];
    messagesTexts(o, (t) => {
      texts.push(t);
      return t;
    });
    const maxCompletion = optionalCount(o, 'max_tokens');
    if (maxCompletion === undefined) fail('$.max_tokens', 'is required by the Messages API');
    return { operation, ...(model !== undefined ? { model } : {}), stream: streamFlag(o), texts, maxCompletion };
  },

  rewriteRequestTexts(body, operation, rewrite) {
    messagesOnly(operation);
    return messagesTexts(requireObject(body), rewrite);
  },

  setMaxCompletion(body, operation, cap) {
    messagesOnly(operation);
    checkCap(cap);
    return withKey(requireObject(body), 'max_tokens', cap);
  },

  rewriteResponseTexts(body, operation, rewrite) {
    messagesOnly(operation);
    return messagesResponseTexts(body, rewrite);
  },

  streamStep(event, operation) {
    messagesOnly(operation);
    return stepOf(messagesEventWalk, event, eventJson(event));
  },

  rewriteStreamEvent(event, operation, texts) {
    messagesOnly(operation);
    return rewriteWith(messagesEventWalk, event, eventJson(event), texts);
  },

  deltaEvent(key, text, like, operation) {
    messagesOnly(operation);
    return messagesDeltaEvent(key, text, like);
  },

  error(status, details) {
    return { status, body: { type: 'error', error: anthropicError(details, status), request_id: null } };
  },

  streamError(details) {
    return { event: 'error', data: JSON.stringify({ type: 'error', error: anthropicError(details, undefined) }) };
  },

  usage(body, operation) {
    messagesOnly(operation);
    return anthropicUsage(body);
  },

  streamUsage(event, operation) {
    return operation === 'messages' ? anthropicStreamUsage(event) : undefined;
  },

  requestStreamUsage(body) {
    // every Messages stream reports its usage
    return { body, added: false };
  },

  isUsageOnlyEvent() {
    return false;
  },

  budgetShape(body, operation) {
    messagesOnly(operation);
    return anthropicBudgetShape(body);
  },

  streamEnder: anthropicStreamEnder,
};
