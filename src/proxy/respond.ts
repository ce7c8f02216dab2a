import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { FastifyReply } from 'fastify';
import { maskText } from '../masking/index.js';
import type { ClassifierSet } from '../runtime/classifiers/types.js';
import { countTokens } from '../runtime/tokens.js';
import type { Decision, MaskRule } from './decision.js';
import { CAPPED } from './enforce.js';
import { ProxyError } from './errors.js';
import { readLimited, type UpstreamResponse } from './forward.js';
import { clientResponseHeaders, scrubSecrets } from './headers.js';
import { ResponseFormatError } from './protocols/errors.js';
import type { Operation, ProtocolAdapter, Usage } from './protocols/types.js';
import type { QuotaTicket } from './quota.js';
import { guardJsonResponse } from './response/json-guard.js';
import { createStreamGuard, StreamGuardError } from './response/stream-guard.js';
import { chainGuards, createUsageMeter } from './response/usage-meter.js';
import { serializeSseEvent, SseError } from './sse.js';
import type { Connection } from './server.js';
import { openStream } from './stream.js';

// The response half of the pipeline: what the client gets back from the upstream.
//
// - 2xx JSON: with mask rules, read whole (at most MAX_JSON_RESPONSE_BYTES), masked
//   by the adapter's response paths, sent with a new Content-Length; a blocking rule
//   → 403 response_blocked. Without mask rules it streams through untouched.
// - 2xx SSE: through the stream guard (incremental masking, bounded hold-back);
//   headers go out with the first upstream bytes; a blocking rule ends the stream
//   with the protocol's error event (or 403 if nothing was sent yet).
// - 2xx anything else: streams through without mask rules; with mask rules it
//   cannot be inspected → 502 unmaskable_response (fail closed).
// - upstream 4xx/5xx: passed through with their status and body (at most
//   MAX_ERROR_BODY_BYTES), every string in it masked and the upstream credentials
//   scrubbed — except 401/407, which mean the connection's own upstream
//   credentials are wrong: the client gets 502 upstream_error, not a 401 that
//   blames its key.
//
// Under a token budget (a QuotaTicket) the response is also measured: a JSON body is
// read whole (decoded) for its usage, or its texts counted when it reports none, and
// the RateLimit headers then say what is left after settlement; a stream goes through
// the usage meter (after the mask guard), which counts what is delivered, keeps the
// usage the stream reports, drops the usage chunk the client did not ask for, and
// cuts the stream at the reservation.

export const MAX_JSON_RESPONSE_BYTES = 64 * 1024 * 1024;
export const MAX_ERROR_BODY_BYTES = 1024 * 1024;
/** Depth of upstream error bodies walked for masking; deeper parts are replaced. */
const MAX_ERROR_DEPTH = 32;

export interface RespondContext {
  connection: Connection;
  /** the package that decided this request */
  policy: string;
  operation: Operation;
  decision: Decision;
  classifiers: ClassifierSet;
  revision: string;
  response: UpstreamResponse;
  signal: AbortSignal;
  stream: boolean;
  /** the request's model, for counting tokens */
  model?: string;
  /** the reservation this response settles, when budgets apply */
  quota?: QuotaTicket;
}

function mediaType(headers: UpstreamResponse['headers']): string {
  const v = headers['content-type'];
  return (Array.isArray(v) ? v[0] : v ?? '').split(';')[0]!.trim().toLowerCase();
}

function isJson(type: string): boolean {
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/** The upstream body as plain bytes: undone content encoding (the proxy asked for identity, not every server listens). */
function decoded(r: UpstreamResponse, connection: string): Readable {
  const v = r.headers['content-encoding'];
  const enc = (Array.isArray(v) ? v.join(',') : v ?? 'identity').trim().toLowerCase();
  if (enc === '' || enc === 'identity') return r.body;
  const z = enc === 'gzip' || enc === 'x-gzip' ? createGunzip() : enc === 'deflate' ? createInflate() : enc === 'br' ? createBrotliDecompress() : undefined;
  if (!z) {
    r.body.destroy();
    throw new ProxyError(502, 'unmaskable_response', `the upstream of connection ${connection} sent a response with Content-Encoding ${JSON.stringify(enc)}, which the proxy cannot decode to inspect`);
  }
  return pipeline(r.body, z, () => undefined);
}

function blockedError(c: RespondContext, classifiers: readonly string[]): ProxyError {
  const policy = c.policy;
  const which = classifiers.length > 0 ? ` (${[...new Set(classifiers)].join(', ')})` : '';
  return new ProxyError(
    403,
    'response_blocked',
    `the response was withheld by policy ${policy} (bundle revision ${JSON.stringify(c.revision)}): it contained content a blocking mask rule matched${which}. Rephrase the request.`,
    { extra: { policy, revision: c.revision, ...(classifiers.length > 0 ? { classifiers: [...new Set(classifiers)] } : {}) } },
  );
}

/** A response the adapter or the stream guard could not read: withheld (or cut short), since it cannot be masked. */
export function unreadableResponse(e: ResponseFormatError | SseError | StreamGuardError, connection: string): ProxyError {
  return new ProxyError(502, 'upstream_error', `the upstream response of connection ${connection} could not be inspected (${e.code}: ${e.message}); it was withheld`, { cause: e });
}

/** Any failure while streaming or reading a response, as the error the client should see. */
function responseFailure(e: unknown, c: RespondContext): Error {
  if (e instanceof ResponseFormatError || e instanceof SseError || e instanceof StreamGuardError) return unreadableResponse(e, c.connection.config.name);
  return c.connection.upstream.failure(e, c.signal, 'body');
}

function invalidUpstreamJson(connection: string): ProxyError {
  return new ProxyError(502, 'upstream_error', `the upstream of connection ${connection} sent a response labelled JSON that does not parse; it was not passed on because it could not be inspected`);
}

export async function respond(reply: FastifyReply, c: RespondContext): Promise<FastifyReply> {
  const res = c.response;
  const conn = c.connection;
  const name = conn.config.name;
  const secrets = conn.upstream.secrets;
  const type = mediaType(res.headers);
  const headers = clientResponseHeaders(res.headers, secrets);
  const rules = c.decision.mask;

  if (res.status === 401 || res.status === 407) {
    res.body.destroy();
    throw new ProxyError(502, 'upstream_error', `the upstream of connection ${name} refused the proxy's upstream credentials (HTTP ${res.status}); the operator should check connections[].upstreamHeaders`);
  }
  if (res.status >= 400) return passError(reply, c, headers, type);

  reply.code(res.status).headers(headers);
  const ticket = c.quota;
  if (res.status === 204 || res.status === 304 || (c.response.headers['content-length'] === '0' && rules.length === 0)) {
    res.body.destroy();
    ticket?.body(undefined, 0);
    return reply.send();
  }

  if (type === 'text/event-stream') {
    const mask =
      rules.length > 0
        ? createStreamGuard({ adapter: conn.adapter, operation: c.operation, rules, classifiers: c.classifiers, blockedError: blockedError(c, []).details })
        : undefined;
    const plan = ticket?.plan;
    const meter =
      ticket && plan?.tokens && CAPPED.has(c.operation)
        ? createUsageMeter({
            adapter: conn.adapter,
            operation: c.operation,
            ...(c.model !== undefined ? { model: c.model } : {}),
            completionLimit: plan.reserved.completion,
            stripUsage: plan.usageAdded,
            includeUsage: !plan.usageAdded,
            promptTokens: plan.reserved.prompt,
            cutMessage: `the stream reached the ${plan.reserved.completion} completion tokens its budget reservation holds (policy ${c.policy}); it was ended here`,
          })
        : undefined;
    if (meter) ticket!.stream(meter);
    const inspect = mask !== undefined || meter !== undefined;
    const source = inspect ? decoded(res, name) : res.body;
    if (!inspect && res.headers['content-encoding'] !== undefined) reply.header('content-encoding', String(res.headers['content-encoding']));
    const guard = meter ? chainGuards(mask, meter) : mask;
    let opened;
    try {
      opened = await openStream(source, guard, {
        onFailure: (e) => {
          const err = responseFailure(e, c);
          if (err instanceof ProxyError) reply.log.warn({ connection: name, code: err.code, status: err.status }, 'response stream ended early');
        },
        onError: (e) => {
          const err = responseFailure(e, c);
          if (!(err instanceof ProxyError)) return [];
          return [Buffer.from(serializeSseEvent(conn.adapter.streamError(err.details)))];
        },
      });
    } catch (e) {
      throw responseFailure(e, c);
    }
    // a cut at the reservation before the first byte still sends its end events
    if (opened.blockedEarly && mask?.blocked) throw blockedError(c, mask.classifiers);
    reply.header('cache-control', 'no-cache');
    return reply.send(opened.body);
  }

  if (rules.length === 0 && (!ticket || !isJson(type))) {
    // nothing to inspect: what it used cannot be told, so a budget is charged what it reserved
    ticket?.body(undefined, undefined);
    if (res.headers['content-encoding'] !== undefined) reply.header('content-encoding', String(res.headers['content-encoding']));
    if (res.headers['content-length'] !== undefined) reply.header('content-length', String(res.headers['content-length']));
    return reply.send(res.body);
  }

  if (!isJson(type)) {
    res.body.destroy();
    throw new ProxyError(502, 'unmaskable_response', `policy ${c.policy} masks responses, but the upstream of connection ${name} answered with ${type === '' ? 'no content type' : type}, which the proxy cannot inspect; the response was withheld`, {
      extra: { policy: c.policy, revision: c.revision },
    });
  }

  let bytes: Buffer;
  try {
    bytes = await readLimited(decoded(res, name), MAX_JSON_RESPONSE_BYTES, name);
  } catch (e) {
    throw conn.upstream.failure(e, c.signal, 'body');
  }
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    if (rules.length > 0) throw invalidUpstreamJson(name);
    // only measured, not masked: passed on as it came (uncounted, so charged as reserved)
    ticket?.body(undefined, undefined);
    return reply.send(bytes);
  }
  if (ticket) {
    const reported = readUsage(conn.adapter, body, c.operation);
    ticket.body(reported, reported?.completion === undefined ? countGenerated(conn.adapter, body, c.operation, c.model) : undefined);
    reply.headers(ticket.settledHeaders());
  }
  if (rules.length === 0) return reply.send(bytes);
  let guarded;
  try {
    guarded = guardJsonResponse(body, conn.adapter, c.operation, rules, c.classifiers);
  } catch (e) {
    throw responseFailure(e, c);
  }
  if (guarded.blocked) throw blockedError(c, guarded.classifiers);
  const out = Buffer.from(scrubSecrets(JSON.stringify(guarded.body), secrets), 'utf8');
  return reply.type('application/json').send(out);
}

/** Every string of a JSON value masked (for upstream error bodies, whose shape no adapter knows). */
function maskStrings(v: unknown, rules: MaskRule[], classifiers: ClassifierSet, found: string[], depth = 0): unknown {
  if (typeof v === 'string') {
    const r = maskText(v, rules, classifiers);
    found.push(...(r.blocked ? r.classifiers : []));
    if (r.blocked) found.push('');
    return r.text;
  }
  if (v === null || typeof v !== 'object') return v;
  if (depth >= MAX_ERROR_DEPTH) return '[…]';
  if (Array.isArray(v)) return v.map((x) => maskStrings(x, rules, classifiers, found, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) Object.defineProperty(out, k, { value: maskStrings(x, rules, classifiers, found, depth + 1), enumerable: true, writable: true, configurable: true });
  return out;
}

async function passError(reply: FastifyReply, c: RespondContext, headers: Record<string, string>, type: string): Promise<FastifyReply> {
  const res = c.response;
  const conn = c.connection;
  const name = conn.config.name;
  let bytes: Buffer;
  try {
    bytes = await readLimited(decoded(res, name), MAX_ERROR_BODY_BYTES, name);
  } catch (e) {
    throw conn.upstream.failure(e, c.signal, 'body');
  }
  const rules = c.decision.mask;
  const blocked: string[] = [];
  let text = bytes.toString('utf8');
  if (isJson(type)) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (body !== undefined) c.quota?.body(readUsage(conn.adapter, body, c.operation), undefined);
    if (body !== undefined) text = JSON.stringify(rules.length > 0 ? maskStrings(body, rules, c.classifiers, blocked) : body);
    else if (rules.length > 0) text = maskText(text, rules, c.classifiers).text;
  } else if (rules.length > 0) {
    const r = maskText(text, rules, c.classifiers);
    if (r.blocked) blocked.push(...r.classifiers, '');
    text = r.text;
  }
  if (blocked.length > 0) throw blockedError(c, blocked.filter((x) => x !== ''));
  reply.log.info({ connection: name, upstream_status: res.status }, 'upstream error passed through');
  return reply
    .code(res.status)
    .headers(headers)
    .send(Buffer.from(scrubSecrets(text, conn.upstream.secrets), 'utf8'));
}

/** The usage a body reports; an adapter that cannot read it reports none. */
function readUsage(adapter: ProtocolAdapter, body: unknown, operation: Operation): Usage | undefined {
  try {
    return adapter.usage(body, operation);
  } catch {
    return undefined;
  }
}

/** The tokens of every generated text in a response body (what a budget is charged when the upstream reports no usage). */
function countGenerated(adapter: ProtocolAdapter, body: unknown, operation: Operation, model: string | undefined): number | undefined {
  let n = 0;
  try {
    adapter.rewriteResponseTexts(body, operation, (text) => {
      if (text !== '') n += countTokens(text, model);
      return text;
    });
  } catch {
    return undefined;
  }
  return n;
}
