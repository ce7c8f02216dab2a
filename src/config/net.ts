import { isIP, isIPv6 } from 'node:net';

// Addresses and URLs in the configuration: the listen address, upstream base URLs,
// the OIDC issuer, and upstream header names.

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * `host:port`, `:port` (every interface: 0.0.0.0) or `[v6]:port`. Port 0 asks the
 * system for a free port (tests). A bracketed IPv6 host comes back without brackets,
 * as Node's listen() takes it.
 */
export function parseListen(text: string): Checked<{ host: string; port: number }> {
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  if (!m) {
    if (/^\d+$/.test(text.trim())) return { ok: false, reason: 'a port alone is not an address (write :8080 for every interface)' };
    if (text.includes('::') && !text.includes('[')) return { ok: false, reason: 'an IPv6 address goes in brackets, as in [::1]:8080' };
    return { ok: false, reason: 'not host:port' };
  }
  const port = Number(m[3]);
  if (port > 65535) return { ok: false, reason: `port ${port} is out of range (0-65535)` };
  if (m[1] !== undefined) {
    if (!isIPv6(m[1])) return { ok: false, reason: `${JSON.stringify(m[1])} in brackets is not an IPv6 address` };
    return { ok: true, value: { host: m[1], port } };
  }
  const host = m[2]!;
  if (host === '') return { ok: true, value: { host: '0.0.0.0', port } };
  if (isIP(host) === 0 && !HOSTNAME.test(host)) return { ok: false, reason: `${JSON.stringify(host)} is not a host name or IP address` };
  return { ok: true, value: { host, port } };
}

/**
 * An upstream base URL: http or https, no credentials (they go in headers, where
 * they are kept out of logs), no query or fragment (the client's path and query
 * are appended). The path is kept, without a trailing slash.
 */
export function parseUpstream(text: string): Checked<string> {
  const u = parseUrl(text);
  if (!u) return { ok: false, reason: 'not a URL' };
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, reason: `the scheme ${u.protocol} is not http or https` };
  if (u.username !== '' || u.password !== '') return { ok: false, reason: 'it holds credentials (user:password@); send them as a header in headers instead' };
  if (text.includes('?')) return { ok: false, reason: "it has a query string; the client's query is passed through" };
  if (text.includes('#')) return { ok: false, reason: 'it has a fragment (#...)' };
  const path = u.pathname.replace(/\/+$/, '');
  return { ok: true, value: `${u.origin}${path}` };
}

/** Loopback hosts, where plain http is allowed for an identity provider (tests, local development). */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/**
 * An OIDC issuer or JWKS URI: https, or http on a loopback host only. Kept exactly
 * as written: the issuer is compared with the token's `iss` claim character for
 * character, trailing slash included.
 */
export function checkIdpUrl(text: string): Checked<string> {
  const u = parseUrl(text);
  if (!u) return { ok: false, reason: 'not a URL' };
  if (u.protocol === 'http:' && !isLoopback(u.hostname)) {
    return { ok: false, reason: 'plain http is allowed only for localhost and 127.0.0.1 (tests); use https' };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { ok: false, reason: `the scheme ${u.protocol} is not https` };
  if (u.username !== '' || u.password !== '') return { ok: false, reason: 'it holds credentials (user:password@)' };
  if (text.includes('#')) return { ok: false, reason: 'it has a fragment (#...)' };
  return { ok: true, value: text };
}

function parseUrl(text: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Headers the proxy sets itself from the request; configuring them would break framing or routing. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-connection']);

export function headerNameProblem(name: string): string | undefined {
  if (!TOKEN.test(name)) return 'is not a valid header name';
  if (RESERVED_HEADERS.has(name.toLowerCase())) return 'is set by the proxy itself and cannot be configured';
  return undefined;
}

/** A header value may not hold a line break (header injection) or a NUL. */
export function headerValueProblem(value: string): string | undefined {
  return /[\r\n\0]/.test(value) ? 'holds a line break or NUL character' : undefined;
}
