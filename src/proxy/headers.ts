import { CREDENTIAL_HEADERS } from '../identity/types.js';

// Which headers cross the proxy, in each direction. The client's credentials stop
// here (they were for railgate); the connection's upstream credentials are added
// here and never come back; hop-by-hop headers belong to one TCP connection.
// Responses pass an allowlist: what SDKs read (request ids, rate limits, retry
// hints) and nothing that could carry the upstream account's secrets or cookies.

export type RawHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** RFC 9110 §7.6.1, plus the proxy-* family and HTTP/2 pseudo headers. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization']);

const CREDENTIALS = new Set(CREDENTIAL_HEADERS);

/**
 * Client headers that select the upstream account (organisation, project): the
 * upstream credentials decide those, not the caller. A connection may still set
 * them in upstreamHeaders.
 */
const ACCOUNT_SELECTORS = new Set(['openai-organization', 'openai-project']);

/** Set by the proxy itself on the upstream request. */
const RECOMPUTED = new Set(['host', 'content-length', 'content-type', 'accept-encoding', 'expect']);

function connectionListed(headers: RawHeaders): Set<string> {
  const v = headers['connection'];
  const names = new Set<string>();
  for (const part of (Array.isArray(v) ? v.join(',') : (v ?? '')).split(',')) {
    const n = part.trim().toLowerCase();
    if (n !== '') names.add(n);
  }
  return names;
}

function isHopByHop(name: string, listed: Set<string>): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith('proxy-') || name.startsWith(':') || listed.has(name);
}

function joined(v: string | string[]): string {
  return Array.isArray(v) ? v.join(', ') : v;
}

/** input.request.headers: the client's headers without credentials and hop-by-hop headers. */
export function inputHeaders(headers: RawHeaders): Record<string, string> {
  const listed = connectionListed(headers);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    if (v === undefined || CREDENTIALS.has(name) || isHopByHop(name, listed)) continue;
    out[name] = joined(v);
  }
  return out;
}

/**
 * The upstream request's headers: the client's, minus credentials, hop-by-hop,
 * account selectors and what the proxy recomputes, plus the connection's
 * upstreamHeaders (which win). The body is always JSON the proxy serialised, and
 * identity encoding is asked for because masking needs plain text.
 */
export function upstreamRequestHeaders(headers: RawHeaders, upstreamHeaders: Readonly<Record<string, string>>, hasBody: boolean): Record<string, string> {
  const listed = connectionListed(headers);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    if (v === undefined || CREDENTIALS.has(name) || ACCOUNT_SELECTORS.has(name) || RECOMPUTED.has(name) || isHopByHop(name, listed)) continue;
    out[name] = joined(v);
  }
  out['accept-encoding'] = 'identity';
  if (hasBody) out['content-type'] = 'application/json';
  for (const [k, v] of Object.entries(upstreamHeaders)) out[k.toLowerCase()] = v;
  return out;
}

/** Response headers that pass to the client, by exact name. */
const RESPONSE_HEADERS = new Set([
  'content-type',
  'cache-control',
  'retry-after',
  'retry-after-ms',
  'x-should-retry',
  'x-request-id',
  'request-id',
  'openai-processing-ms',
  'openai-version',
]);

/** ... and by prefix: the providers' rate-limit reports. */
const RESPONSE_PREFIXES = ['x-ratelimit-', 'anthropic-ratelimit-'];

/**
 * The upstream response headers the client sees: the allowlist, minus any value
 * that contains one of the connection's upstream credential values.
 */
export function clientResponseHeaders(headers: RawHeaders, secrets: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    if (v === undefined) continue;
    if (!RESPONSE_HEADERS.has(name) && !RESPONSE_PREFIXES.some((p) => name.startsWith(p))) continue;
    const value = joined(v);
    if (secrets.some((s) => value.includes(s))) continue;
    out[name] = value;
  }
  return out;
}

/** The shortest upstream header value treated as a secret to scrub from responses. */
const MIN_SECRET_LENGTH = 8;

/** Upstream header names whose values are credentials (others, like anthropic-version, are not secret). */
const SECRET_NAME = /key|token|secret|auth|password|credential|signature|session/i;

/**
 * The credential values among the upstream headers (an `Authorization: Bearer
 * sk-…` yields `sk-…` too), longest first, for scrubbing echoes from responses.
 */
export function upstreamSecrets(upstreamHeaders: Readonly<Record<string, string>>): string[] {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(upstreamHeaders)) {
    if (!CREDENTIALS.has(k.toLowerCase()) && !SECRET_NAME.test(k)) continue;
    const value = v.trim();
    if (value.length >= MIN_SECRET_LENGTH) out.add(value);
    const m = /^(?:bearer|basic|token)\s+(.+)$/i.exec(value);
    if (m && m[1]!.length >= MIN_SECRET_LENGTH) out.add(m[1]!);
  }
  return [...out].sort((a, b) => b.length - a.length);
}

export const UPSTREAM_SECRET_PLACEHOLDER = '[REDACTED:upstream_credential]';

/** `text` with every occurrence of an upstream credential value replaced. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(UPSTREAM_SECRET_PLACEHOLDER);
  return out;
}
