import type { HttpProtocolConfig } from '../../config/types.js';
import { ResponseFormatError, responseTooDeep } from './errors.js';
import { kind, mapLeaves, type Visit } from './json.js';
import { compilePath, type CompiledPath } from './jsonpath.js';
import { checkCap, fail, requestTooDeep } from './request.js';
import type { ErrorDetails, ProtocolAdapter, SseEvent, StreamEnder, StreamStep } from './types.js';

// A generic JSON-over-HTTP connection (a vector store's query API, an internal
// service): every method and path under the prefix is one operation, named in the
// config, and the texts are wherever the config's JSON paths point. A path names a
// value; its string leaves are the texts (a string, an array of strings, or an
// object's strings, in document order); numbers and booleans are not text. Paths
// that match nothing are skipped, and a leaf named by two paths is visited once.
// A request without a body (GET) has no texts.
//
// There is no completion cap to set in an unknown API: setMaxCompletion leaves the
// body as it is and parse reports none.
//
// Streamed responses are not supported on generic connections: without knowing how
// an API splits text across events, a value split in two would pass unmasked. The
// stream methods throw (`stream_not_supported`), so a pipeline that must mask a
// text/event-stream response from such an upstream ends it with an error instead.
//
// Errors are `{"error": {"type", "code", "message", ...extra}}`, the proxy's own shape.

function errorObject(d: ErrorDetails): Record<string, unknown> {
  const { type: _t, code: _c, message: _m, ...rest } = d.extra ?? {};
  return { type: d.type, code: d.code, message: d.message, ...rest };
}

function unsupported(): never {
  throw new ResponseFormatError('stream_not_supported', 'generic HTTP connections cannot mask a streamed (text/event-stream) response; the upstream must answer with JSON');
}

/**
 * Every string leaf the paths name in `doc`, in path order then document order,
 * each once; the result is the document with every leaf replaced by `f`.
 */
function visitPaths(paths: readonly CompiledPath[], doc: unknown, f: Visit, tooDeep: (path: string) => never): unknown {
  const seen = new Set<string>();
  let out = doc;
  for (const p of paths) {
    out = p.rewrite(out, (value, at) =>
      mapLeaves(
        value,
        at,
        (text, leafPath) => {
          if (seen.has(leafPath)) return text;
          seen.add(leafPath);
          return f(text, leafPath);
        },
        tooDeep,
      ),
    );
  }
  return out;
}

export function httpAdapter(config: HttpProtocolConfig): ProtocolAdapter {
  const requestPaths = config.requestTexts.map(compilePath);
  const responsePaths = config.responseTexts.map(compilePath);
  const modelPath = config.model !== undefined ? compilePath(config.model) : undefined;
  const operation = config.operation;

  return {
    protocol: 'http',

    route() {
      return operation;
    },

    parse(body) {
      const texts: string[] = [];
      visitPaths(requestPaths, body, (t) => {
        texts.push(t);
        return t;
      }, requestTooDeep);
      let model: string | undefined;
      const found = modelPath?.get(body)[0];
      if (found && found.value !== undefined && found.value !== null) {
        if (typeof found.value !== 'string') fail(found.path, `the model must be a string, got ${kind(found.value)}`);
        model = found.value as string;
      }
      return { operation, ...(model !== undefined ? { model } : {}), stream: false, texts };
    },

    rewriteRequestTexts(body, _op, rewrite) {
      return visitPaths(requestPaths, body, (t) => rewrite(t), requestTooDeep);
    },

    setMaxCompletion(body, _op, cap) {
      checkCap(cap);
      return body;
    },

    rewriteResponseTexts(body, _op, rewrite) {
      return visitPaths(responsePaths, body, rewrite, responseTooDeep);
    },

    streamStep(): StreamStep {
      return unsupported();
    },

    rewriteStreamEvent(): SseEvent {
      return unsupported();
    },

    deltaEvent(): SseEvent {
      return unsupported();
    },

    error(status, details) {
      return { status, body: { error: errorObject(details) } };
    },

    streamError(details) {
      return { event: 'error', data: JSON.stringify({ error: errorObject(details) }) };
    },

    // an unknown API reports no usage the proxy could read, and generates no completion
    // it could cap: a token budget is charged the prompt's counted tokens
    usage() {
      return undefined;
    },

    streamUsage() {
      return undefined;
    },

    requestStreamUsage(body) {
      return { body, added: false };
    },

    isUsageOnlyEvent() {
      return false;
    },

    budgetShape() {
      return { messages: 0, completions: 0 };
    },

    streamEnder(): StreamEnder {
      return unsupported();
    },
  };
}
