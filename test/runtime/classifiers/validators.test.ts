import { describe, expect, it } from 'vitest';
import { creditCard, entropy, iban, ipv4, ipv6, jwt, luhn, notHashOrUuid, phone, ssn, VALIDATORS } from '../../../src/runtime/classifiers/validators.js';

describe('validators', () => {
  it('luhn', () => {
    expect(luhn('79927398713')).toBe(true);
    expect(luhn('79927398710')).toBe(false);
    expect(luhn('4111 1111 1111 1111')).toBe(true);
    expect(luhn('0')).toBe(false);
  });

  it('credit card: issuer prefix, length, Luhn and consistent grouping', () => {
    expect(creditCard('4111111111111111')).toBe(true);
    expect(creditCard('4111 1111 1111 1111')).toBe(true);
    expect(creditCard('4111-1111 1111-1111')).toBe(false);
    expect(creditCard('41 11111111111111')).toBe(false);
    expect(creditCard('9111111111111119')).toBe(false);
    expect(creditCard('378282246310005')).toBe(true);
    expect(creditCard('3782822463100050')).toBe(false);
  });

  it('iban: country length and mod-97', () => {
    expect(iban('GB82WEST12345698765432')).toBe(true);
    expect(iban('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(iban('GB82 WEST12345698765432')).toBe(false);
    expect(iban('GB83WEST12345698765432')).toBe(false);
    expect(iban('GB82WEST1234569876543')).toBe(false);
    expect(iban('QQ82WEST12345698765432')).toBe(false);
  });

  it('ssn format rules', () => {
    expect(ssn('536-22-1234')).toBe(true);
    for (const bad of ['000-22-1234', '666-22-1234', '900-22-1234', '536-00-1234', '536-22-0000', '53622123']) expect(ssn(bad)).toBe(false);
  });

  it('entropy in bits per character', () => {
    expect(entropy('')).toBe(0);
    expect(entropy('aaaa')).toBe(0);
    expect(entropy('abcd')).toBe(2);
    expect(entropy('😀😁')).toBe(1);
  });

  it('jwt needs a JSON header with alg', () => {
    const b = (s: string) => Buffer.from(s).toString('base64url');
    expect(jwt(`${b('{"alg":"HS256"}')}.${b('{"a":1}')}.sig`)).toBe(true);
    expect(jwt(`${b('{"typ":"JWT"}')}.${b('{"a":1}')}.sig`)).toBe(false);
    expect(jwt(`${b('{"alg":"HS256"}')}.${b('nope')}.sig`)).toBe(false);
    expect(jwt('a.b')).toBe(false);
  });

  it('phone numbers', () => {
    expect(phone('+44 20 7946 0958')).toBe(true);
    expect(phone('(415) 555-2671')).toBe(true);
    expect(phone('4155552671')).toBe(false);
    expect(phone('(155) 555-2671')).toBe(false);
    expect(phone('(415) 155-2671')).toBe(false);
    expect(phone('+1234')).toBe(false);
  });

  it('ip addresses', () => {
    expect(ipv4('255.255.255.255')).toBe(true);
    expect(ipv4('256.1.1.1')).toBe(false);
    expect(ipv4('01.1.1.1')).toBe(false);
    expect(ipv6('2001:db8::1')).toBe(true);
    expect(ipv6('1:2:3:4:5:6:7:8')).toBe(true);
    expect(ipv6('1:2:3:4:5:6:7')).toBe(false);
    expect(ipv6('1::2::3')).toBe(false);
    expect(ipv6('::ffff:192.0.2.1')).toBe(true);
    expect(ipv6('::ffff:999.0.2.1')).toBe(false);
    expect(ipv6('::')).toBe(false);
  });

  it('hashes and UUIDs are not secrets', () => {
    expect(notHashOrUuid('550e8400-e29b-41d4-a716-446655440000')).toBe(false);
    expect(notHashOrUuid('da39a3ee5e6b4b0d3255bfef95601890afd80709')).toBe(false);
    expect(notHashOrUuid('Zx8fK2pQ9mLr7Tn4Vb1Yc6Wd')).toBe(true);
  });

  it('are registered by name, entropy with an argument', () => {
    expect([...VALIDATORS.keys()]).toEqual(expect.arrayContaining(['luhn', 'iban', 'ssn', 'entropy', 'jwt']));
    const e = VALIDATORS.get('entropy')!;
    expect(e.arg).toBeDefined();
    expect(e.make(2)('abcd', 'abcd', 0, 4)).toBe(true);
    expect(e.make(2.5)('abcd', 'abcd', 0, 4)).toBe(false);
  });
});
