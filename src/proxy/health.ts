import type { FastifyInstance } from 'fastify';
import type { BundleClient } from '../bundle/client.js';

// Liveness and readiness. /healthz answers 200 while the process serves HTTP at
// all; /readyz answers 200 only with an active bundle — without one every proxied
// request is refused (503 no_active_policy), so a load balancer should not send
// traffic. Neither path is under a connection and neither needs credentials.

export const HEALTH_PATHS = ['/healthz', '/readyz'] as const;

export function registerHealth(app: FastifyInstance, bundles: BundleClient): void {
  app.get('/healthz', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });

  app.get('/readyz', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    const active = bundles.active;
    if (active) return { status: 'ready', revision: active.revision };
    const status = bundles.status();
    return reply.code(503).send({
      status: 'not_ready',
      code: 'no_active_policy',
      message: 'no policy bundle is active yet: the proxy refuses requests until one is (see the bundle source and the proxy log)',
      ...(status.last_error ? { last_error: status.last_error.code } : {}),
    });
  });
}
