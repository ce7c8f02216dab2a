import { importJWK, type CryptoKey } from 'jose';
import { LRUCache } from 'lru-cache';
import { Agent } from 'undici';
import { FetchError, fetchJson } from './http.js';
import { JwksError, keyFits, parseJwks, type SigningKey } from './keyset.js';
import { quote } from './quote.js';
import { displayUrl } from '../net/url.js';
import { AuthError } from './types.js';

// The issuer's signing keys, fetched and cached (the imperative shell around
// keyset.ts). Rules, all bounded:
// - The first token fetches the JWKS (from jwksUri, or from the jwks_uri of the
//   issuer's discovery document, whose `issuer` must equal the configured one).
// - Fetched keys are trusted for cacheMs; after that the next token refreshes them
//   first. A failed refresh keeps the cached keys: an identity provider outage does
//   not log everyone out, and the tokens' own expiry still bounds their use.
// - A token whose kid is not cached triggers a refresh (key rotation), but any
//   refresh starts at most once per refreshMinIntervalMs, so a stream of tokens with
//   made-up kids cannot turn the proxy into a load generator against the provider.
// - Concurrent requests that need a refresh share one fetch (single flight).
// - With no keys at all (the first fetch failed), tokens fail with
//   identity_provider_unavailable (503): the client cannot fix that.
// There are no timers: all work happens on behalf of a request, and close() aborts
// the fetch in flight and closes the connection pool.

export interface JwksCacheOptions {
  issuer: string;
  /** explicit JWKS URI; otherwise discovered */
  jwksUri?: string;
  cacheMs: number;
  refreshMinIntervalMs: number;
  timeoutMs: number;
  /** the most entries a JWKS may have */
  maxKeys: number;
  /** the largest discovery document or JWKS read */
  maxBytes: number;
  now: () => number;
  log: (msg: string, level: 'info' | 'warn') => void;
}

interface Snapshot {
  byKid: LRUCache<string, SigningKey[]>;
  all: readonly SigningKey[];
  fetchedAt: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function discoveryUrl(issuer: string): URL {
  return new URL(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
}

const unavailable = (why: string): AuthError =>
  new AuthError('identity_provider_unavailable', `cannot verify tokens: the identity provider's signing keys are unavailable (${why}); retry later`);

export class JwksCache {
  private snapshot: Snapshot | undefined;
  private lastAttemptAt: number | undefined;
  private lastError = 'not fetched yet';
  private inflight: Promise<boolean> | undefined;
  private discovered: { url: URL; at: number } | undefined;
  private closed = false;
  private readonly closing = new AbortController();
  private readonly agent: Agent;
  private readonly imported = new WeakMap<SigningKey, Map<string, Promise<CryptoKey>>>();

  constructor(private readonly o: JwksCacheOptions) {
    this.agent = new Agent({ connect: { timeout: o.timeoutMs }, connections: 4 });
  }

  /** The key that verifies a token with this kid and alg; throws AuthError. */
  async key(kid: string | undefined, alg: string): Promise<CryptoKey> {
    if (this.closed) throw unavailable('the authenticator is closed');
    if (this.snapshot === undefined) {
      await this.refresh();
      if (this.snapshot === undefined) throw unavailable(this.lastError);
    } else if (this.o.now() - this.snapshot.fetchedAt >= this.o.cacheMs) {
      await this.refresh();
    }
    let found = this.select(kid, alg);
    if (found.length === 0 && (await this.refresh())) found = this.select(kid, alg);
    if (found.length === 0) throw this.notFound(kid, alg);
    if (found.length > 1) {
      const named = kid === undefined ? 'the token names no kid and the identity provider publishes' : `the identity provider publishes`;
      throw new AuthError('invalid_token', `${named} ${found.length} keys${kid === undefined ? '' : ` with kid=${quote(kid)}`} for ${alg}; the token must name exactly one (kid)`);
    }
    return this.importKey(found[0]!, alg);
  }

  /** The time the cached keys were fetched, if any (status and tests). */
  get fetchedAt(): number | undefined {
    return this.snapshot?.fetchedAt;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    await this.inflight?.catch(() => undefined);
    await this.agent.close().catch(() => undefined);
  }

  private select(kid: string | undefined, alg: string): SigningKey[] {
    const s = this.snapshot;
    if (s === undefined) return [];
    const candidates = kid === undefined ? s.all : (s.byKid.get(kid) ?? []);
    return candidates.filter((k) => keyFits(k, alg));
  }

  private notFound(kid: string | undefined, alg: string): AuthError {
    if (kid === undefined) return new AuthError('unknown_key', `the token names no kid and the identity provider has no signing key for ${alg}`);
    const same = this.snapshot?.byKid.get(kid);
    if (same !== undefined && same.length > 0) {
      return new AuthError('invalid_token', `signing key kid=${quote(kid)} cannot verify ${alg} (the key is ${same[0]!.jwk.kty}${same[0]!.alg ? ` for ${same[0]!.alg}` : ''})`);
    }
    return new AuthError('unknown_key', `unknown signing key kid=${quote(kid)}: the identity provider does not publish it (token from another issuer or environment, or a retired key)`);
  }

  private importKey(key: SigningKey, alg: string): Promise<CryptoKey> {
    let byAlg = this.imported.get(key);
    if (byAlg === undefined) this.imported.set(key, (byAlg = new Map()));
    let p = byAlg.get(alg);
    if (p === undefined) {
      p = (importJWK({ ...key.jwk, ext: false }, alg) as Promise<CryptoKey>).catch((e: unknown) => {
        byAlg.delete(alg);
        const kid = key.kid === undefined ? 'without kid' : `kid=${quote(key.kid)}`;
        throw new AuthError('invalid_token', `the identity provider's signing key ${kid} cannot be used for ${alg} (${e instanceof Error ? e.message : String(e)})`);
      });
      byAlg.set(alg, p);
    }
    return p;
  }

  /**
   * Fetches the keys unless a fetch started less than refreshMinIntervalMs ago; a
   * fetch in flight is joined. Resolves true when new keys were loaded; never rejects.
   */
  private refresh(): Promise<boolean> {
    if (this.inflight !== undefined) return this.inflight;
    const now = this.o.now();
    if (this.closed || (this.lastAttemptAt !== undefined && now - this.lastAttemptAt < this.o.refreshMinIntervalMs)) return Promise.resolve(false);
    this.lastAttemptAt = now;
    const flight = this.load().then(
      () => true,
      (e: unknown) => {
        this.lastError = e instanceof FetchError || e instanceof JwksError ? e.message : `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
        const cached = this.snapshot;
        this.o.log(
          `identity: cannot fetch the signing keys: ${this.lastError}${cached ? `; still verifying with the ${cached.all.length} keys fetched at ${new Date(cached.fetchedAt).toISOString()}` : ''}`,
          'warn',
        );
        return false;
      },
    );
    this.inflight = flight.finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async load(): Promise<void> {
    const url = await this.jwksUrl();
    const doc = await this.get(url);
    let parsed;
    try {
      parsed = parseJwks(doc, this.o.maxKeys);
    } catch (e) {
      if (e instanceof JwksError) throw new JwksError(`the JWKS at ${displayUrl(url)} ${e.message}`);
      throw e;
    }
    const byKid = new LRUCache<string, SigningKey[]>({ max: Math.max(1, this.o.maxKeys) });
    for (const k of parsed.keys) if (k.kid !== undefined) byKid.set(k.kid, [...(byKid.get(k.kid) ?? []), k]);
    this.snapshot = { byKid, all: parsed.keys, fetchedAt: this.o.now() };
    this.lastError = '';
    const skipped = parsed.skipped.length > 0 ? ` (skipped ${parsed.skipped.length}: ${parsed.skipped.slice(0, 3).join('; ')})` : '';
    this.o.log(`identity: loaded ${parsed.keys.length} signing keys from ${displayUrl(url)}${skipped}`, 'info');
  }

  private get(url: URL): Promise<unknown> {
    return fetchJson(url, { timeoutMs: this.o.timeoutMs, maxBytes: this.o.maxBytes, dispatcher: this.agent, signal: this.closing.signal });
  }

  /** The configured JWKS URI, or the one the discovery document names (rediscovered every cacheMs). */
  private async jwksUrl(): Promise<URL> {
    if (this.o.jwksUri !== undefined) return new URL(this.o.jwksUri);
    const now = this.o.now();
    if (this.discovered !== undefined && now - this.discovered.at < this.o.cacheMs) return this.discovered.url;
    const where = discoveryUrl(this.o.issuer);
    const doc = await this.get(where);
    const at = `the discovery document at ${displayUrl(where)}`;
    if (!isObject(doc)) throw new FetchError(`${at} is not a JSON object`);
    if (doc['issuer'] !== this.o.issuer) {
      throw new FetchError(
        `${at} names the issuer ${quote(doc['issuer'], 200)}, not ${quote(this.o.issuer, 200)}; set identity.oidc.issuer to exactly the provider's issuer (a trailing slash counts)`,
      );
    }
    const raw = doc['jwks_uri'];
    let url: URL;
    try {
      url = new URL(typeof raw === 'string' ? raw : '');
    } catch {
      throw new FetchError(`${at} has no valid jwks_uri`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new FetchError(`${at} names a jwks_uri that is not http(s)`);
    if (where.protocol === 'https:' && url.protocol === 'http:') throw new FetchError(`${at} names a plain-http jwks_uri for an https issuer; refused`);
    this.discovered = { url, at: now };
    return url;
  }
}
