import { isIP } from 'node:net';
import { readBundle } from './bundle.js';
import { readConnections } from './connections.js';
import { readIdentity } from './identity.js';
import { parseListen } from './net.js';
import { readQuota } from './quota.js';
import type { Config } from './types.js';
import type { Reader } from './values.js';

// From the document as written (snake_case, text durations) to the Config the
// server receives (camelCase, milliseconds, bytes, absolute paths), filling in
// defaults and checking what a schema cannot express. Problems go to the reader's
// report; the caller throws when there are any.

export const DEFAULT_LISTEN = '127.0.0.1:8080';

export const EVALUATION_DEFAULTS = { timeoutMs: 100, maxSteps: 100_000 } as const;
/** A policy that needs longer than this is a bug, and requests queue behind it. */
const MAX_EVALUATION_TIMEOUT_MS = 10_000;

export const DEFAULT_LOG_LEVEL = 'info';

export function normalise(r: Reader, raw: Record<string, unknown>): Config {
  const evaluation = r.obj(raw['evaluation']) ?? {};
  const log = r.obj(raw['log']) ?? {};
  const maxSteps = evaluation['max_steps'];
  return {
    listen: readListen(r, raw['listen']),
    bundle: readBundle(r, raw['bundle']),
    identity: readIdentity(r, raw['identity']),
    connections: readConnections(r, raw['connections']),
    evaluation: {
      timeoutMs: r.duration(['evaluation', 'timeout'], evaluation['timeout'], EVALUATION_DEFAULTS.timeoutMs, { min: 1, max: MAX_EVALUATION_TIMEOUT_MS }),
      maxSteps: typeof maxSteps === 'number' ? maxSteps : EVALUATION_DEFAULTS.maxSteps,
    },
    quota: readQuota(r, raw['quota']),
    trustedProxies: readTrustedProxies(r, raw['trusted_proxies']),
    ...readAdmin(r, raw['admin']),
    log: { level: (r.str(log['level']) ?? DEFAULT_LOG_LEVEL) as Config['log']['level'] },
  };
}

function readListen(r: Reader, raw: unknown): Config['listen'] {
  const text = typeof raw === 'string' ? raw : DEFAULT_LISTEN;
  const l = parseListen(text);
  if (!l.ok) {
    r.report.add(['listen'], `listen must be an address like 127.0.0.1:8080, :8080 or [::1]:8080, ${r.report.got(['listen'], raw)}: ${l.reason}`);
    return { host: '127.0.0.1', port: 8080 };
  }
  return l.value;
}

/** `admin: {groups: [...]}`: who may use the admin API; absent, the API does not exist. */
function readAdmin(r: Reader, raw: unknown): Pick<Config, 'admin'> {
  const a = r.obj(raw);
  if (!a || !Array.isArray(a['groups'])) return {};
  return { admin: { groups: a['groups'].filter((g): g is string => typeof g === 'string') } };
}

/** `trusted_proxies: [10.0.0.0/8, 127.0.0.1]`: whose X-Forwarded-For is believed for input.source.ip. */
function readTrustedProxies(r: Reader, raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  const out: string[] = [];
  raw.forEach((v, i) => {
    if (typeof v !== 'string') return;
    const [addr, bits, extra] = v.split('/');
    const family = isIP(addr ?? '');
    const max = family === 4 ? 32 : 128;
    const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
    if (family === 0 || !okBits || extra !== undefined) {
      r.report.add(['trusted_proxies', i], `trusted_proxies[${i}] must be an IP address or a CIDR range like 10.0.0.0/8, got ${JSON.stringify(v)}`, {
        hint: 'list the addresses of the load balancers or ingress in front of the proxy',
      });
      return;
    }
    out.push(v);
  });
  return out;
}
