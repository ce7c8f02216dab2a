import { AuthError, type Headers } from './types.js';

// Which credential a request carries, read from its headers (pure). Two headers
// are accepted: `Authorization: Bearer <token>` (the OpenAI SDK sends its API key
// this way; an OIDC client sends a JWT) and `x-api-key: <key>` (the Anthropic
// SDK). Either may hold a JWT or an API key: the authenticator tells them apart.
// Nothing here ever puts a header's value in a message.

/** The longest credential read; a longer one is refused before any parsing. */
export const MAX_CREDENTIAL_LENGTH = 16 * 1024;

export const ACCEPTED_HEADERS = '"Authorization: Bearer <token or API key>" or "x-api-key: <API key or token>"';

export interface Credential {
  /** where it came from, for messages */
  source: 'authorization' | 'x-api-key';
  value: string;
}

/** Schemes a client may plausibly send by mistake; only these are named back (any other "scheme" could be a secret). */
const KNOWN_SCHEMES = new Set(['basic', 'digest', 'negotiate', 'ntlm', 'dpop', 'token', 'hoba', 'mutual', 'apikey', 'aws4-hmac-sha256', 'gnap']);

function single(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  if (Array.isArray(v)) {
    const present = v.filter((x) => x.trim() !== '');
    if (present.length > 1) throw new AuthError('ambiguous_credentials', `the request has more than one ${name} header; send exactly one credential`);
    return present[0]?.trim();
  }
  const t = v?.trim();
  return t === '' ? undefined : t;
}

function bearer(value: string): string {
  const m = /^(\S+)(?:[ \t]+([\s\S]*))?$/.exec(value);
  const scheme = m?.[1]?.toLowerCase() ?? '';
  if (scheme !== 'bearer') {
    const named = KNOWN_SCHEMES.has(scheme) ? `the ${m![1]} scheme is` : 'this scheme is';
    throw new AuthError('invalid_token', `the Authorization header must be "Bearer <token>"; ${named} not accepted (accepted: ${ACCEPTED_HEADERS})`);
  }
  const token = (m?.[2] ?? '').trim();
  if (token === '') throw new AuthError('invalid_token', 'the Authorization header has the Bearer scheme but no token');
  return token;
}

/**
 * The request's credential, or undefined when it has none (no header, or only
 * empty ones). Throws AuthError when the headers are malformed or conflict: two
 * different credentials are refused rather than one picked, so a proxy in front
 * cannot smuggle a second identity past the one the client meant.
 */
export function readCredential(headers: Headers): Credential | undefined {
  const auth = single(headers, 'authorization');
  const apiKey = single(headers, 'x-api-key');
  const fromAuth = auth === undefined ? undefined : bearer(auth);
  if (fromAuth !== undefined && apiKey !== undefined && fromAuth !== apiKey) {
    throw new AuthError('ambiguous_credentials', 'the request carries two different credentials (Authorization and x-api-key); send only one');
  }
  const cred: Credential | undefined =
    fromAuth !== undefined ? { source: 'authorization', value: fromAuth } : apiKey !== undefined ? { source: 'x-api-key', value: apiKey } : undefined;
  if (cred !== undefined && cred.value.length > MAX_CREDENTIAL_LENGTH) {
    throw new AuthError('invalid_token', `the credential in ${cred.source} is longer than ${MAX_CREDENTIAL_LENGTH} characters; it is not read`);
  }
  return cred;
}

/** Three base64url segments separated by dots (the third empty for an unsigned token): a compact JWS. */
export function looksLikeJwt(value: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value);
}
