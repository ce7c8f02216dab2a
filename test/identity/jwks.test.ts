import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OidcConfig } from '../../src/config/types.js';
import { AuthError, authErrorStatus, createAuthenticator, type Authenticator } from '../../src/identity/index.js';
import { bearer, FakeIdp, makeKey, type IdpKey } from './support/idp.js';

// Fetching and caching the issuer's keys: discovery, refresh on an unknown kid
// (rate-limited, single flight), rotation, outages with and without cached keys,
// and documents that are too large or wrong. Each test has its own provider, whose
// request counters are the observable; the clock is injected and moved by hand.

let k1: IdpKey;
let k2: IdpKey;
let k3: IdpKey;
let idp: FakeIdp;
let clock: number;
let logs: string[];
const START = 1_760_000_000_000;
const open: Authenticator[] = [];

beforeAll(async () => {
  [k1, k2, k3] = await Promise.all([makeKey('RS256', 'k1'), makeKey('ES256', 'k2'), makeKey('RS256', 'k3')]);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((a) => a.close()));
  await idp?.close();
});

async function setup(over: Partial<OidcConfig> = {}, ...keys: IdpKey[]): Promise<Authenticator> {
  idp = await FakeIdp.start();
  idp.publish(...(keys.length > 0 ? keys : [k1]));
  clock = START;
  logs = [];
  const a = createAuthenticator({ oidc: idp.config(over), apiKeys: [] }, { now: () => clock, logger: (m) => logs.push(m) });
  open.push(a);
  return a;
}

const token = (key: IdpKey, claims: Record<string, unknown> = {}): Promise<string> => idp.token(claims, { key, now: Math.floor(clock / 1000) });
const login = async (a: Authenticator, key: IdpKey): Promise<string> => (await a.authenticate(bearer(await token(key)))).id;

async function refused(p: Promise<unknown>, code: string, message?: RegExp): Promise<AuthError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AuthError);
  expect((e as AuthError).code).toBe(code);
  if (message) expect((e as AuthError).message).toMatch(message);
  return e as AuthError;
}

describe('fetching keys', () => {
  it('discovers the JWKS from the issuer, fetches once, then verifies from the cache', async () => {
    const a = await setup();
    expect(await login(a, k1)).toBe('alice');
    expect(await login(a, k1)).toBe('alice');
    clock += 60_000;
    expect(await login(a, k1)).toBe('alice');
    expect(idp.fetches).toEqual({ discovery: 1, jwks: 1 });
    expect(logs).toEqual([`identity: loaded 1 signing keys from ${idp.jwksUri}`]);
  });

  it('uses an explicit jwksUri without discovery', async () => {
    const a = await setup();
    const b = createAuthenticator({ oidc: idp.config({ jwksUri: idp.jwksUri }), apiKeys: [] }, { now: () => clock });
    open.push(b);
    expect(await login(b, k1)).toBe('alice');
    expect(idp.fetches).toEqual({ discovery: 0, jwks: 1 });
    void a;
  });

  it('refreshes keys older than jwksCacheMs before using them', async () => {
    const a = await setup({ jwksCacheMs: 60_000, jwksRefreshMinIntervalMs: 1000 });
    await login(a, k1);
    clock += 60_000;
    await login(a, k1);
    expect(idp.fetches).toEqual({ discovery: 2, jwks: 2 });
  });

  it('skips encryption, symmetric and malformed entries, and never keeps private parts', async () => {
    const a = await setup();
    idp.jwksBody = JSON.stringify({
      keys: [
        { ...k3.jwk, kid: 'enc-1', use: 'enc', alg: 'RSA-OAEP' },
        { kty: 'oct', kid: 'hmac', k: 'c2VjcmV0' },
        { kty: 'RSA', kid: 'broken' },
        'not a key',
        { ...k1.jwk, d: 'private-part-must-be-dropped' },
      ],
    });
    expect(await login(a, k1)).toBe('alice');
    expect(logs[0]).toBe(
      `identity: loaded 1 signing keys from ${idp.jwksUri} (skipped 4: key 0 (kid "enc-1"): use is "enc", not "sig"; key 1 (kid "hmac"): key type "oct" cannot verify signatures with a public key; key 2 (kid "broken"): an RSA key without n and e)`,
    );
  });
});

describe('unknown kid', () => {
  it('triggers one refresh, then refreshes are rate-limited', async () => {
    const a = await setup({ jwksRefreshMinIntervalMs: 30_000 });
    await login(a, k1);
    clock += 30_000;
    await refused(a.authenticate(bearer(await token(k3))), 'unknown_key', /^unknown signing key kid="k3": the identity provider does not publish it/);
    expect(idp.fetches.jwks).toBe(2);
    clock += 29_999;
    await refused(a.authenticate(bearer(await token({ ...k3, kid: 'k4', jwk: { ...k3.jwk, kid: 'k4' } }))), 'unknown_key', /kid="k4"/);
    expect(idp.fetches.jwks).toBe(2);
    clock += 1;
    await refused(a.authenticate(bearer(await token(k3))), 'unknown_key');
    expect(idp.fetches.jwks).toBe(3);
  });

  it('right after a fetch, an unknown kid does not fetch again', async () => {
    const a = await setup();
    await login(a, k1);
    await refused(a.authenticate(bearer(await token(k3))), 'unknown_key');
    expect(idp.fetches.jwks).toBe(1);
  });

  it('concurrent misses share one fetch (single flight)', async () => {
    const a = await setup();
    await login(a, k1);
    clock += 60_000;
    idp.publish(k1, k3);
    const release = idp.hold();
    const arrived = idp.nextArrival();
    const tokens = await Promise.all(Array.from({ length: 8 }, (_, i) => token(k3, { sub: `u${i}` })));
    const results = tokens.map((t) => a.authenticate(bearer(t)));
    await arrived;
    release();
    expect((await Promise.all(results)).map((r) => r.id)).toEqual(tokens.map((_, i) => `u${i}`));
    expect(idp.fetches.jwks).toBe(2);
  });

  it('picks up a rotated key, and stops accepting a retired one once the cache expires', async () => {
    const a = await setup({ jwksCacheMs: 300_000, jwksRefreshMinIntervalMs: 10_000 }, k1);
    expect(await login(a, k1)).toBe('alice');
    idp.publish(k1, k2);
    clock += 10_000;
    expect(await login(a, k2)).toBe('alice');
    expect(idp.fetches.jwks).toBe(2);
    idp.publish(k2);
    expect(await login(a, k1)).toBe('alice'); // still cached
    clock += 300_000;
    await refused(a.authenticate(bearer(await token(k1))), 'unknown_key', /kid="k1"/);
    expect(await login(a, k2)).toBe('alice');
    expect(idp.fetches.jwks).toBe(3);
  });
});

describe('identity provider outages', () => {
  it('with cached keys, verification goes on (and the failure is logged)', async () => {
    const a = await setup({ jwksCacheMs: 1000, jwksRefreshMinIntervalMs: 1000 });
    await login(a, k1);
    idp.status = 503;
    clock += 5000;
    expect(await login(a, k1)).toBe('alice');
    clock += 5000;
    expect(await login(a, k1)).toBe('alice');
    expect(idp.fetches.discovery).toBe(3);
    expect(logs.at(-1)).toBe(
      `identity: cannot fetch the signing keys: ${idp.issuer}/.well-known/openid-configuration: HTTP 503; still verifying with the 1 keys fetched at ${new Date(START).toISOString()}`,
    );
  });

  it('without keys: identity_provider_unavailable (503), and the provider is not hammered', async () => {
    const a = await setup();
    idp.status = 500;
    const e = await refused(a.authenticate(bearer(await token(k1))), 'identity_provider_unavailable');
    expect(e.message).toBe(
      `cannot verify tokens: the identity provider's signing keys are unavailable (${idp.issuer}/.well-known/openid-configuration: HTTP 500); retry later`,
    );
    expect(authErrorStatus(e.code)).toBe(503);
    await refused(a.authenticate(bearer(await token(k1))), 'identity_provider_unavailable');
    expect(idp.fetches.discovery).toBe(1);
    // recovered, and the interval has passed
    idp.status = 200;
    clock += 30_000;
    expect(await login(a, k1)).toBe('alice');
  });

  it('an unreachable provider', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await setup();
    const a = createAuthenticator({ oidc: idp.config({ jwksUri: `http://127.0.0.1:${port}/jwks` }), apiKeys: [] }, { now: () => clock });
    open.push(a);
    await refused(a.authenticate(bearer(await token(k1))), 'identity_provider_unavailable', new RegExp(`127\\.0\\.0\\.1:${port}/jwks: request failed \\(ECONNREFUSED\\)`));
  });

  it('a provider that does not answer times out', async () => {
    const a = await setup({ timeoutMs: 200 });
    idp.silent = true;
    await refused(a.authenticate(bearer(await token(k1))), 'identity_provider_unavailable', /no complete response within 200 ms/);
  });

  it('close() ends the authenticator: later tokens are refused', async () => {
    const a = await setup();
    await login(a, k1);
    await a.close();
    await a.close();
    await refused(a.authenticate(bearer(await token(k1))), 'identity_provider_unavailable', /the authenticator is closed/);
  });
});

describe('documents that are refused', () => {
  it('a discovery document naming another issuer', async () => {
    const a = await setup();
    idp.discovery = { issuer: 'https://evil.example/realms/acme', jwks_uri: idp.jwksUri };
    await refused(
      a.authenticate(bearer(await token(k1))),
      'identity_provider_unavailable',
      /names the issuer "https:\/\/evil\.example\/realms\/acme", not "http:\/\/127\.0\.0\.1:\d+\/realms\/acme"; set identity\.oidc\.issuer to exactly/,
    );
    expect(idp.fetches.jwks).toBe(0);
  });

  it('a discovery document without a usable jwks_uri', async () => {
    const a = await setup();
    idp.discovery = { issuer: idp.issuer, jwks_uri: 'ftp://example.com/keys' };
    await refused(a.authenticate(bearer(await token(k1))), 'identity_provider_unavailable', /names a jwks_uri that is not http\(s\)/);
  });

  it('a JWKS larger than 1 MiB, with or without Content-Length', async () => {
    for (const chunked of [false, true]) {
      const a = await setup();
      idp.jwksBody = JSON.stringify({ keys: [k1.jwk], padding: 'x'.repeat(1024 * 1024) });
      idp.chunked = chunked;
      const size = Buffer.byteLength(idp.jwksBody);
      const why = chunked ? 'is larger than 1048576 bytes; not read' : `is ${size} bytes, larger than 1048576; not read`;
      await refused(a.authenticate(bearer(await token(k1))), 'identity_provider_unavailable', new RegExp(`/certs ${why}\\)`));
      await a.close();
      await idp.close();
    }
  });

  it('a JWKS with more keys than the limit', async () => {
    const a = await setup();
    idp.jwksBody = JSON.stringify({ keys: Array.from({ length: 101 }, (_, i) => ({ ...k1.jwk, kid: `k${i}` })) });
    await refused(a.authenticate(bearer(await token(k1))), 'identity_provider_unavailable', /has 101 keys, more than the limit of 100/);
  });

  it('a JWKS that is not JSON, or holds no signing key', async () => {
    const a = await setup();
    idp.jwksBody = '<html>login</html>';
    await refused(a.authenticate(bearer(await token(k1))), 'identity_provider_unavailable', /certs is not JSON/);
    idp.jwksBody = JSON.stringify({ keys: [{ ...k1.jwk, use: 'enc' }] });
    clock += 30_000;
    await refused(a.authenticate(bearer(await token(k1))), 'identity_provider_unavailable', /has no usable signing key \(skipped key 0 \(kid "k1"\): use is "enc", not "sig"\)/);
  });

  it('a redirect is not followed', async () => {
    const target = await FakeIdp.start();
    try {
      const redirector = createServer((_req, res) => res.writeHead(302, { location: target.jwksUri }).end());
      await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
      const port = (redirector.address() as AddressInfo).port;
      await setup();
      const a = createAuthenticator({ oidc: idp.config({ jwksUri: `http://127.0.0.1:${port}/jwks` }), apiKeys: [] }, { now: () => clock });
      open.push(a);
      await refused(a.authenticate(bearer(await token(k1))), 'identity_provider_unavailable', /HTTP 302 \(a redirect; configure the final URL\)/);
      expect(target.fetches.jwks).toBe(0);
      await a.close();
      await new Promise<void>((r) => redirector.close(() => r()));
    } finally {
      await target.close();
    }
  });
});
