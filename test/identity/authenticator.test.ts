import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdentityConfig } from '../../src/config/types.js';
import {
  authChallenge,
  AuthError,
  authErrorStatus,
  createAuthenticator,
  CREDENTIAL_HEADERS,
  hashApiKey,
  IdentityConfigError,
  type AuthErrorCode,
  type Authenticator,
} from '../../src/identity/index.js';
import { bearer, FakeIdp, handmade, makeKey, type IdpKey } from './support/idp.js';

// The authenticator as the proxy uses it: headers in, an Identity or an AuthError
// out. API keys, anonymous access, which header carries what, conflicts, limits,
// and the promise that no message ever quotes the credential it refuses.

const CI_KEY = 'rg-Q2hhbmdlTWUtdGhpcy1pcy1hLXRlc3Qta2V5LW9ubHk';
const DOTTED_KEY = 'legacy.key.v1';
const CLOCK = 1_760_000_000_000;
let idp: FakeIdp;
let rsa: IdpKey;
const open: Authenticator[] = [];

const apiKeys: IdentityConfig['apiKeys'] = [
  { id: 'ci-bot', hash: hashApiKey(CI_KEY), groups: ['ci'], claims: { team: 'platform' } },
  { id: 'legacy', hash: hashApiKey(DOTTED_KEY).toUpperCase().replace('SHA256:', 'sha256:'), groups: [], email: 'legacy@example.com', claims: {} },
];

beforeAll(async () => {
  idp = await FakeIdp.start();
  rsa = await makeKey('RS256', 'rsa-1');
  idp.publish(rsa);
});

afterAll(async () => {
  await Promise.all(open.map((a) => a.close()));
  await idp.close();
});

function auth(config: Partial<IdentityConfig> = {}): Authenticator {
  const a = createAuthenticator({ apiKeys, ...config }, { now: () => CLOCK });
  open.push(a);
  return a;
}

async function refusal(p: Promise<unknown>): Promise<AuthError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AuthError);
  return e as AuthError;
}

describe('API keys', () => {
  it('as a Bearer token (OpenAI SDKs) or in x-api-key (Anthropic SDKs)', async () => {
    const a = auth();
    const expected = { id: 'ci-bot', groups: ['ci'], auth: 'api_key', claims: { team: 'platform' } };
    expect(await a.authenticate(bearer(CI_KEY))).toEqual(expected);
    expect(await a.authenticate({ 'x-api-key': CI_KEY })).toEqual(expected);
    expect(await a.authenticate({ authorization: `bearer   ${CI_KEY}  ` })).toEqual(expected);
    expect(await a.authenticate({ authorization: `Bearer ${CI_KEY}`, 'x-api-key': CI_KEY })).toEqual(expected);
  });

  it('a key with dots (JWT-like shape) still matches, even with OIDC configured; hashes in upper case are accepted', async () => {
    const a = auth({ oidc: idp.config() });
    expect(await a.authenticate(bearer(DOTTED_KEY))).toEqual({ id: 'legacy', groups: [], email: 'legacy@example.com', auth: 'api_key', claims: {} });
    expect(idp.fetches.jwks).toBe(0);
  });

  it('the identity returned is a copy: changing it does not change the next one', async () => {
    const a = auth();
    const first = await a.authenticate(bearer(CI_KEY));
    first.groups.push('admin');
    (first.claims as Record<string, unknown>)['team'] = 'x';
    expect(await a.authenticate(bearer(CI_KEY))).toMatchObject({ groups: ['ci'], claims: { team: 'platform' } });
  });

  it('an unknown key is refused, without quoting it', async () => {
    const e = await refusal(auth().authenticate(bearer('rg-not-a-real-key-0000000000')));
    expect(e.code).toBe('unknown_api_key');
    expect(e.message).toBe('the API key in the authorization header is not valid; check the key, or ask for one');
    const none = await refusal(auth({ apiKeys: [] }).authenticate({ 'x-api-key': 'whatever-123' }));
    expect(none.message).toBe('the API key in the x-api-key header is not valid (no API keys are configured); check the key, or ask for one');
  });

  it('a JWT without OIDC configured is refused as such', async () => {
    const t = await idp.token({}, { key: rsa, now: CLOCK / 1000 });
    const e = await refusal(auth().authenticate(bearer(t)));
    expect(e.code).toBe('invalid_token');
    expect(e.message).toBe('the authorization header carries a JWT, but no OIDC issuer is configured (identity.oidc) to verify it');
  });

  it('bad key configuration is refused at construction, naming the entry', () => {
    const build = (keys: IdentityConfig['apiKeys']) => () => createAuthenticator({ apiKeys: keys });
    expect(build([{ id: 'x', hash: 'sha1:abc', groups: [], claims: {} }])).toThrow(IdentityConfigError);
    expect(build([{ id: 'x', hash: 'sha1:abc', groups: [], claims: {} }])).toThrow(/^identity\.api_keys\[0\]\.hash: must be "sha256:" followed by 64 hex digits/);
    expect(build([apiKeys[0]!, { ...apiKeys[0]!, id: 'other' }])).toThrow(/^identity\.api_keys\[1\]\.hash: the same key hash as identity\.api_keys\[0\]/);
    expect(build([{ ...apiKeys[0]!, id: ' ' }])).toThrow(/^identity\.api_keys\[0\]\.id: every API key needs a non-empty id/);
  });
});

describe('no credentials', () => {
  it('anonymous when configured (also for empty headers)', async () => {
    const a = auth({ anonymous: { id: 'anonymous', groups: ['public'] } });
    const expected = { id: 'anonymous', groups: ['public'], auth: 'anonymous', claims: {} };
    expect(await a.authenticate({})).toEqual(expected);
    expect(await a.authenticate({ authorization: '', 'x-api-key': '  ' })).toEqual(expected);
    expect(await a.authenticate({ 'content-type': 'application/json', 'api-key': 'azure-style' })).toEqual(expected);
  });

  it('a wrong credential is refused even with anonymous access on', async () => {
    const a = auth({ anonymous: { id: 'anonymous', groups: [] } });
    expect((await refusal(a.authenticate(bearer('typo-key')))).code).toBe('unknown_api_key');
  });

  it('otherwise 401 missing_credentials naming the accepted headers', async () => {
    const e = await refusal(auth().authenticate({}));
    expect(e.code).toBe('missing_credentials');
    expect(e.message).toBe('no credentials: send "Authorization: Bearer <token or API key>" or "x-api-key: <API key or token>"');
  });
});

describe('malformed and conflicting headers', () => {
  it('two different credentials are ambiguous', async () => {
    const e = await refusal(auth().authenticate({ authorization: `Bearer ${CI_KEY}`, 'x-api-key': 'other-key' }));
    expect(e.code).toBe('ambiguous_credentials');
    expect(e.message).toBe('the request carries two different credentials (Authorization and x-api-key); send only one');
  });

  it('repeated headers with different values are refused', async () => {
    const e = await refusal(auth().authenticate({ 'x-api-key': [CI_KEY, 'other'] }));
    expect(e.code).toBe('ambiguous_credentials');
    expect(e.message).toBe('the request has more than one x-api-key header; send exactly one credential');
    expect(await auth().authenticate({ 'x-api-key': [CI_KEY] })).toMatchObject({ id: 'ci-bot' });
  });

  it('another scheme is refused; a well-known scheme is named, anything else is not', async () => {
    const basic = await refusal(auth().authenticate({ authorization: 'Basic YWxpY2U6c2VjcmV0' }));
    expect(basic.message).toBe(
      'the Authorization header must be "Bearer <token>"; the Basic scheme is not accepted (accepted: "Authorization: Bearer <token or API key>" or "x-api-key: <API key or token>")',
    );
    const raw = await refusal(auth().authenticate({ authorization: `${CI_KEY}` }));
    expect(raw.message).toMatch(/^the Authorization header must be "Bearer <token>"; this scheme is not accepted/);
    const empty = await refusal(auth().authenticate({ authorization: 'Bearer' }));
    expect(empty.message).toBe('the Authorization header has the Bearer scheme but no token');
  });

  it('a credential longer than 16 KiB is refused before parsing', async () => {
    const a = auth({ oidc: idp.config() });
    const before = idp.fetches.jwks;
    const long = handmade({ alg: 'RS256', kid: 'rsa-1' }, { pad: 'x'.repeat(16 * 1024) }, 'sig');
    const e = await refusal(a.authenticate(bearer(long)));
    expect(e.message).toBe('the credential in authorization is longer than 16384 characters; it is not read');
    expect(idp.fetches.jwks).toBe(before);
  });
});

describe('error codes and statuses', () => {
  it('maps every code to 401, except an unavailable identity provider (503)', () => {
    const codes: AuthErrorCode[] = [
      'missing_credentials',
      'invalid_token',
      'expired_token',
      'token_not_yet_valid',
      'wrong_issuer',
      'wrong_audience',
      'unknown_key',
      'disallowed_algorithm',
      'unknown_api_key',
    ];
    for (const c of codes) expect(authErrorStatus(c)).toBe(401);
    expect(authErrorStatus('identity_provider_unavailable')).toBe(503);
    expect(authChallenge('missing_credentials')).toBe('Bearer realm="railgate"');
    expect(authChallenge('expired_token')).toBe('Bearer realm="railgate", error="invalid_token"');
    expect(authChallenge('identity_provider_unavailable')).toBeUndefined();
  });

  it('the credential headers the proxy strips include both accepted ones', () => {
    expect(CREDENTIAL_HEADERS).toEqual(expect.arrayContaining(['authorization', 'x-api-key']));
  });
});

describe('garbage never escapes as anything but an AuthError, and is never quoted', () => {
  const now = CLOCK / 1000;
  const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const segment = fc.stringMatching(/^[A-Za-z0-9_-]{0,40}$/);
  const weighted = <T>(likely: fc.Arbitrary<T>, other: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
    fc.oneof({ arbitrary: likely, weight: 4 }, { arbitrary: other, weight: 1 });
  const header = fc.record(
    {
      alg: weighted(fc.constantFrom('RS256', 'RS256', 'ES256', 'PS256', 'HS256', 'none'), fc.jsonValue()),
      kid: weighted(fc.constantFrom('rsa-1', 'k2'), fc.jsonValue()),
      typ: weighted(fc.constant('JWT'), fc.jsonValue()),
      crit: fc.array(fc.string(), { maxLength: 2 }),
    },
    { requiredKeys: ['alg'] },
  );
  const time = weighted(fc.integer({ min: now - 1000, max: now + 1000 }), fc.jsonValue());
  const claims = fc.record(
    {
      sub: weighted(fc.string({ minLength: 1, maxLength: 20 }), fc.jsonValue()),
      iss: weighted(fc.constant(0).map(() => idp.issuer), fc.jsonValue()),
      aud: weighted(fc.constantFrom('railgate', ['x', 'railgate']), fc.jsonValue()),
      exp: time,
      nbf: time,
      iat: time,
      groups: fc.jsonValue(),
      email: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );
  // what a client can put in a header: a Latin-1 string without line breaks
  const printable = (v: string): string => v.replace(/[^\u0020-\u00ff]/g, '');
  type Case = { kind: 'text'; value: string } | { kind: 'signed'; claims: Record<string, unknown>; mutate: number };
  const cases: fc.Arbitrary<Case> = fc.oneof(
    fc.string({ maxLength: 200 }).map((value) => ({ kind: 'text' as const, value })),
    fc.string({ unit: 'binary', maxLength: 100 }).map((value) => ({ kind: 'text' as const, value })),
    fc.tuple(segment, segment, segment).map(([h, p, s]) => ({ kind: 'text' as const, value: `${h}.${p}.${s}` })),
    fc.tuple(header, fc.oneof(claims, fc.jsonValue()), segment).map(([h, p, s]) => ({ kind: 'text' as const, value: `${b64(h)}.${b64(p)}.${s}` })),
    fc.tuple(claims, fc.oneof({ arbitrary: fc.constant(-1), weight: 3 }, { arbitrary: fc.nat(400), weight: 1 })).map(([c, mutate]) => ({ kind: 'signed' as const, claims: c as Record<string, unknown>, mutate })),
  );

  it('random credentials in either header, and properly signed tokens with random claims', async () => {
    const a = createAuthenticator({ oidc: idp.config({ algorithms: ['RS256', 'ES256', 'PS256'], clockSkewMs: 0 }), apiKeys }, { now: () => CLOCK });
    open.push(a);
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(cases, fc.boolean(), async (c, inAuthorization) => {
        let value: string;
        if (c.kind === 'text') value = printable(c.value).trim();
        else {
          value = await idp.token(c.claims, { key: rsa, now });
          // flip one character of the token (or none, for -1)
          if (c.mutate >= 0) {
            const i = c.mutate % value.length;
            value = `${value.slice(0, i)}${value[i] === 'A' ? 'B' : 'A'}${value.slice(i + 1)}`;
          }
        }
        const headers = inAuthorization ? { authorization: `Bearer ${value}` } : { 'x-api-key': value };
        const outcome = await a.authenticate(headers).then(
          (id) => id,
          (x: unknown) => x,
        );
        if (outcome instanceof AuthError) {
          seen.add(outcome.code);
          if (value.length >= 12) expect(outcome.message).not.toContain(value);
          return;
        }
        // only a token the provider signed gets through (a flip in the signature's padding bits
        // changes nothing), and it names its caller
        expect(c.kind).toBe('signed');
        expect(outcome).toMatchObject({ auth: 'oidc', id: expect.any(String) });
        seen.add('ok');
      }),
      { numRuns: 1000 },
    );
    // the cases reach deep into verification, not only the first checks
    expect([...seen]).toEqual(expect.arrayContaining(['ok', 'disallowed_algorithm', 'invalid_token', 'expired_token', 'wrong_audience', 'wrong_issuer']));
  });

  it('real tokens and keys refused for every reason are never quoted', async () => {
    const a = createAuthenticator({ oidc: idp.config({ clockSkewMs: 0 }), apiKeys }, { now: () => CLOCK });
    open.push(a);
    const now = CLOCK / 1000;
    const stranger = await makeKey('RS256', 'rsa-1');
    const refusedTokens = [
      await idp.token({}, { key: rsa, now: now - 1000 }),
      await idp.token({ nbf: now + 100 }, { key: rsa, now }),
      await idp.token({}, { key: rsa, now, issuer: 'https://other.example' }),
      await idp.token({}, { key: rsa, now, audience: 'other' }),
      await idp.token({ sub: '' }, { key: rsa, now }),
      await idp.token({}, { key: stranger, now }),
      await idp.token({}, { key: rsa, now, header: { kid: 'unknown' } }),
      handmade({ alg: 'none' }, { sub: 'root' }),
      'rg-wrong-key-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ];
    for (const t of refusedTokens) {
      for (const headers of [bearer(t), { 'x-api-key': t }]) {
        const e = await refusal(a.authenticate(headers));
        expect(e.message).not.toContain(t);
        for (const part of t.split('.').filter((p) => p.length >= 8)) expect(e.message).not.toContain(part);
      }
    }
  });
});
