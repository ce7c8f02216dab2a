import type { ApiKeyConfig, IdentityConfig, OidcConfig } from './types.js';
import { checkIdpUrl } from './net.js';
import { formatPath, type Path } from './path.js';
import type { Reader } from './values.js';

// identity: how callers are recognised. OIDC bearer tokens, static API keys (stored
// as hashes), and an optional anonymous identity. At least one must be configured:
// a proxy that can recognise nobody would answer every request with 401.

export const OIDC_DEFAULTS = {
  algorithms: ['RS256', 'ES256'],
  groupsClaim: 'groups',
  idClaim: 'sub',
  emailClaim: 'email',
  clockSkewMs: 30_000,
  jwksCacheMs: 600_000,
  jwksRefreshMinIntervalMs: 30_000,
  timeoutMs: 5_000,
} as const;

/** Signature algorithms with a public key. `none` and HS* are never accepted for tokens. */
export const OIDC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

/** More skew than this accepts tokens that expired minutes ago. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export const ANONYMOUS_DEFAULT_ID = 'anonymous';

const HASH = /^sha256:[0-9a-f]{64}$/i;

export function readIdentity(r: Reader, raw: unknown): IdentityConfig {
  const path: Path = ['identity'];
  const i = r.obj(raw) ?? {};
  const out: IdentityConfig = { apiKeys: readApiKeys(r, [...path, 'api_keys'], i['api_keys']) };
  if (i['oidc'] !== undefined) {
    const oidc = readOidc(r, [...path, 'oidc'], r.obj(i['oidc']));
    if (oidc) out.oidc = oidc;
  }
  const anon = r.obj(i['anonymous']);
  if (anon !== undefined) {
    out.anonymous = { id: r.str(anon['id']) ?? ANONYMOUS_DEFAULT_ID, groups: r.strings(anon['groups']) };
  }
  if (out.oidc === undefined && out.apiKeys.length === 0 && out.anonymous === undefined && !r.report.hasIssue(path)) {
    const at = raw === undefined ? [] : path;
    r.report.add(path, 'identity: no way to recognise callers is configured, so every request would be refused with 401', {
      at,
      hint: 'configure identity.oidc, identity.api_keys, or (for development) identity.anonymous',
    });
  }
  return out;
}

function readOidc(r: Reader, path: Path, o: Record<string, unknown> | undefined): OidcConfig | undefined {
  if (o === undefined) return undefined;
  const issuer = r.str(o['issuer']) ?? '';
  checkUrl(r, [...path, 'issuer'], o['issuer']);
  const audienceRaw = o['audience'];
  const out: OidcConfig = {
    issuer,
    audience: typeof audienceRaw === 'string' ? [audienceRaw] : r.strings(audienceRaw),
    algorithms: readAlgorithms(r, [...path, 'algorithms'], o['algorithms']),
    groupsClaim: claim(r, [...path, 'groups_claim'], o['groups_claim'], OIDC_DEFAULTS.groupsClaim),
    idClaim: claim(r, [...path, 'id_claim'], o['id_claim'], OIDC_DEFAULTS.idClaim),
    emailClaim: claim(r, [...path, 'email_claim'], o['email_claim'], OIDC_DEFAULTS.emailClaim),
    clockSkewMs: r.duration([...path, 'clock_skew'], o['clock_skew'], OIDC_DEFAULTS.clockSkewMs, { max: MAX_CLOCK_SKEW_MS }),
    jwksCacheMs: r.duration([...path, 'jwks_cache'], o['jwks_cache'], OIDC_DEFAULTS.jwksCacheMs, { min: 1000 }),
    jwksRefreshMinIntervalMs: r.duration(
      [...path, 'jwks_refresh_min_interval'],
      o['jwks_refresh_min_interval'],
      OIDC_DEFAULTS.jwksRefreshMinIntervalMs,
      { min: 1000 },
    ),
    timeoutMs: r.duration([...path, 'timeout'], o['timeout'], OIDC_DEFAULTS.timeoutMs, { min: 1, max: 60_000 }),
  };
  const jwks = r.str(o['jwks_uri']);
  if (jwks !== undefined) {
    checkUrl(r, [...path, 'jwks_uri'], jwks);
    out.jwksUri = jwks;
  }
  return out;
}

function checkUrl(r: Reader, path: Path, value: unknown): void {
  if (typeof value !== 'string') return;
  const c = checkIdpUrl(value);
  if (!c.ok) r.report.add(path, `${formatPath(path)} must be an https URL, ${r.report.got(path, value)}: ${c.reason}`);
}

function readAlgorithms(r: Reader, path: Path, raw: unknown): string[] {
  if (!Array.isArray(raw)) return [...OIDC_DEFAULTS.algorithms];
  const allowed: readonly string[] = OIDC_ALGORITHMS;
  raw.forEach((alg, i) => {
    if (typeof alg !== 'string' || allowed.includes(alg)) return;
    const at = [...path, i];
    const p = formatPath(at);
    const list = OIDC_ALGORITHMS.join(', ');
    if (alg.toLowerCase() === 'none') {
      r.report.add(at, `${p} is none: unsigned tokens are never accepted`, { hint: `use the algorithms your identity provider signs with: ${list}` });
    } else if (/^HS\d+$/i.test(alg)) {
      r.report.add(at, `${p} is ${alg}: HMAC-signed tokens are never accepted`, {
        hint: `an HMAC secret shared with the proxy could mint tokens, and a public key used as one is a known attack; use ${list}`,
      });
    } else {
      r.report.add(at, `${p} must be one of ${list}, ${r.report.got(at, alg)}`);
    }
  });
  return r.strings(raw);
}

function claim(r: Reader, path: Path, raw: unknown, def: string): string {
  const s = r.str(raw);
  if (s === undefined) return def;
  if (/\s/.test(s) || s.startsWith('.') || s.endsWith('.') || s.includes('..')) {
    r.report.add(path, `${formatPath(path)} must be a claim name or a dotted path like realm_access.roles, ${r.report.got(path, s)}`);
  }
  return s;
}

function readApiKeys(r: Reader, path: Path, raw: unknown): ApiKeyConfig[] {
  const out: ApiKeyConfig[] = [];
  const ids = new Map<string, number>();
  const hashes = new Map<string, number>();
  (r.list(raw) ?? []).forEach((item, i) => {
    const k = r.obj(item);
    if (k === undefined) return;
    const at = [...path, i];
    const id = r.str(k['id']) ?? '';
    const hashRaw = r.str(k['hash']) ?? '';
    if (typeof k['hash'] === 'string' && !HASH.test(hashRaw)) {
      r.report.add([...at, 'hash'], `${formatPath([...at, 'hash'])} must be a key hash like sha256:<64 hex digits>, ${r.report.got([...at, 'hash'], hashRaw)}`, {
        hint: "store the key's SHA-256, never the key: printf %s \"$KEY\" | sha256sum",
      });
    }
    const hash = hashRaw.toLowerCase();
    const sameId = ids.get(id);
    if (typeof k['id'] === 'string' && sameId !== undefined) {
      r.report.add([...at, 'id'], `${formatPath([...at, 'id'])} ${JSON.stringify(id)} is already the id of ${formatPath([...path, sameId])}`, {
        hint: 'give each API key its own id: it becomes input.user.id',
      });
    } else ids.set(id, i);
    const sameHash = hashes.get(hash);
    if (HASH.test(hash) && sameHash !== undefined) {
      r.report.add([...at, 'hash'], `${formatPath([...at, 'hash'])} is the same as ${formatPath([...path, sameHash, 'hash'])}: one key would have two identities`);
    } else hashes.set(hash, i);
    const key: ApiKeyConfig = {
      id,
      hash,
      groups: r.strings(k['groups']),
      claims: { ...(r.obj(k['claims']) ?? {}) },
    };
    const email = r.str(k['email']);
    if (email !== undefined) key.email = email;
    out.push(key);
  });
  return out;
}
