import type { IncomingHttpHeaders } from 'node:http';
import { messages } from './anthropic.js';
import { chatCompletions } from './chat.js';
import { completions } from './completions.js';
import type { HandlerContext } from './context.js';
import { embeddings } from './embeddings.js';
import type { Provider } from './errors.js';
import { listModels, retrieveModel } from './models.js';
import { responses } from './responses.js';
import { vectorStoreSearch } from './search.js';
import type { Reply } from './sse.js';

// The endpoints the mock serves, and which provider's style a path speaks.

export interface Route {
  provider: Provider;
  method: 'GET' | 'POST';
  /** path parameters, in order */
  handle(body: unknown, ctx: HandlerContext, params: string[]): Reply;
}

const ROUTES: Array<{ pattern: RegExp } & Route> = [
  { pattern: /^\/v1\/chat\/completions$/, provider: 'openai', method: 'POST', handle: (b, c) => chatCompletions(b, c) },
  { pattern: /^\/v1\/completions$/, provider: 'openai', method: 'POST', handle: (b, c) => completions(b, c) },
  { pattern: /^\/v1\/responses$/, provider: 'openai', method: 'POST', handle: (b, c) => responses(b, c) },
  { pattern: /^\/v1\/embeddings$/, provider: 'openai', method: 'POST', handle: (b, c) => embeddings(b, c) },
  { pattern: /^\/v1\/models$/, provider: 'openai', method: 'GET', handle: () => listModels() },
  { pattern: /^\/v1\/models\/([^/]+)$/, provider: 'openai', method: 'GET', handle: (_b, _c, [id]) => retrieveModel(id!) },
  { pattern: /^\/v1\/vector_stores\/([^/]+)\/search$/, provider: 'openai', method: 'POST', handle: (b, _c, [id]) => vectorStoreSearch(id!, b) },
  { pattern: /^\/v1\/messages$/, provider: 'anthropic', method: 'POST', handle: (b, c) => messages(b, c) },
];

function decodeParam(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p; // a malformed escape is kept as sent, and the handler answers for it
  }
}

export type RouteMatch = { route: Route; params: string[] } | { route: undefined; provider: Provider };

export function matchRoute(method: string, path: string, headers: IncomingHttpHeaders): RouteMatch {
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (m && r.method === method) return { route: r, params: m.slice(1).map(decodeParam) };
  }
  return { route: undefined, provider: providerFor(path, headers) };
}

/** The style of an answer to a path the mock does not serve: Anthropic's when the request looks like an Anthropic client's. */
export function providerFor(path: string, headers: IncomingHttpHeaders): Provider {
  if (path.startsWith('/v1/messages')) return 'anthropic';
  return headers['anthropic-version'] !== undefined || headers['x-api-key'] !== undefined ? 'anthropic' : 'openai';
}
