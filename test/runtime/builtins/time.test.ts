import { describe, expect, it } from 'vitest';
import { BUILTINS } from '../../../src/runtime/builtins/index.js';
import { NOW_NS, call, expectBuiltinError, expectTypeError } from './helpers.js';

const ns = (...p: [number, number, number?, number?, number?, number?]) => Date.UTC(...p) * 1e6;

describe('time.now_ns', () => {
  it('returns the evaluation time and is marked nondeterministic', () => {
    expect(call('time.now_ns')).toBe(NOW_NS);
    expect(BUILTINS.get('time.now_ns')!.nondeterministic).toBe(true);
  });
});

describe('parsing', () => {
  const rfc: Array<[string, number]> = [
    ['1970-01-01T00:00:01Z', 1e9],
    ['1970-01-01T00:00:00.000000001Z', 1],
    ['2017-06-02T19:00:00-07:00', ns(2017, 5, 3, 2)],
    ['2017-06-02T19:00:00.5+00:00', ns(2017, 5, 2, 19) + 5e8],
    ['1969-12-31T23:59:59Z', -1e9],
  ];
  it.each(rfc)('time.parse_rfc3339_ns(%j) = %d', (s, want) => {
    expect(call('time.parse_rfc3339_ns', s)).toBe(want);
  });
  it('rejects malformed RFC 3339 with Go messages', () => {
    expectBuiltinError(
      'parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"',
      'time.parse_rfc3339_ns',
      'x',
    );
    expectBuiltinError('month out of range', 'time.parse_rfc3339_ns', '2017-13-02T19:00:00Z');
    expectBuiltinError('day out of range', 'time.parse_rfc3339_ns', '2017-02-29T19:00:00Z');
    expectBuiltinError('extra text: " trailing"', 'time.parse_rfc3339_ns', '2017-02-28T19:00:00Z trailing');
    expectBuiltinError('cannot parse', 'time.parse_rfc3339_ns', '2017-02-28 19:00:00Z');
    expectBuiltinError('time outside of valid range', 'time.parse_rfc3339_ns', '3000-01-01T00:00:00Z');
  });

  const layouts: Array<[string, string, number]> = [
    ['2006-01-02', '2020-02-29', ns(2020, 1, 29)],
    ['Jan 2 2006 3:04pm', 'Feb 3 2021 1:05pm', ns(2021, 1, 3, 13, 5)],
    ['Jan 2 2006 3:04PM', 'feb 3 2021 12:05AM', ns(2021, 1, 3, 0, 5)],
    ['RFC1123', 'Mon, 02 Jan 2006 15:04:05 UTC', ns(2006, 0, 2, 15, 4, 5)],
    ['RFC822Z', '02 Jan 06 15:04 +0100', ns(2006, 0, 2, 14, 4)],
    ['2006-01-02T15:04:05.000Z07:00', '2021-01-01T00:00:00.123+01:00', ns(2020, 11, 31, 23) + 123e6],
    ['02/01/06', '31/12/68', ns(2068, 11, 31)],
    ['02/01/06', '31/12/69', ns(1969, 11, 31)],
    ['2006 002', '2020 060', ns(2020, 1, 29)],
  ];
  it.each(layouts)('time.parse_ns(%j, %j) = %d', (layout, value, want) => {
    expect(call('time.parse_ns', layout, value)).toBe(want);
  });
  it('rejects values that do not fit the layout', () => {
    expectBuiltinError('parsing time "2021/01/01" as "2006-01-02": cannot parse "/01/01" as "-"', 'time.parse_ns', '2006-01-02', '2021/01/01');
    expectBuiltinError('hour out of range', 'time.parse_ns', '15:04', '25:00');
    expectTypeError('time.parse_ns: operand 2 must be string but got number', 'time.parse_ns', '2006', 2006);
  });

  const durations: Array<[string, number]> = [
    ['1h30m', 5.4e12],
    ['1.5s', 1.5e9],
    ['-2ms', -2e6],
    ['+1us', 1000],
    ['1µs', 1000],
    ['.5s', 5e8],
    ['0', 0],
    ['1h1m1s1ms1us1ns', 3661001001001],
  ];
  it.each(durations)('time.parse_duration_ns(%j) = %d', (s, want) => {
    expect(call('time.parse_duration_ns', s)).toBe(want);
  });
  it('rejects malformed durations', () => {
    expectBuiltinError('time: unknown unit "d" in duration "1d"', 'time.parse_duration_ns', '1d');
    expectBuiltinError('time: missing unit in duration "10"', 'time.parse_duration_ns', '10');
    expectBuiltinError('time: invalid duration ""', 'time.parse_duration_ns', '');
    expectBuiltinError('time: invalid duration "s"', 'time.parse_duration_ns', 's');
    expectBuiltinError('time: invalid duration', 'time.parse_duration_ns', '9999999999h');
  });
});

describe('formatting and fields', () => {
  const t = ns(2017, 6, 14, 2, 40, 5);
  it('formats RFC 3339 by default and Go layouts on request', () => {
    expect(call('time.format', 0)).toBe('1970-01-01T00:00:00Z');
    expect(call('time.format', 1_500_000_000)).toBe('1970-01-01T00:00:01.5Z');
    expect(call('time.format', [t, 'UTC', 'Mon Jan _2 15:04:05 MST 2006'])).toBe('Fri Jul 14 02:40:05 UTC 2017');
    expect(call('time.format', [t, '', '2006-01-02 03:04:05.000 PM Monday January 002'])).toBe(
      '2017-07-14 02:40:05.000 AM Friday July 195',
    );
    expect(call('time.format', [t, 'UTC', 'RFC822Z'])).toBe('14 Jul 17 02:40 +0000');
    expect(call('time.format', [t, 'UTC', 'Z07:00|-07|1/2 3:4:5 pm'])).toBe('Z|+00|7/14 2:40:5 am');
  });
  it('applies time zones', () => {
    expect(call('time.format', [0, 'America/New_York'])).toBe('1969-12-31T19:00:00-05:00');
    expect(call('time.format', [0, 'Asia/Kolkata', '15:04 -0700 Z07:00'])).toBe('05:30 +0530 +05:30');
    expect(call('time.date', [0, 'America/New_York'])).toEqual([1969, 12, 31]);
    expect(call('time.clock', [t, 'Europe/Paris'])).toEqual([4, 40, 5]);
    expectBuiltinError('time.format: unknown time zone Nowhere/Special', 'time.format', [0, 'Nowhere/Special']);
  });
  it('extracts date, clock and weekday', () => {
    expect(call('time.date', t)).toEqual([2017, 7, 14]);
    expect(call('time.clock', t)).toEqual([2, 40, 5]);
    expect(call('time.weekday', 0)).toBe('Thursday');
    expect(call('time.weekday', [t])).toBe('Friday');
    expect(call('time.date', -1)).toEqual([1969, 12, 31]);
  });
  it('checks the time operand as OPA does', () => {
    expectTypeError(
      'time.date: operand 1 must be either number (ns) or [number (ns), string (tz)] but got string',
      'time.date',
      'x',
    );
    expectTypeError('either number (ns) or [number (ns), string (tz)] but got array', 'time.clock', []);
    expectTypeError('time.weekday: operand 1 must be number but got string', 'time.weekday', ['x']);
    expectBuiltinError('time.date: timestamp too big', 'time.date', 1.5);
  });
});

describe('date arithmetic', () => {
  it('add_date normalizes like Go', () => {
    expect(call('time.add_date', ns(1970, 0, 31), 0, 1, 0)).toBe(ns(1970, 2, 3));
    expect(call('time.add_date', ns(2020, 1, 29), 1, 0, 0)).toBe(ns(2021, 2, 1));
    expect(call('time.add_date', ns(2020, 0, 1, 12), 0, -1, -1)).toBe(ns(2019, 10, 30, 12));
    expectTypeError('time.add_date: operand 3 must be integer number but got floating-point number', 'time.add_date', 0, 0, 0.5, 0);
    expectBuiltinError('time outside of valid range', 'time.add_date', 0, 500, 0, 0);
  });
  it('diff is order independent', () => {
    const a = ns(2020, 0, 31);
    const b = ns(2021, 2, 1, 1, 2, 3);
    expect(call('time.diff', a, b)).toEqual([1, 1, 1, 1, 2, 3]);
    expect(call('time.diff', b, a)).toEqual([1, 1, 1, 1, 2, 3]);
    expect(call('time.diff', a, a)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
