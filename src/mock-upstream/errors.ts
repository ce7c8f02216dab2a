import { randomId } from './ids.js';

// Errors as the real providers spell them, so SDKs map them to their error classes
// and a proxy under test sees the bodies it will meet in production.

export type Provider = 'openai' | 'anthropic';

/** A request the mock refuses; rendered in the provider's error style. */
export class MockError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** OpenAI's `param`: the request field at fault */
    readonly param: string | null = null,
    /** OpenAI's `code`, e.g. `invalid_api_key` */
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'MockError';
  }
}

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

function openaiType(status: number): string {
  if (status === 429) return 'requests';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

/** What an injected status says when the test gives no message. */
export function defaultMessage(provider: Provider, status: number): string {
  switch (status) {
    case 429:
      return provider === 'openai' ? 'Rate limit reached for requests. Please try again in 1s.' : 'Number of requests has exceeded your rate limit.';
    case 500:
      return provider === 'openai' ? 'The server had an error while processing your request. Sorry about that!' : 'Internal server error';
    case 503:
      return 'The service is temporarily unavailable. Please try again later.';
    case 529:
      return 'Overloaded';
    default:
      return `The upstream failed with HTTP ${status}.`;
  }
}

export function errorBody(provider: Provider, e: MockError): unknown {
  if (provider === 'anthropic') {
    const type = ANTHROPIC_TYPES[e.status] ?? (e.status >= 500 ? 'api_error' : 'invalid_request_error');
    return { type: 'error', error: { type, message: e.message }, request_id: randomId('req_011', 24) };
  }
  return { error: { message: e.message, type: openaiType(e.status), param: e.param, code: e.code } };
}

/** Headers the providers add to an error response (SDKs read retry-after to pace retries). */
export function errorHeaders(status: number): Record<string, string> {
  return status === 429 || status === 503 || status === 529 ? { 'retry-after': '1' } : {};
}
