import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { BundleClient } from '../bundle/client.js';
import type { Config, ConnectionConfig } from '../config/types.js';
import { AuthError, authChallenge, authErrorStatus, type Authenticator, type Identity } from '../identity/index.js';
import { QuotaSpecError, readQuotas } from '../quota/spec.js';
import type { QuotaStore } from '../quota/types.js';
import { decide, enforce, policyError } from './enforce.js';
import { errorResponse, ProxyError } from './errors.js';
import { trackConnections } from './drain.js';
import { ClientGone, Upstream } from './forward.js';
import { upstreamRequestHeaders } from './headers.js';
import { registerHealth } from './health.js';
import { registerAdminRoutes } from '../admin/routes.js';
import { buildInput } from './input.js';
import { readJsonBody } from './json-body.js';
import { adapterFor, ResponseFormatError } from './protocols/index.js';
import { RequestError, type Operation, type ProtocolAdapter } from './protocols/types.js';
import { respond, unreadableResponse } from './respond.js';
import { policyFor } from '../config/policy.js';
import { planQuota, reserveQuota } from './quota.js';
import { routeUrls, splitTarget, type Target } from './route.js';

// The proxy's HTTP server: one Fastify app, one route pair per connection prefix,
// and the pipeline of docs/proxy.md for every request under a prefix:
//
//   onRequest: route (404) → identity (401/503)
//   body:      Fastify reads at most the connection's body limit (413)
//   handler:   JSON (415/400) → active bundle, read once (503) → adapter.parse (400)
//              → input → evaluate (500 policy_error) → enforce (403/400) → quota
//              reserve (429/503) → forward (502/504) → response guard (JSON or SSE
//              masking, 403 response_blocked; usage metering) → quota settlement when
//              the response closes, however it ends
//
// Every refusal is a ProxyError rendered by the connection's adapter; the error
// handler is the one place that turns errors into responses.

export interface ProxyDeps {
  bundles: BundleClient;
  authenticator: Authenticator;
  /** where log lines go (JSON lines); default standard output. Tests pass a stream to read them. */
  logStream?: NodeJS.WritableStream;
  /**
   * where the budgets of `quota` decisions are counted; the caller opens and closes
   * it. Without one, a request whose decision has quota entries is refused with 503
   * quota_store_unavailable (or let through uncounted with quota.on_store_error: allow).
   */
  quota?: QuotaStore;
}

/** A connection as the server runs it. */
export interface Connection {
  config: ConnectionConfig;
  adapter: ProtocolAdapter;
  upstream: Upstream;
}

/** What onRequest learned about a request, for the handler. */
interface Routed {
  connection: Connection;
  target: Target;
  operation: Operation;
  identity: Identity;
}

/** Request bodies that are not JSON are never parsed by Fastify: the pipeline reads the raw bytes. */
function rawBodyParser(_request: FastifyRequest, body: Buffer, done: (err: Error | null, body?: Buffer) => void): void {
  done(null, body);
}

function logOptions(config: Config, stream: NodeJS.WritableStream | undefined): object | false {
  if (config.log.level === 'silent') return false;
  return {
    level: config.log.level,
    ...(stream ? { stream } : {}),
    // no headers (credentials), no query strings (some APIs put keys there)
    serializers: {
      req: (r: { method?: string; url?: string; ip?: string }) => ({ method: r.method, path: (r.url ?? '').split('?')[0], ip: r.ip }),
      res: (r: { statusCode?: number }) => ({ status: r.statusCode }),
    },
  };
}

export function buildProxyApp(config: Config, deps: ProxyDeps): FastifyInstance {
  const app = Fastify({
    logger: logOptions(config, deps.logStream),
    // one line per request, written in onResponse, instead of Fastify's two
    logController: new LogController({ disableRequestLogging: true }),
    // bodies of the largest connection at most; each route sets its own limit
    bodyLimit: Math.max(1024, ...config.connections.map((c) => c.bodyLimitBytes)),
    return503OnClosing: true,
    // behind a load balancer, input.source.ip is the client's, not the balancer's
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
  });
  const routed = new WeakMap<FastifyRequest, Routed>();
  const byName = new Map<string, Connection>();
  for (const c of config.connections) byName.set(c.name, { config: c, adapter: adapterFor(c), upstream: new Upstream(c) });

  const connectionOf = (request: FastifyRequest): Connection | undefined => {
    const name = (request.routeOptions.config as { connection?: unknown } | undefined)?.connection;
    return typeof name === 'string' ? byName.get(name) : undefined;
  };

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, rawBodyParser);

  app.setNotFoundHandler((request, reply) => {
    const err = new ProxyError(404, 'not_found', `no connection serves ${request.method} ${(request.raw.url ?? '/').split('?')[0]}: use a configured connection prefix (railgate.yaml connections[].prefix)`);
    sendError(reply, undefined, err);
  });

  app.setErrorHandler((error, request, reply) => {
    const connection = connectionOf(request);
    if (error instanceof ClientGone) {
      request.log.debug({ connection: connection?.config.name }, 'client went away; upstream request aborted');
      if (!reply.raw.destroyed) reply.raw.destroy();
      return;
    }
    const err = asProxyError(error, connection);
    if (err.status >= 500) {
      const cause = err.cause as { code?: string; message?: string; location?: string } | undefined;
      request.log.error(
        { connection: connection?.config.name, code: err.code, ...(err.extra?.['revision'] !== undefined ? { revision: err.extra['revision'] } : {}), ...(cause ? { cause: { code: cause.code, message: cause.message, location: cause.location } } : {}) },
        err.message,
      );
    } else {
      request.log.info({ connection: connection?.config.name, status: err.status, code: err.code }, 'request refused');
    }
    sendError(reply, connection?.adapter, err);
  });

  // Shutting down: responses still in flight say Connection: close, connections
  // without a request in progress are closed (now, or when their response ends), so
  // close() waits only for real work.
  let closing = false;
  const connections = trackConnections(app.server);
  app.addHook('preClose', async () => {
    closing = true;
    connections.drain();
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing && !reply.raw.headersSent) reply.header('connection', 'close');
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ method: request.method, path: (request.raw.url ?? '').split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  registerHealth(app, deps.bundles);
  registerAdminRoutes(app, { admin: config.admin, authenticator: deps.authenticator, bundles: deps.bundles, quota: deps.quota });

  // settlements still writing to the store; close() waits for them
  const settling = new Set<Promise<void>>();
  const track = (p: Promise<void>): void => {
    settling.add(p);
    void p.finally(() => settling.delete(p));
  };

  for (const connection of byName.values()) {
    const c = connection.config;
    const onRequest = async (request: FastifyRequest): Promise<void> => {
      const target = splitTarget(request.raw.url ?? '/', c.prefix);
      const operation = target ? connection.adapter.route(request.method, target.path) : undefined;
      if (!target || !operation) {
        throw new ProxyError(404, 'not_found', `connection ${c.name} (${c.protocol}) has no operation at ${request.method} ${target?.path ?? '(invalid path)'}; check the SDK's base URL (it should end in the connection prefix ${c.prefix}${c.protocol === 'openai' ? '/v1' : ''})`);
      }
      let identity: Identity;
      try {
        identity = await deps.authenticator.authenticate(request.headers);
      } catch (e) {
        if (!(e instanceof AuthError)) throw e;
        const status = authErrorStatus(e.code);
        const challenge = authChallenge(e.code);
        throw new ProxyError(status, status === 401 ? 'unauthenticated' : 'identity_provider_unavailable', e.message, {
          extra: { reason: e.code },
          ...(challenge ? { headers: { 'www-authenticate': challenge } } : {}),
        });
      }
      routed.set(request, { connection, target, operation, identity });
    };

    const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const r = routed.get(request);
      if (!r) throw new ProxyError(500, 'internal_error', 'the request was not routed');
      return handle(request, reply, r);
    };

    for (const url of routeUrls(c.prefix)) {
      app.route({ method: ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS'], url, bodyLimit: c.bodyLimitBytes, config: { connection: c.name }, onRequest, handler });
    }
  }

  async function handle(request: FastifyRequest, reply: FastifyReply, r: Routed): Promise<FastifyReply> {
    const { connection, target, operation, identity } = r;
    const c = connection.config;
    const body = readJsonBody(request.method, request.headers['content-type'], request.body as Buffer | undefined);
    // read once: the whole request runs on this revision, even if a new one activates meanwhile
    const active = deps.bundles.active;
    if (!active) {
      throw new ProxyError(503, 'no_active_policy', `no policy bundle is active, so connection ${c.name} refuses every request (fail closed); the proxy keeps polling the bundle source — check /readyz and the proxy log`, {
        headers: { 'retry-after': '5' },
      });
    }
    let parsed;
    try {
      parsed = connection.adapter.parse(body, operation);
    } catch (e) {
      if (e instanceof RequestError) throw new ProxyError(400, 'invalid_request', e.message, { ...(e.path !== undefined ? { extra: { param: e.path } } : {}) });
      throw e;
    }
    const now = new Date();
    const input = buildInput({ identity, connection: c, parsed, method: request.method, path: target.path, headers: request.headers, body, ip: request.ip, now });
    const policy = policyFor(c, operation);
    const decision = decide(active, policy, input, config.evaluation, now);
    const enforced = enforce(decision, { policy, revision: active.revision, adapter: connection.adapter, operation, parsed, body, classifiers: active.classifiers });

    let specs;
    try {
      specs = readQuotas(decision.quota);
    } catch (e) {
      if (!(e instanceof QuotaSpecError)) throw e;
      throw policyError(policy, active.revision, 'returned a quota entry the proxy cannot use', { code: e.code, message: e.message });
    }
    const plan = planQuota({
      specs,
      adapter: connection.adapter,
      operation,
      body: enforced.body,
      stream: parsed.stream,
      cap: enforced.cap ?? parsed.maxCompletion,
      promptTokens: input.tokens.prompt,
      config: config.quota,
    });
    const ticket =
      plan.lines.length === 0
        ? undefined
        : await reserveQuota(plan, { store: deps.quota, onStoreError: config.quota.onStoreError, policy, revision: active.revision, connection: c.name, log: request.log });
    if (ticket) {
      reply.headers(ticket.headers());
      // the response is over (sent, failed, or the client left): charge what was used, once
      if (reply.raw.destroyed) {
        track(ticket.settle());
        throw new ClientGone();
      }
      reply.raw.once('close', () => track(ticket.settle()));
    }

    // a client that goes away takes its upstream request with it
    const abort = new AbortController();
    const onClose = (): void => {
      if (!reply.raw.writableFinished) abort.abort();
    };
    reply.raw.on('close', onClose);
    // (the request stream itself ends once its body is read: only a closed response means the client left)
    if (reply.raw.destroyed && !reply.raw.writableFinished) abort.abort();

    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(plan.body), 'utf8');
    const cap = enforced.cap ?? plan.defaultCap;
    try {
      ticket?.forwarding();
      const res = await connection.upstream.send({
        method: request.method,
        target,
        headers: upstreamRequestHeaders(request.headers, c.upstreamHeaders, payload !== undefined),
        ...(payload !== undefined ? { body: payload } : {}),
        signal: abort.signal,
      });
      ticket?.answered(res.status);
      request.log.debug(
        { connection: c.name, operation, policy, revision: active.revision, user: identity.id, redacted: enforced.redacted, ...(cap !== undefined ? { cap } : {}), ...(ticket ? { quotas: plan.lines.length } : {}), upstream_status: res.status },
        'forwarded',
      );
      return await respond(reply, {
        connection,
        policy,
        operation,
        decision,
        classifiers: active.classifiers,
        revision: active.revision,
        response: res,
        signal: abort.signal,
        stream: parsed.stream,
        ...(parsed.model !== undefined ? { model: parsed.model } : {}),
        ...(ticket ? { quota: ticket } : {}),
      });
    } catch (e) {
      ticket?.failed(e);
      throw e;
    }
  }

  app.addHook('onClose', async () => {
    await Promise.all([...byName.values()].map((c) => c.upstream.close(true)));
    await Promise.all([...settling]);
  });

  return app;
}

/** Fastify's own errors (body too large, bad content length) and anything unexpected, as ProxyErrors. */
function asProxyError(error: unknown, connection: Connection | undefined): ProxyError {
  if (error instanceof ProxyError) return error;
  if (error instanceof ResponseFormatError) return unreadableResponse(error, connection?.config.name ?? '(unknown)');
  const e = error as { code?: unknown; statusCode?: unknown };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const limit = connection?.config.bodyLimitBytes;
    return new ProxyError(413, 'request_too_large', `the request body is larger than ${limit !== undefined ? `${limit} bytes, the limit of connection ${connection!.config.name}` : 'the limit'}; send a smaller request (or raise connections[].bodyLimit)`);
  }
  if (typeof e.code === 'string' && e.code.startsWith('FST_ERR_CTP_')) {
    return new ProxyError(400, 'invalid_request', 'the request body could not be read (its length does not match Content-Length, or it was cut short)');
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ProxyError(400, 'invalid_request', 'the request could not be read');
  }
  return new ProxyError(500, 'internal_error', 'the proxy failed to handle the request; the proxy log has the details', { cause: error });
}

function sendError(reply: FastifyReply, adapter: ProtocolAdapter | undefined, err: ProxyError): void {
  if (reply.sent || reply.raw.headersSent) {
    reply.raw.destroy();
    return;
  }
  const { status, body } = errorResponse(err, adapter);
  for (const [k, v] of Object.entries(err.headers ?? {})) reply.header(k, v);
  reply.header('cache-control', 'no-store');
  void reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
}
