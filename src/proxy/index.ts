import type { FastifyInstance } from 'fastify';
import { BundleClient, type BundleEvent } from '../bundle/client.js';
import { formatBundleError } from '../bundle/errors.js';
import type { Config } from '../config/types.js';
import { createAuthenticator } from '../identity/index.js';
import type { Authenticator } from '../identity/types.js';
import type { QuotaStore } from '../quota/types.js';
import { openQuotaStore } from './quota.js';
import { buildProxyApp } from './server.js';

// The proxy's public API: startProxy builds everything from a Config (bundle
// client, authenticator, server), starts listening and returns a handle whose
// close() drains in-flight requests and stops the rest. buildProxyApp is the
// server alone, for Fastify inject() in tests.

export { buildProxyApp, type Connection, type ProxyDeps } from './server.js';
export { ProxyError, type ProxyErrorCode } from './errors.js';
export { openQuotaStore } from './quota.js';

export interface ProxyServer {
  /** `http://host:port` as listened on */
  url: string;
  /** the fastify instance, for inject() in tests */
  app: FastifyInstance;
  bundles: BundleClient;
  /** where the budgets are counted (config.quota, or StartOptions.quotaStore) */
  quota: QuotaStore;
  /** stops accepting, lets in-flight requests finish (at most graceMs, then cuts them), stops the bundle client and the authenticator */
  close(opts?: { graceMs?: number }): Promise<void>;
}

export interface StartOptions {
  /** where log lines go (JSON lines); default standard output */
  logStream?: NodeJS.WritableStream;
  /** called for every bundle client event (the CLI prints activations) */
  onBundleEvent?: (e: BundleEvent) => void;
  /**
   * how long to wait for the first bundle poll before listening (default
   * FIRST_POLL_WAIT_MS; 0: not at all). The proxy listens either way; a slow or
   * unreachable bundle server only delays readiness, never the start.
   */
  firstPollWaitMs?: number;
  /** count budgets here instead of in the store config.quota names; the caller closes it */
  quotaStore?: QuotaStore;
}

/** How long close() lets in-flight requests run by default. */
export const DEFAULT_GRACE_MS = 10_000;

/** How long start-up waits for the first bundle poll (a persisted bundle is active before it). */
export const FIRST_POLL_WAIT_MS = 5_000;

/** Resolves when `p` settles or after `ms`, whichever is first. */
async function atMost(p: Promise<unknown>, ms: number): Promise<void> {
  if (ms <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.then(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/**
 * Starts the proxy: the bundle client (first poll awaited, never fatal: without a
 * bundle the proxy serves 503 and keeps polling), the authenticator (throws
 * IdentityConfigError for an unusable identity section), the quota store of
 * config.quota (throws QuotaStoreError when a SQLite file cannot be opened) and the
 * server on config.listen. Throws when the address cannot be bound.
 */
export async function startProxy(config: Config, opts: StartOptions = {}): Promise<ProxyServer> {
  let log: FastifyInstance['log'] | undefined;
  const pending: BundleEvent[] = [];
  const logBundleEvent = (e: BundleEvent): void => {
    if (!log) {
      pending.push(e);
      return;
    }
    if (e.type === 'activated') log.info({ revision: e.revision, source: e.source }, 'bundle activated');
    else if (e.type === 'error') log.warn({ stage: e.stage, code: e.error.code }, `bundle ${formatBundleError(e.error)}`);
    else if (e.type === 'backoff') log.debug({ delay_ms: e.delayMs, failures: e.failures }, 'bundle poll backing off');
  };
  const b = config.bundle;
  const bundles = new BundleClient({
    source: b.source,
    ...(b.verification ? { verification: { key: b.verification.key, ...(b.verification.keyId !== undefined ? { keyId: b.verification.keyId } : {}), ...(b.verification.scope !== undefined ? { scope: b.verification.scope } : {}), ...(b.verification.alg !== undefined ? { alg: b.verification.alg } : {}) } } : {}),
    polling: b.polling,
    ...(b.persistDir !== undefined ? { persistDir: b.persistDir } : {}),
    ...(Object.keys(b.headers).length > 0 ? { headers: b.headers } : {}),
    onEvent: (e) => {
      logBundleEvent(e);
      opts.onBundleEvent?.(e);
    },
  });

  let authenticator: Authenticator | undefined;
  let app: FastifyInstance | undefined;
  // a store the proxy opens is the proxy's to close
  let ownStore: QuotaStore | undefined;
  try {
    const early: string[] = [];
    authenticator = createAuthenticator(config.identity, { logger: (msg) => (log ? log.warn(msg) : early.push(msg)) });
    if (!opts.quotaStore) ownStore = openQuotaStore(config.quota);
    const quota = opts.quotaStore ?? ownStore!;
    app = buildProxyApp(config, { bundles, authenticator, quota, ...(opts.logStream ? { logStream: opts.logStream } : {}) });
    log = app.log;
    for (const msg of early) log.warn(msg);
    for (const e of pending.splice(0)) logBundleEvent(e);
    await atMost(bundles.start(), opts.firstPollWaitMs ?? FIRST_POLL_WAIT_MS);
    await app.listen({ host: config.listen.host, port: config.listen.port });
  } catch (e) {
    await app?.close();
    await bundles.stop();
    await authenticator?.close();
    await ownStore?.close();
    throw e;
  }

  const server = app;
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.listen.port;
  const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`,
    app: server,
    bundles,
    quota: opts.quotaStore ?? ownStore!,
    close: (o = {}) =>
      (closing ??= (async () => {
        const grace = setTimeout(() => server.server.closeAllConnections(), o.graceMs ?? DEFAULT_GRACE_MS);
        try {
          await server.close();
        } finally {
          clearTimeout(grace);
          await bundles.stop();
          await authenticator!.close();
          // after the server: every settlement has been written
          await ownStore?.close();
        }
      })()),
  };
}
