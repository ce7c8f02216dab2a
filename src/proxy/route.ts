import type { ConnectionConfig } from '../config/types.js';

// Which connection a request is for, and the path it names inside that connection.
// Fastify's router picks the connection (one route pair per prefix, so the longest
// prefix on a segment boundary wins: /openai/v2 beats /openai for /openai/v2/x,
// and /openaix matches neither); this file cuts the raw request target into the
// path after the prefix and the query string, both forwarded as the client sent
// them (still percent-encoded).

/** `/openai/` → `/openai`; `/` → `` (the connection owns every path). */
export function normalizePrefix(prefix: string): string {
  let p = prefix.trim();
  if (!p.startsWith('/')) p = `/${p}`;
  while (p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

/** The two Fastify route URLs of a prefix: the prefix itself and everything under it. */
export function routeUrls(prefix: string): [string, string] {
  const p = normalizePrefix(prefix);
  return [p === '' ? '/' : p, `${p}/*`];
}

export interface Target {
  /** the path after the prefix, `/v1/chat/completions` (`/` for the prefix itself) */
  path: string;
  /** `?…` or empty */
  query: string;
}

/**
 * Splits the raw request target of a request routed to `prefix`. Undefined when the
 * raw target does not start with the prefix as written (a percent-encoded prefix)
 * or its path has dot segments, backslashes or encoded slashes, which could climb
 * out of the upstream's base path: the caller answers 404.
 */
export function splitTarget(rawUrl: string, prefix: string): Target | undefined {
  const p = normalizePrefix(prefix);
  const q = rawUrl.indexOf('?');
  const fullPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = q < 0 ? '' : rawUrl.slice(q);
  if (!fullPath.startsWith(p)) return undefined;
  let path = fullPath.slice(p.length);
  if (path !== '' && !path.startsWith('/')) return undefined;
  if (path === '') path = '/';
  if (path.includes('\\')) return undefined;
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    if (decoded === '.' || decoded === '..' || decoded.includes('/') || decoded.includes('\\')) return undefined;
  }
  return { path, query };
}

/** The path on the upstream: its base path (from the connection's upstream URL) + the request's path + query. */
export function upstreamPath(connection: ConnectionConfig, target: Target): string {
  const base = new URL(connection.upstream).pathname.replace(/\/+$/, '');
  return `${base}${target.path}${target.query}`;
}
