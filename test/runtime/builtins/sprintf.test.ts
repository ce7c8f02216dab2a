import { describe, expect, it } from 'vitest';
import { call, expectTypeError, obj, set } from './helpers.js';

// Expected strings are Go's fmt.Sprintf output for the same verbs and arguments.
const cases: Array<[string, unknown[], string]> = [
  ['hi %s', ['there'], 'hi there'],
  ['hi %02X.%02X', [127, 1], 'hi 7F.01'],
  ['hi %.2f', [3.1415], 'hi 3.14'],
  ['hi %s', [true], 'hi true'],
  ['hi %v', [['there', 5, 3.14]], 'hi ["there", 5, 3.14]'],
  ['%v', [{ a: [1, null] }], '{"a": [1, null]}'],
  ['%v', [set(2, 1)], '{1, 2}'],
  ['%v', [set()], 'set()'],
  ['%v', [obj([[1, 'x']])], '{1: "x"}'],
  ['%v', ['bare'], 'bare'],
  ['%s', [null], 'null'],
  ['%d', [42], '42'],
  ['%d', [-7], '-7'],
  ['%5d|%-5d|%05d', [1, 2, -3], '    1|2    |-0003'],
  ['%+d % d', [5, 5], '+5  5'],
  ['%x %X %o %O %b', [255, 255, 8, 8, 5], 'ff FF 10 0o10 101'],
  ['%#x %#o %#b', [255, 8, 5], '0xff 010 0b101'],
  ['%.3d', [7], '007'],
  ['%c%c', [72, 0x1f600], 'H\u{1f600}'],
  ['%q', [65], "'A'"],
  ['%U', [0x1f600], 'U+1F600'],
  ['%v', [9007199254740993], '9007199254740992'],
  ['%f', [3.5], '3.500000'],
  ['%.0f %.0f %.0f', [0.5, 1.5, 2.5], '0 2 2'],
  ['%.1f', [0.05], '0.1'],
  ['%8.3f|', [-3.14159], '  -3.142|'],
  ['%08.3f', [-3.14159], '-003.142'],
  ['%+.1f', [2.25], '+2.2'],
  ['%e', [1234.5678], '1.234568e+03'],
  ['%E', [0.000123], '1.230000E-04'],
  ['%g', [0.00001234], '1.234e-05'],
  ['%g', [123456.5], '123456.5'],
  ['%g', [1234567.5], '1.2345675e+06'],
  ['%v', [0.1], '0.1'],
  ['%v', [1e-7], '1e-07'],
  ['%v', [1e21], '1e+21'],
  ['%.3g', [3.14159], '3.14'],
  ['%.3g', [1.0005], '1'],
  ['%G', [1e-10], '1E-10'],
  ['%s|%10s|%-6s|', ['a', 'right', 'left'], 'a|     right|left  |'],
  ['%.2s', ['héllo'], 'hé'],
  ['%5s|', ['é'], '    é|'],
  ['%q', ['a"b\n\u00e9\u0007'], '"a\\"b\\né\\a"'],
  ['%+q', ['é'], '"\\u00e9"'],
  ['%x', ['hi'], '6869'],
  ['% X', ['hi'], '68 69'],
  ['%t', [true], '%!t(string=true)'],
  ['%s', [5], '%!s(int=5)'],
  ['%d', [3.5], '%!d(float64=3.5)'],
  ['%d', ['x'], '%!d(string=x)'],
  ['%z', [1], '%!z(int=1)'],
  ['%d %d', [1], '1 %!d(MISSING)'],
  ['%d', [1, 'a', 2.5], '1%!(EXTRA string=a, float64=2.5)'],
  ['%[2]d %[1]d', [1, 2], '2 1'],
  ['%[3]d', [1], '%!d(BADINDEX)'],
  ['%*d|', [4, 7], '   7|'],
  ['%-*d|', [3, 7], '7  |'],
  ['100%%', [], '100%'],
  ['50%', [], '50%!(NOVERB)'],
  ['%T %T %T %T', [1, 1.5, 'a', [1]], 'int float64 string string'],
  ['%s', [18446744073709551616], '18446744073709551616'],
  ['%d', [18446744073709551616], '18446744073709551616'],
  ['%t', [18446744073709551616], '%!t(big.Int=18446744073709551616)'],
  ['no verbs', [], 'no verbs'],
  ['%99999999d', [1], '%!(NOVERB)%!(EXTRA int=1)'],
  ['%*d', ['x', 1], '%!(BADWIDTH)1'],
  ['%.*d', [-1, 1], '%!(BADPREC)1'],
];

describe('sprintf', () => {
  it.each(cases)('sprintf(%j, %j) = %j', (format, args, want) => {
    expect(call('sprintf', format, args)).toBe(want);
  });

  it('requires a format string and an array of values', () => {
    expectTypeError('sprintf: operand 1 must be string but got number', 'sprintf', 1, []);
    expectTypeError('sprintf: operand 2 must be array but got set', 'sprintf', '%v', set(1));
  });
});
