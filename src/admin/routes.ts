import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BundleClient } from '../bundle/client.js';
import type { AdminConfig } from '../config/types.js';
import { AuthError, authErrorStatus, type Authenticator } from '../identity/index.js';
import { QuotaStoreError, type QuotaStore } from '../quota/index.js';

// The admin API: what operators ask a running proxy — current quota usage and the
// bundle client's status. Callers authenticate like any client (token or API key)
// and must belong to one of admin.groups; without an admin section the API does
// not exist (404), so nothing is exposed by default.

export interface AdminDeps {
  admin: AdminConfig | undefined;
  authenticator: Authenticator;
  bundles: BundleClient;
  quota: QuotaStore | undefined;
}

function refuse(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ error: { code, message } });
}

function one(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const admin = deps.admin;
  if (!admin) return;
  const allowed = new Set(admin.groups);

  const guard = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    try {
      const who = await deps.authenticator.authenticate(request.headers);
      if (who.groups.some((g) => allowed.has(g))) return undefined;
      return refuse(reply, 403, 'forbidden', `the admin API is for members of ${[...allowed].join(', ')}; ${who.id} is not one`);
    } catch (e) {
      if (!(e instanceof AuthError)) throw e;
      return refuse(reply, authErrorStatus(e.code), 'unauthenticated', e.message);
    }
  };

  app.get('/admin/quotas', async (request, reply) => {
    if (await guard(request, reply)) return reply;
    if (!deps.quota) return refuse(reply, 404, 'not_found', 'this proxy counts no quotas');
    const q = request.query as Record<string, unknown>;
    const key = one(q['key']);
    const name = one(q['name']);
    try {
      const counters = await deps.quota.usage(Date.now(), { ...(key !== undefined ? { key } : {}), ...(name !== undefined ? { name } : {}) });
      return reply.header('cache-control', 'no-store').send({ store: deps.quota.kind, counters });
    } catch (e) {
      if (e instanceof QuotaStoreError) return refuse(reply, 503, e.code, e.message);
      throw e;
    }
  });

  app.get('/admin/bundle', async (request, reply) => {
    if (await guard(request, reply)) return reply;
    return reply.header('cache-control', 'no-store').send(deps.bundles.status());
  });
}
