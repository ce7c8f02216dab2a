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
