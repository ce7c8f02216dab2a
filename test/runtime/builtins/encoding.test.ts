import { describe, expect, it } from 'vitest';
import { call, expectBuiltinError, expectTypeError, obj, set, toJSON } from './helpers.js';

describe('json', () => {
  it('marshals as Go does: sorted keys, sets as arrays, HTML-safe escapes', () => {
    expect(call('json.marshal', obj([['b', [1, set(2, 1)]], ['a', null], [1, 'x']]))).toBe('{"1":"x","a":null,"b":[1,[1,2]]}');
    expect(call('json.marshal', obj([[['k'], true]]))).toBe('{"[\\"k\\"]":true}');
    expect(call('json.marshal', '<a&b>\u2028')).toBe('"\\u003ca\\u0026b\\u003e\\u2028"');
    expect(call('json.marshal', [1.5, -2, 'é'])).toBe('[1.5,-2,"é"]');
    expect(call('json.marshal', 'a\ud800b')).toBe('"a\ufffdb"');
    // Bytewise key order: "10" before "9", U+FF5E before U+1F600.
    expect(call('json.marshal', { '9': 0, '10': 0, '\u{1f600}': 0, '\uff5e': 0 })).toBe('{"10":0,"9":0,"～":0,"😀":0}');
  });

  it('marshals with options like json.MarshalIndent', () => {
    const v = { a: [1, 2], b: {} };
    expect(call('json.marshal_with_options', v, { pretty: true })).toBe('{\n\t"a": [\n\t\t1,\n\t\t2\n\t],\n\t"b": {}\n}');
    expect(call('json.marshal_with_options', { a: 1 }, { indent: '  ', prefix: '--' })).toBe('--{\n--  "a": 1\n--}');
    expect(call('json.marshal_with_options', { a: 1 }, { indent: '  ', pretty: false })).toBe('{"a":1}');
    expect(call('json.marshal_with_options', { a: 1 }, {})).toBe('{"a":1}');
    expectTypeError('operand 2 object contained unknown key colour', 'json.marshal_with_options', 1, { colour: 'red' });
    expectTypeError('operand 2 key pretty failed cast to bool', 'json.marshal_with_options', 1, { pretty: 'yes' });
  });

  it('unmarshals and validates', () => {
    expect(toJSON(call('json.unmarshal', '{"a": [1, 2.5, "x", null, true]}')!)).toEqual({ a: [1, 2.5, 'x', null, true] });
    expect(call('json.unmarshal', '"s"')).toBe('s');
    expectBuiltinError('json.unmarshal:', 'json.unmarshal', '{"a":');
    expect(call('json.is_valid', '{"a": 1}')).toBe(true);
    expect(call('json.is_valid', '{a: 1}')).toBe(false);
    expect(call('json.is_valid', 1)).toBe(false);
  });
});

describe('base64 and hex', () => {
  const cases: Array<[string, string, string]> = [
    ['base64.encode', 'hello', 'aGVsbG8='],
    ['base64.encode', 'é', 'w6k='],
    ['base64.encode', '', ''],
    ['base64.decode', 'aGVsbG8=', 'hello'],
    ['base64.decode', 'aGVs\nbG8=', 'hello'],
    ['base64url.encode', 'subjects?_d', 'c3ViamVjdHM_X2Q='],
    ['base64url.encode_no_pad', 'subjects?_d', 'c3ViamVjdHM_X2Q'],
    ['base64url.decode', 'c3ViamVjdHM_X2Q=', 'subjects?_d'],
    ['base64url.decode', 'c3ViamVjdHM_X2Q', 'subjects?_d'],
    ['hex.encode', 'hi é', '686920c3a9'],
    ['hex.decode', '686920C3A9', 'hi é'],
  ];
  it.each(cases)('%s(%j) = %j', (name, input, want) => {
    expect(call(name, input)).toBe(want);
  });

  it('validate strictly, as Go decoders do', () => {
    expect(call('base64.is_valid', 'aGVsbG8=')).toBe(true);
    expect(call('base64.is_valid', 'aGVsbG8')).toBe(false);
    expect(call('base64.is_valid', 'aGV$bG8=')).toBe(false);
    expect(call('base64.is_valid', 'c3ViamVjdHM_X2Q=')).toBe(false);
    expect(call('base64.is_valid', 7)).toBe(false);
    expectBuiltinError('base64.decode: illegal base64 data at input byte 4', 'base64.decode', 'aGVsbG8');
    expectBuiltinError('illegal base64 data at input byte 3', 'base64.decode', 'aGV$bG8=');
    expectBuiltinError('base64url.decode: illegal base64url string', 'base64url.decode', 'abcde');
    expectBuiltinError("encoding/hex: invalid byte: U+007A 'z'", 'hex.decode', 'zz');
    expectBuiltinError('encoding/hex: odd length hex string', 'hex.decode', 'abc');
    expectTypeError('base64.encode: operand 1 must be string but got number', 'base64.encode', 1);
  });
});

describe('urlquery', () => {
  it('escapes and unescapes like Go url.QueryEscape', () => {
    expect(call('urlquery.encode', 'a b&c=d/é~')).toBe('a+b%26c%3Dd%2F%C3%A9~');
    expect(call('urlquery.decode', 'a+b%26c%3dd%2F%C3%A9')).toBe('a b&c=d/é');
    expectBuiltinError('urlquery.decode: invalid URL escape "%zz"', 'urlquery.decode', 'x%zz');
    expectBuiltinError('invalid URL escape "%4"', 'urlquery.decode', '%4');
  });
  it('encodes objects with sorted keys and repeated values', () => {
    expect(call('urlquery.encode_object', { b: ['x', 'y'], a: '1 2', c: set('z') })).toBe('a=1+2&b=x&b=y&c=z');
    expect(call('urlquery.encode_object', {})).toBe('');
    expectTypeError('operand 1 values must be string, array[string], or set[string]', 'urlquery.encode_object', { a: 1 });
    expectTypeError('urlquery.encode_object: operand 1 must be object but got array', 'urlquery.encode_object', []);
  });
  it('decodes objects into arrays of values', () => {
    expect(toJSON(call('urlquery.decode_object', 'a=1&b=2&a=3&c')!)).toEqual({ a: ['1', '3'], b: ['2'], c: [''] });
    expectBuiltinError('invalid semicolon separator in query', 'urlquery.decode_object', 'a=1;b=2');
  });
});
