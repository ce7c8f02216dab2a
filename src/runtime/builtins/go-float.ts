// Go's strconv float formatting ('e', 'f', 'g'), which sprintf's verbs are defined by.
// Shortest digits come from JS (both produce the shortest round-tripping decimal); fixed
// precisions round the exact binary value half-to-even, as strconv does.

interface Digits {
  /** significant decimal digits, no leading or trailing zeros ('' for zero) */
  d: string;
  /** decimal point position: value = 0.d × 10^dp */
  dp: number;
}

function shortest(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const [m, e] = x.toExponential().split('e') as [string, string];
  const d = m.replace('.', '').replace(/0+$/, '');
  return { d, dp: Number(e) + 1 };
}

/** The exact decimal expansion of a positive double. */
function exact(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (biased !== 0) mant |= 1n << 52n;
  const e2 = (biased === 0 ? 1 : biased) - 1075;
  let s: string;
  let dp: number;
  if (e2 >= 0) {
    s = (mant << BigInt(e2)).toString();
    dp = s.length;
  } else {
    s = (mant * 5n ** BigInt(-e2)).toString();
    dp = s.length + e2;
  }
  return { d: s.replace(/0+$/, ''), dp };
}

/** Rounds to nd significant digits, half to even on exact ties. */
function round(x: Digits, nd: number): Digits {
  const { d } = x;
  if (nd >= d.length) return x;
  if (nd < 0) return { d: '', dp: 0 };
  const c = d.charCodeAt(nd) - 48;
  let up = c > 5;
  if (c === 5) up = nd + 1 < d.length || (nd > 0 && (d.charCodeAt(nd - 1) - 48) % 2 === 1);
  if (!up) return { d: d.slice(0, nd).replace(/0+$/, ''), dp: x.dp };
  const digits = d.slice(0, nd).split('').map(Number);
  let i = nd - 1;
  while (i >= 0 && digits[i] === 9) digits[i--] = 0;
  if (i < 0) return { d: '1', dp: x.dp + 1 };
  digits[i]!++;
  return { d: digits.join('').replace(/0+$/, ''), dp: x.dp };
}

function fmtE(x: Digits, prec: number, e: string): string {
  let out = x.d.length > 0 ? x.d[0]! : '0';
  if (prec > 0) out += '.' + x.d.slice(1, prec + 1).padEnd(prec, '0');
  const exp = x.d.length === 0 ? 0 : x.dp - 1;
  const abs = Math.abs(exp);
  return `${out}${e}${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

function fmtF(x: Digits, prec: number): string {
  let out = x.dp > 0 ? x.d.slice(0, x.dp).padEnd(x.dp, '0') : '0';
  if (prec > 0) {
    let frac = '';
    for (let i = 0; i < prec; i++) {
      const j = x.dp + i;
      frac += j >= 0 && j < x.d.length ? x.d[j] : '0';
    }
    out += '.' + frac;
  }
  return out;
}

/** strconv.FormatFloat(x, verb, prec, 64) for verb in e E f F g G; prec -1 is shortest. */
export function formatFloat(x: number, verb: string, prec: number): string {
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  const v = verb === 'F' ? 'f' : verb;
  const isShortest = prec < 0;
  let digs: Digits;
  if (isShortest) {
    digs = shortest(a);
    if (v === 'e' || v === 'E') prec = Math.max(digs.d.length - 1, 0);
    else if (v === 'f') prec = Math.max(digs.d.length - digs.dp, 0);
    else prec = digs.d.length;
  } else {
    const ex = exact(a);
    if (v === 'e' || v === 'E') digs = round(ex, prec + 1);
    else if (v === 'f') digs = round(ex, ex.dp + prec);
    else {
      if (prec === 0) prec = 1;
      digs = round(ex, prec);
    }
  }
  let body: string;
  if (v === 'e' || v === 'E') body = fmtE(digs, prec, v);
  else if (v === 'f') body = fmtF(digs, prec);
  else {
    let eprec = prec;
    if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
    if (isShortest) eprec = 6;
    const exp = digs.dp - 1;
    if (exp < -4 || exp >= eprec) {
      body = fmtE(digs, Math.min(prec, digs.d.length) - 1, v === 'G' ? 'E' : 'e');
    } else {
      body = fmtF(digs, Math.max((prec > digs.dp ? digs.d.length : prec) - digs.dp, 0));
    }
  }
  return (neg ? '-' : '') + body;
}

const U64 = (1n << 64n) - 1n;

function floatBits(x: number): { neg: boolean; mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp === 0) exp++;
  else mant |= 1n << 52n;
  return { neg: bits >> 63n === 1n, mant, exp: exp - 1023 };
}

/** strconv 'b': decimal mantissa and binary exponent, e.g. 4503599627370496p-52. */
export function formatFloatB(x: number): string {
  const { neg, mant, exp } = floatBits(x);
  const e = exp - 52;
  return `${neg ? '-' : ''}${mant}p${e >= 0 ? '+' : ''}${e}`;
}

/** strconv 'x' / 'X': hexadecimal mantissa and binary exponent, e.g. 0x1.8p+01; prec -1 is shortest. */
export function formatFloatX(x: number, verb: 'x' | 'X', prec: number): string {
  let { neg, mant, exp } = floatBits(x);
  if (mant === 0n) exp = 0;
  mant <<= 8n; // leading 1 at bit 60
  while (mant !== 0n && (mant & (1n << 60n)) === 0n) {
    mant = (mant << 1n) & U64;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & ((1n << 60n) - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant = (mant << (60n - shift)) & U64;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = verb === 'X' ? '0123456789ABCDEF' : '0123456789abcdef';
  let out = `${neg ? '-' : ''}0${verb}${(mant >> 60n) & 1n}`;
  mant = (mant << 4n) & U64;
  if (prec < 0 && mant !== 0n) {
    out += '.';
    while (mant !== 0n) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & U64;
    }
  } else if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & U64;
    }
  }
  const a = Math.abs(exp);
  return `${out}${verb === 'X' ? 'P' : 'p'}${exp < 0 ? '-' : '+'}${String(a).padStart(2, '0')}`;
}
