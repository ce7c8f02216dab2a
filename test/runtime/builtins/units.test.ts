import { describe, expect, it } from 'vitest';
import { call, expectBuiltinError, expectTypeError } from './helpers.js';

describe('units.parse', () => {
  const cases: Array<[string, number]> = [
    ['100', 100],
    ['1m', 0.001],
    ['1.5m', 0.0015],
    ['10K', 10000],
    ['10k', 10000],
    ['1.5Ki', 1536],
    ['1ki', 1024],
    ['2M', 2000000],
    ['1Mi', 1048576],
    ['1mi', 1048576],
    ['1MI', 1048576],
    ['3G', 3e9],
    ['1E', 1e18],
    ['1e3', 1000],
    ['2.5e-3K', 2.5],
    ['-1K', -1000],
    ['"5G"', 5e9],
    ['.5k', 500],
    ['1e-12m', 0],
  ];
  it.each(cases)('units.parse(%j) = %d', (s, want) => {
    expect(call('units.parse', s)).toBe(want);
  });
  it('reports malformed quantities', () => {
    expectBuiltinError('units.parse: spaces not allowed in resource strings', 'units.parse', '5 K');
    expectBuiltinError('units.parse: no amount provided', 'units.parse', 'K');
    expectBuiltinError('units.parse: no amount provided', 'units.parse', '');
    expectBuiltinError('units.parse: unit x not recognized', 'units.parse', '1x');
    expectBuiltinError('unit Kb not recognized', 'units.parse', '1KB');
    expectBuiltinError('units.parse: could not parse amount to a number', 'units.parse', '1.2.3K');
    expectBuiltinError('units.parse: exponent too large', 'units.parse', '1e1234567');
    expectBuiltinError('number too large', 'units.parse', '1e400');
    expectTypeError('units.parse: operand 1 must be string but got number', 'units.parse', 5);
  });
});

describe('units.parse_bytes', () => {
  const cases: Array<[string, number]> = [
    ['5', 5],
    ['1.5', 1],
    ['1KB', 1000],
    ['1kb', 1000],
    ['1K', 1000],
    ['1KiB', 1024],
    ['1Ki', 1024],
    ['1.1KB', 1100],
    ['10MiB', 10485760],
    ['2gb', 2e9],
    ['1TiB', 2 ** 40],
    ['1e3', 1000],
    ['"12 "'.replace(' ', ''), 12],
  ];
  it.each(cases)('units.parse_bytes(%j) = %d', (s, want) => {
    expect(call('units.parse_bytes', s)).toBe(want);
  });
  it('reports malformed sizes', () => {
    expectBuiltinError('units.parse_bytes: spaces not allowed in resource strings', 'units.parse_bytes', '1 KB');
    expectBuiltinError('units.parse_bytes: no byte amount provided', 'units.parse_bytes', 'kb');
    expectBuiltinError('units.parse_bytes: byte unit xb not recognized', 'units.parse_bytes', '1xb');
    expectBuiltinError('units.parse_bytes: could not parse byte amount to a number', 'units.parse_bytes', '1..2kb');
  });
});
