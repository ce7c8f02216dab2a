import { createPublicKey } from 'node:crypto';
import { exportSPKI, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityConfig, OidcConfig } from '../../src/config/types.js';
import { AuthError, createAuthenticator, IdentityConfigError, type Authenticator } from '../../src/identity/index.js';
import { bearer, FakeIdp, handmade, makeKey, type IdpKey } from './support/idp.js';

// OIDC tokens against a real (in-process) identity provider: real key pairs,
// a real JWKS and discovery document over HTTP, tokens signed by jose. The clock
// is injected, so expiry cases need no waiting.

let idp: FakeIdp;
let rsa: IdpKey;
let ec: IdpKey;
let ps: IdpKey;
let ed: IdpKey;
let stranger: IdpKey;
const CLOCK = 1_760_000_000_000;
const NOW = CLOCK / 1000;
const open: Authenticator[] = [];

beforeAll(async () => {
  idp = await FakeIdp.start();
  [rsa, ec, ps, ed, stranger] = await Promise.all([
    makeKey('RS256', 'rsa-1'),
    makeKey('ES256', 'ec-1'),
    makeKey('PS256', 'ps-1'),
    makeKey('EdDSA', 'ed-1'),
    makeKey('RS256', 'rsa-1'), // same kid as rsa, different key: an impostor
  ]);
  idp.publish(rsa, ec, ps, ed);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((a) => a.close()));
});

afterAll(async () => {
  await idp.close();
});

function auth(over: Partial<OidcConfig> = {}, extra: Partial<IdentityConfig> = {}): Authenticator {
  const a = createAuthenticator({ oidc: idp.config(over), apiKeys: [], ...extra }, { now: () => CLOCK });
  open.push(a);
  return a;
}

const token = (claims: Record<string, unknown> = {}, key: IdpKey = rsa, header: Record<string, unknown> = {}): Promise<string> =>
  idp.token(claims, { key, now: NOW, header });

async function refused(p: Promise<unknown>, code: string, message?: string | RegExp): Promise<AuthError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AuthError);
  const err = e as AuthError;
  expect(err.code).toBe(code);
  if (typeof message === 'string') expect(err.message).toBe(message);
  else if (message) expect(err.message).toMatch(message);
  return err;
}

describe('valid tokens', () => {
  it('RS256: the identity carries id, email, groups and the claims (without session-binding ones)', async () => {
    const t = await token({ sub: 'alice', email: 'alice@example.com', groups: ['ml-research', 'staff'], nonce: 'n-1', at_hash: 'x', scope: 'openid' });
    const id = await auth().authenticate(bearer(t));
    expect(id).toEqual({
      id: 'alice',
      email: 'alice@example.com',
      groups: ['ml-research', 'staff'],
      auth: 'oidc',
      claims: { sub: 'alice', email: 'alice@example.com', groups: ['ml-research', 'staff'], scope: 'openid', iss: idp.issuer, aud: 'railgate', iat: NOW, exp: NOW + 300 },
    });
  });

  it('ES256, PS256 and EdDSA, each when allowed', async () => {
    const a = auth({ algorithms: ['ES256', 'PS256', 'EdDSA'] });
    for (const key of [ec, ps, ed]) {
      expect((await a.authenticate(bearer(await token({ sub: `u-${key.alg}` }, key)))).id).toBe(`u-${key.alg}`);
    }
  });

  it('accepts typ JWT and at+jwt (RFC 9068), and no typ at all', async () => {
    const a = auth();
    for (const typ of ['JWT', 'at+jwt', 'application/at+JWT', undefined]) {
      expect((await a.authenticate(bearer(await token({}, rsa, { typ })))).id).toBe('alice');
    }
  });

  it('a token in x-api-key is verified too', async () => {
    expect((await auth().authenticate({ 'x-api-key': await token() })).auth).toBe('oidc');
  });

  it('audience: any configured audience in the token aud (string or list) is enough', async () => {
    const a = auth({ audience: ['gateway', 'railgate'] });
    expect((await a.authenticate(bearer(await token({ aud: 'railgate' })))).id).toBe('alice');
    expect((await a.authenticate(bearer(await token({ aud: ['account', 'gateway'] })))).id).toBe('alice');
  });

  it('a token without kid is accepted when exactly one published key fits its alg', async () => {
    // ES256: only ec-1 fits
    expect((await auth().authenticate(bearer(await token({}, ec, { kid: undefined })))).id).toBe('alice');
  });

  it('an unverified email is left out', async () => {
    const id = await auth().authenticate(bearer(await token({ email: 'mallory@corp.example', email_verified: false })));
    expect(id.email).toBeUndefined();
    expect(id.claims['email']).toBe('mallory@corp.example');
  });
});

describe('groups and id from configured claims', () => {
  it('reads groups from a nested claim path', async () => {
    const t = await token({ realm_access: { roles: ['admin', 7, null, 'admin', 'ops'] } });
    expect((await auth({ groupsClaim: 'realm_access.roles' }).authenticate(bearer(t))).groups).toEqual(['admin', 'ops']);
  });

  it('a string groups claim is one group; absent or another type is none', async () => {
    const a = auth({ groupsClaim: 'role' });
    expect((await a.authenticate(bearer(await token({ role: 'ops' })))).groups).toEqual(['ops']);
    expect((await a.authenticate(bearer(await token({})))).groups).toEqual([]);
    expect((await a.authenticate(bearer(await token({ role: { name: 'ops' } })))).groups).toEqual([]);
  });

  it('a namespaced claim with dots in its name is read as one name', async () => {
    const t = await token({ 'https://acme.example/groups': ['eng'] });
    expect((await auth({ groupsClaim: 'https://acme.example/groups' }).authenticate(bearer(t))).groups).toEqual(['eng']);
  });

  it('id from another claim; missing or non-string id is refused', async () => {
    const a = auth({ idClaim: 'preferred_username' });
    expect((await a.authenticate(bearer(await token({ preferred_username: 'alice.smith' })))).id).toBe('alice.smith');
    await refused(a.authenticate(bearer(await token({}))), 'invalid_token', /"preferred_username" claim, which names the caller \(identity\.oidc\.id_claim\), is missing/);
    await refused(a.authenticate(bearer(await token({ preferred_username: 42 }))), 'invalid_token', /is a number, not a string/);
  });
});

describe('claims that do not hold', () => {
  it('expired', async () => {
    const t = await idp.token({}, { key: rsa, now: NOW - 600, ttl: 300 });
    await refused(auth().authenticate(bearer(t)), 'expired_token', `token expired at ${new Date((NOW - 300) * 1000).toISOString()}; get a new one`);
  });

  it('expired, but within the clock skew', async () => {
    const t = await idp.token({}, { key: rsa, now: NOW - 320, ttl: 300 });
    await refused(auth().authenticate(bearer(t)), 'expired_token', /allowing|expired at/);
    expect((await auth({ clockSkewMs: 60_000 }).authenticate(bearer(t))).id).toBe('alice');
  });

  it('not yet valid (nbf), with and without skew', async () => {
    const t = await token({ nbf: NOW + 30 });
    await refused(auth().authenticate(bearer(t)), 'token_not_yet_valid', `token is not valid before ${new Date((NOW + 30) * 1000).toISOString()}; check the clocks of the issuer and the proxy`);
    expect((await auth({ clockSkewMs: 60_000 }).authenticate(bearer(t))).id).toBe('alice');
    await refused(auth({ clockSkewMs: 10_000 }).authenticate(bearer(t)), 'token_not_yet_valid', /allowing 10 s of clock skew/);
  });

  it('issued in the future', async () => {
    await refused(auth().authenticate(bearer(await token({ iat: NOW + 120 }))), 'token_not_yet_valid', /issued in the future/);
  });

  it('no exp: tokens that never expire are refused', async () => {
    await refused(auth().authenticate(bearer(await token({ exp: undefined }))), 'invalid_token', /no exp claim/);
  });

  it('wrong issuer', async () => {
    await refused(
      auth().authenticate(bearer(await token({ iss: 'https://evil.example' }))),
      'wrong_issuer',
      `issuer "https://evil.example" is not accepted (expected "${idp.issuer}")`,
    );
    // exact match: a trailing slash is another issuer
    await refused(auth().authenticate(bearer(await token({ iss: `${idp.issuer}/` }))), 'wrong_issuer');
  });

  it('wrong audience, single and listed', async () => {
    await refused(auth().authenticate(bearer(await token({ aud: 'railgate-dev' }))), 'wrong_audience', 'audience "railgate-dev" is not accepted (expected "railgate")');
    await refused(
      auth({ audience: ['a', 'b'] }).authenticate(bearer(await token({ aud: ['c', 'd'] }))),
      'wrong_audience',
      'audience "c", "d" is not accepted (expected one of "a", "b")',
    );
    await refused(auth().authenticate(bearer(await token({ aud: undefined }))), 'wrong_audience', /no aud claim/);
  });
});

describe('algorithms and keys', () => {
  it('alg none (an unsigned token) is refused before any key is fetched', async () => {
    const fresh = await FakeIdp.start();
    try {
      const a = createAuthenticator({ oidc: fresh.config(), apiKeys: [] }, { now: () => CLOCK });
      open.push(a);
      const t = handmade({ alg: 'none', typ: 'JWT' }, { sub: 'root', iss: fresh.issuer, aud: 'railgate', exp: NOW + 60 });
      await refused(a.authenticate(bearer(t)), 'disallowed_algorithm', 'unsigned tokens (alg "none") are never accepted');
      await refused(a.authenticate(bearer(handmade({ alg: 'NONE' }, { sub: 'root' }, 'sig'))), 'disallowed_algorithm');
      expect(fresh.fetches).toEqual({ discovery: 0, jwks: 0 });
    } finally {
      await fresh.close();
    }
  });

  it('HS256 signed with the public key as the HMAC secret (algorithm confusion) is refused before any key lookup', async () => {
    const fresh = await FakeIdp.start();
    try {
      fresh.publish(rsa);
      const a = createAuthenticator({ oidc: fresh.config(), apiKeys: [] }, { now: () => CLOCK });
      open.push(a);
      const pem = await exportSPKI(rsa.publicKey);
      const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
      for (const secret of [new TextEncoder().encode(pem), new Uint8Array(der)]) {
        const forged = await new SignJWT({ sub: 'root', iss: fresh.issuer, aud: 'railgate', iat: NOW, exp: NOW + 300 })
          .setProtectedHeader({ alg: 'HS256', kid: 'rsa-1', typ: 'JWT' })
          .sign(secret);
        await refused(a.authenticate(bearer(forged)), 'disallowed_algorithm', /"HS256" \(a shared-secret HMAC\) is never accepted/);
      }
      expect(fresh.fetches).toEqual({ discovery: 0, jwks: 0 });
    } finally {
      await fresh.close();
    }
  });

  it('an algorithm outside the allowlist is refused, even with a published key', async () => {
    await refused(auth().authenticate(bearer(await token({}, ps))), 'disallowed_algorithm', 'algorithm "PS256" is not accepted (allowed: RS256, ES256; see identity.oidc.algorithms)');
  });

  it('the key type must fit the algorithm: an RSA kid with an ES256 header is refused', async () => {
    const t = handmade({ alg: 'ES256', kid: 'rsa-1' }, { sub: 'root', iss: idp.issuer, aud: 'railgate', exp: NOW + 60 }, 'AAAA');
    await refused(auth().authenticate(bearer(t)), 'invalid_token', 'signing key kid="rsa-1" cannot verify ES256 (the key is RSA for RS256)');
  });

  it('a signature by another key under a published kid is refused', async () => {
    const t = await idp.token({ sub: 'root' }, { key: stranger, now: NOW });
    await refused(auth().authenticate(bearer(t)), 'invalid_token', 'signature verification failed (kid="rsa-1", RS256): the token was altered or not signed by the issuer');
  });

  it('an altered payload is refused', async () => {
    const [h, , s] = (await token({ groups: ['staff'] })).split('.');
    const p = Buffer.from(JSON.stringify({ sub: 'alice', groups: ['admin'], iss: idp.issuer, aud: 'railgate', exp: NOW + 300 })).toString('base64url');
    await refused(auth().authenticate(bearer(`${h}.${p}.${s}`)), 'invalid_token', /signature verification failed/);
  });

  it('a token without kid is refused when several published keys fit its alg', async () => {
    const other = await makeKey('RS256', 'rsa-2');
    const fresh = await FakeIdp.start();
    try {
      fresh.publish(rsa, other);
      const a = createAuthenticator({ oidc: fresh.config(), apiKeys: [] }, { now: () => CLOCK });
      open.push(a);
      const t = await fresh.token({}, { key: rsa, now: NOW, header: { kid: undefined } });
      await refused(a.authenticate(bearer(t)), 'invalid_token', 'the token names no kid and the identity provider publishes 2 keys for RS256; the token must name exactly one (kid)');
    } finally {
      await fresh.close();
    }
  });

  it('a token type other than JWT or at+jwt is refused', async () => {
    await refused(auth().authenticate(bearer(await token({}, rsa, { typ: 'dpop+jwt' }))), 'invalid_token', 'token type (typ) "dpop+jwt" is not accepted; expected JWT or at+jwt');
  });

  it('an unknown critical header is refused', async () => {
    const t = await idp.token({}, { key: rsa, now: NOW, header: { crit: ['exp-policy'], 'exp-policy': 1 }, crit: { 'exp-policy': true } });
    await refused(auth().authenticate(bearer(t)), 'invalid_token', 'malformed token: Extension Header Parameter "exp-policy" is not recognized');
  });

  it('keys named in the token (jku, jwk) are ignored', async () => {
    const jwk = stranger.jwk;
    const t = await idp.token({ sub: 'root' }, { key: stranger, now: NOW, header: { kid: 'rsa-1', jwk, jku: 'http://127.0.0.1:1/evil' } });
    await refused(auth().authenticate(bearer(t)), 'invalid_token', /signature verification failed/);
  });
});

describe('configuration', () => {
  const build = (over: Partial<OidcConfig>): (() => Authenticator) => () => createAuthenticator({ oidc: idp.config(over), apiKeys: [] });

  it('refuses none, HMAC and unknown algorithms in the allowlist, naming the entry', () => {
    expect(build({ algorithms: ['RS256', 'HS256'] })).toThrow(IdentityConfigError);
    expect(build({ algorithms: ['RS256', 'HS256'] })).toThrow(/^identity\.oidc\.algorithms\[1\]: HS256 is a shared-secret \(HMAC\) algorithm/);
    expect(build({ algorithms: ['none'] })).toThrow(/algorithms\[0\]: unsigned tokens \("none"\) can never be allowed/);
    expect(build({ algorithms: ['rs256'] })).toThrow(/unknown algorithm "rs256"/);
    expect(build({ algorithms: [] })).toThrow(/no algorithm is allowed/);
  });

  it('refuses an issuer or JWKS URI that is not an http(s) URL, and an empty audience', () => {
    expect(build({ issuer: 'login.example.com' })).toThrow(/^identity\.oidc\.issuer: is not a URL/);
    expect(build({ jwksUri: 'file:///etc/jwks.json' })).toThrow(/^identity\.oidc\.jwks_uri: must be an https:\/\/ URL, not file:/);
    expect(build({ audience: [] })).toThrow(/^identity\.oidc\.audience: list at least one/);
  });

  it('warns about plain http outside loopback', async () => {
    const logs: string[] = [];
    const a = createAuthenticator({ oidc: idp.config({ issuer: 'http://keycloak:8080/realms/acme' }), apiKeys: [] }, { logger: (m) => logs.push(m) });
    await a.close();
    expect(logs).toEqual([
      'identity: identity.oidc.issuer (http://keycloak:8080/realms/acme) uses plain http: anyone on the network path can substitute signing keys; use https outside development',
    ]);
  });
});
