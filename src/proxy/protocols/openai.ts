import { own, withKey, type JsonObject } from './json.js';
import { chatTexts, completionTexts, embeddingTexts, responsesTexts } from './openai-request.js';
import { chatResponseTexts, completionResponseTexts, responsesResponseTexts, type Visit } from './openai-response.js';
import {
  chatChunkWalk,
  chatDeltaEvent,
  completionChunkWalk,
  completionDeltaEvent,
  isDone,
  responsesDeltaEvent,
  responsesEventWalk,
} from './openai-stream.js';
import { openaiBudgetShape, openaiIsUsageOnly, openaiRequestStreamUsage, openaiStreamEnder, openaiStreamUsage, openaiUsage } from './openai-usage.js';
import { checkCap, optionalCount, optionalString, requireObject, streamFlag, type TextRewrite } from './request.js';
import { eventJson, rewriteWith, stepOf, type EventWalk } from './stream.js';
import type { ErrorDetails, Operation, ProtocolAdapter, SseEvent } from './types.js';

// OpenAI and OpenAI-compatible servers (vLLM, Ollama, LiteLLM, Azure-style gateways):
// POST /v1/chat/completions, /v1/completions, /v1/responses, /v1/embeddings.
//
// Paths are accepted with or without the /v1: a client whose base URL already ends
// in /v1 (`baseURL: http://gateway/openai/v1`, the SDK default shape) sends
// /v1/chat/completions, one configured with `http://gateway/openai` and a raw
// `/chat/completions` sends the short form. The path is forwarded as sent, so the
// connection's upstream URL decides which form the upstream sees.
//
// Completion cap: chat sets `max_completion_tokens` (what current OpenAI models
// accept; reasoning models refuse `max_tokens`) — and `max_tokens` too when the
// body uses it, because older OpenAI-compatible servers only read that one;
// completions use `max_tokens`, responses `max_output_tokens`; embeddings have none.

const ROUTES: Record<string, Operation> = {
  '/chat/completions': 'chat',
  '/completions': 'completion',
  '/responses': 'responses',
  '/embeddings': 'embedding',
};

type Walk = (body: JsonObject, f: TextRewrite) => JsonObject;

const REQUEST_WALKS: Partial<Record<Operation, Walk>> = {
  chat: chatTexts,
  completion: completionTexts,
  responses: responsesTexts,
  embedding: embeddingTexts,
};

const RESPONSE_WALKS: Partial<Record<Operation, (body: unknown, f: Visit) => unknown>> = {
  chat: chatResponseTexts,
  completion: completionResponseTexts,
  responses: responsesResponseTexts,
};

const STREAM_WALKS: Partial<Record<Operation, EventWalk>> = {
  chat: chatChunkWalk,
  completion: completionChunkWalk,
  responses: responsesEventWalk,
};

const CAP_FIELDS: Partial<Record<Operation, string>> = {
  completion: 'max_tokens',
  responses: 'max_output_tokens',
};

function requestWalk(op: Operation): Walk {
  const w = REQUEST_WALKS[op];
  if (!w) throw new RangeError(`the openai protocol has no operation ${op}`);
  return w;
}

function streamWalk(op: Operation): EventWalk {
  const w = STREAM_WALKS[op];
  if (!w) throw new RangeError(`the openai protocol does not stream ${op}`);
  return w;
}

/** `/v1/chat/completions?x=1` → `/chat/completions`; undefined when it is not under /v1 or the root. */
function routePath(path: string): string {
  let p = path;
  const q = p.indexOf('?');
  if (q >= 0) p = p.slice(0, q);
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p.startsWith('/v1/') ? p.slice(3) : p;
}

/** OpenAI's error object, railgate's extra fields after the standard ones (which they never replace). */
export function openaiError(d: ErrorDetails): JsonObject {
  const { message: _m, type: _t, code: _c, param, ...rest } = d.extra ?? {};
  return { message: d.message, type: d.type, param: param ?? null, code: d.code, ...rest };
}

function chatCap(o: JsonObject): number | undefined {
  const a = optionalCount(o, 'max_completion_tokens');
  const b = optionalCount(o, 'max_tokens');
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

export const openaiAdapter: ProtocolAdapter = {
  protocol: 'openai',

  route(method, path) {
    if (method.toUpperCase() !== 'POST') return undefined;
    const p = routePath(path);
    return Object.hasOwn(ROUTES, p) ? ROUTES[p] : undefined;
  },

  parse(body, operation) {
    const walk = requestWalk(operation);
    const o = requireObject(body);
    const model = optionalString(o, 'model', '$.model');
    const texts: string[] = [];
    walk(o, (t) => {
      texts.push(t);
      return t;
    });
    const stream = operation === 'embedding' ? false : streamFlag(o);
    const maxCompletion = operation === 'chat' ? chatCap(o) : CAP_FIELDS[operation] ? optionalCount(o, CAP_FIELDS[operation]!) : undefined;
    return {
      operation,
      ...(model !== undefined ? { model } : {}),
      stream,
      texts,
      ...(maxCompletion !== undefined ? { maxCompletion } : {}),
    };
  },

  rewriteRequestTexts(body, operation, rewrite) {
    return requestWalk(operation)(requireObject(body), rewrite);
  },

  setMaxCompletion(body, operation, cap) {
    checkCap(cap);
    requestWalk(operation);
    const o = requireObject(body);
    if (operation === 'chat') {
      const usesOld = own(o, 'max_tokens') !== undefined && own(o, 'max_tokens') !== null;
      const usesNew = own(o, 'max_completion_tokens') !== undefined && own(o, 'max_completion_tokens') !== null;
      let out = o;
      if (usesNew || !usesOld) out = withKey(out, 'max_completion_tokens', cap);
      if (usesOld) out = withKey(out, 'max_tokens', cap);
      return out;
    }
    const field = CAP_FIELDS[operation];
    return field ? withKey(o, field, cap) : o;
  },

  rewriteResponseTexts(body, operation, rewrite) {
    requestWalk(operation);
    const walk = RESPONSE_WALKS[operation];
    return walk ? walk(body, rewrite) : body;
  },

  streamStep(event, operation) {
    const walk = streamWalk(operation);
    return stepOf(walk, event, isDone(event) ? undefined : eventJson(event));
  },

  rewriteStreamEvent(event, operation, texts) {
    const walk = streamWalk(operation);
    return rewriteWith(walk, event, isDone(event) ? undefined : eventJson(event), texts);
  },

  deltaEvent(key, text, like, operation): SseEvent {
    switch (operation) {
      case 'chat':
        return chatDeltaEvent(key, text, like);
      case 'completion':
        return completionDeltaEvent(key, text, like);
      case 'responses':
        return responsesDeltaEvent(key, text, like);
      default:
        throw new RangeError(`the openai protocol does not stream ${operation}`);
    }
  },

  error(status, details) {
    return { status, body: { error: openaiError(details) } };
  },

  streamError(details) {
    // the SDKs throw an APIError for any stream event whose data has an `error` object
    return { data: JSON.stringify({ error: openaiError(details) }) };
  },

  usage: openaiUsage,
  streamUsage: openaiStreamUsage,
  requestStreamUsage: openaiRequestStreamUsage,
  isUsageOnlyEvent: openaiIsUsageOnly,
  budgetShape: openaiBudgetShape,
  streamEnder: openaiStreamEnder,
};
