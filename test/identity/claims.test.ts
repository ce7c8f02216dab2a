import { describe, expect, it } from 'vitest';
import { checkClaims, claimAt, groupsFrom, identityFromClaims } from '../../src/identity/claims.js';
import { AuthError } from '../../src/identity/index.js';

// The pure half of token checking: claims against rules at a given time, and
// claims to an Identity.

const NOW = 1_760_000_000; // seconds
const rules = { issuer: 'https://id.example/realms/acme', audience: ['railgate'], clockSkewMs: 0 };
const base = { iss: rules.issuer, aud: 'railgate', exp: NOW + 60 };

function failure(payload: Record<string, unknown>, r = rules): AuthError {
  try {
    checkClaims(payload, r, NOW * 1000);
  } catch (e) {
    expect(e).toBeInstanceOf(AuthError);
    return e as AuthError;
  }
  throw new Error('expected the claims to be refused');
}

describe('checkClaims', () => {
  it('accepts valid claims; exp is exclusive, skew widens both ends', () => {
    expect(() => checkClaims(base, rules, NOW * 1000)).not.toThrow();
    expect(failure({ ...base, exp: NOW }).code).toBe('expired_token');
    expect(() => checkClaims({ ...base, exp: NOW }, { ...rules, clockSkewMs: 1 }, NOW * 1000)).not.toThrow();
    expect(() => checkClaims({ ...base, nbf: NOW }, rules, NOW * 1000)).not.toThrow();
    expect(failure({ ...base, nbf: NOW + 1 }).code).toBe('token_not_yet_valid');
  });

  it('names what is wrong', () => {
    expect(failure({ ...base, iss: undefined }).message).toBe('the token has no iss claim (expected "https://id.example/realms/acme")');
    expect(failure({ ...base, iss: 42 }).message).toBe('issuer a number is not accepted (expected "https://id.example/realms/acme")');
    expect(failure({ ...base, aud: ['a', 'b', 'c', 'd', 'e'] }).message).toBe('audience "a", "b", "c" and 2 more is not accepted (expected "railgate")');
    expect(failure({ ...base, aud: 7 }).message).toBe('audience a number (not a string) is not accepted (expected "railgate")');
    expect(failure({ ...base, exp: '2030-01-01' }).message).toBe("the token's exp claim is not a number (seconds since 1970)");
    expect(failure({ ...base, exp: NOW - 1 }).message).toBe(`token expired at ${new Date((NOW - 1) * 1000).toISOString()}; get a new one`);
    expect(failure({ ...base, exp: -1e300 }).message).toBe('token expired at -1e+300; get a new one');
    expect(failure({ ...base, aud: 'x\u0000\u2028'.repeat(40) }).message).toMatch(/^audience "(x\\u0000\\u2028){21}x…" is not accepted/);
  });
});

describe('claimAt and groupsFrom', () => {
  const payload = { a: { b: { c: ['x'] } }, 'a.b': 'literal', list: [{ name: 'n' }] };

  it('a literal claim name wins over a dot path; paths walk own object properties only', () => {
    expect(claimAt(payload, 'a.b')).toBe('literal');
    expect(claimAt(payload, 'a.b.c')).toEqual(['x']);
    expect(claimAt(payload, 'a.missing.c')).toBeUndefined();
    expect(claimAt(payload, 'list.0.name')).toBeUndefined();
    expect(claimAt(payload, 'constructor')).toBeUndefined();
    expect(claimAt(payload, 'a.__proto__')).toBeUndefined();
    expect(claimAt(payload, 'a.b.c.length')).toBeUndefined();
  });

  it('groups: strings kept once, in order', () => {
    expect(groupsFrom(['b', 'a', 'b', '', 1, null, { g: 1 }])).toEqual(['b', 'a']);
    expect(groupsFrom('solo')).toEqual(['solo']);
    expect(groupsFrom('')).toEqual([]);
    expect(groupsFrom(undefined)).toEqual([]);
    expect(groupsFrom(3)).toEqual([]);
  });
});

describe('identityFromClaims', () => {
  const m = { idClaim: 'sub', emailClaim: 'email', groupsClaim: 'groups' };
  it('maps id, email, groups; drops session-binding claims', () => {
    expect(identityFromClaims({ sub: 'u1', email: 'u1@x.example', groups: 'g', nonce: 'n', at_hash: 'h', c_hash: 'c', s_hash: 's', jti: 'j' }, m)).toEqual({
      id: 'u1',
      email: 'u1@x.example',
      groups: ['g'],
      auth: 'oidc',
      claims: { sub: 'u1', email: 'u1@x.example', groups: 'g', jti: 'j' },
    });
  });
  it('refuses an empty or missing id', () => {
    expect(() => identityFromClaims({ sub: '' }, m)).toThrow(/"sub" claim, which names the caller \(identity\.oidc\.id_claim\), is empty/);
    expect(() => identityFromClaims({}, m)).toThrow(/is missing/);
  });
});
