// Go's reference-time layouts ("2006-01-02T15:04:05Z07:00"), for time.format and
// time.parse_ns: the tokenizer, the formatter and the parser follow Go's time package.

import { MONTHS, WEEKDAYS, UTC, daysIn, daysFromCivil, civilFromDays, fixedZone, instantOf, type Wall, type Zone } from './time-civil.js';

export const NAMED_LAYOUTS: Record<string, string> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
};

type Std =
  | 'January' | 'Jan' | 'Monday' | 'Mon' | 'MST'
  | '01' | '02' | '03' | '04' | '05' | '06' | '002'
  | '1' | '15' | '2006' | '2' | '_2' | '__2' | '3' | '4' | '5'
  | 'PM' | 'pm'
  | '-070000' | '-07:00:00' | '-0700' | '-07:00' | '-07'
  | 'Z070000' | 'Z07:00:00' | 'Z0700' | 'Z07:00' | 'Z07'
  | 'frac0' | 'frac9';

export interface Chunk {
  /** literal text before the element */
  prefix: string;
  std?: Std;
  /** the element's layout text, for error messages */
  text: string;
  /** fractional second digits */
  digits?: number;
  /** fractional second separator */
  sep?: string;
}

const TZ_FORMS: Std[] = ['-070000', '-07:00:00', '-0700', '-07:00', '-07'];
const ISO_FORMS: Std[] = ['Z070000', 'Z07:00:00', 'Z0700', 'Z07:00', 'Z07'];

function startsWithLower(s: string): boolean {
  return s.length > 0 && s[0]! >= 'a' && s[0]! <= 'z';
}

/** Splits a layout into literal prefixes and elements, as Go's nextStdChunk does. */
export function tokenize(layout: string): Chunk[] {
  const out: Chunk[] = [];
  let rest = layout;
  outer: while (rest.length > 0) {
    for (let i = 0; i < rest.length; i++) {
      const at = (s: string): boolean => rest.startsWith(s, i);
      let std: Std | undefined;
      let len = 0;
      let prefixEnd = i;
      const c = rest[i]!;
      if (c === 'J' && at('Jan')) {
        if (at('January')) [std, len] = ['January', 7];
        else if (!startsWithLower(rest.slice(i + 3))) [std, len] = ['Jan', 3];
      } else if (c === 'M') {
        if (at('Mon')) {
          if (at('Monday')) [std, len] = ['Monday', 6];
          else if (!startsWithLower(rest.slice(i + 3))) [std, len] = ['Mon', 3];
        }
        if (!std && at('MST')) [std, len] = ['MST', 3];
      } else if (c === '0') {
        const n = rest[i + 1];
        if (n !== undefined && n >= '1' && n <= '6') [std, len] = [`0${n}` as Std, 2];
        else if (at('002')) [std, len] = ['002', 3];
      } else if (c === '1') {
        [std, len] = at('15') ? ['15', 2] : ['1', 1];
      } else if (c === '2') {
        [std, len] = at('2006') ? ['2006', 4] : ['2', 1];
      } else if (c === '_') {
        if (rest[i + 1] === '2') {
          if (rest.startsWith('2006', i + 1)) [std, len, prefixEnd] = ['2006', 4, i + 1];
          else [std, len] = ['_2', 2];
        } else if (at('__2')) [std, len] = ['__2', 3];
      } else if (c === '3' || c === '4' || c === '5') {
        [std, len] = [c, 1];
      } else if (c === 'P' && rest[i + 1] === 'M') {
        [std, len] = ['PM', 2];
      } else if (c === 'p' && rest[i + 1] === 'm') {
        [std, len] = ['pm', 2];
      } else if (c === '-' || c === 'Z') {
        const forms = c === '-' ? TZ_FORMS : ISO_FORMS;
        const f = forms.find((s) => at(s));
        if (f) [std, len] = [f, f.length];
      } else if ((c === '.' || c === ',') && (rest[i + 1] === '0' || rest[i + 1] === '9')) {
        const d = rest[i + 1]!;
        let j = i + 1;
        while (j < rest.length && rest[j] === d) j++;
        if (!(j < rest.length && rest[j]! >= '0' && rest[j]! <= '9')) {
          out.push({ prefix: rest.slice(0, i), std: d === '0' ? 'frac0' : 'frac9', text: rest.slice(i, j), digits: j - i - 1, sep: c });
          rest = rest.slice(j);
          continue outer;
        }
      }
      if (std) {
        const start = prefixEnd === i ? i : prefixEnd;
        out.push({ prefix: rest.slice(0, start), std, text: rest.slice(start, start + len) });
        rest = rest.slice(start + len);
        continue outer;
      }
    }
    out.push({ prefix: rest, text: '' });
    break;
  }
  return out;
}

function pad(n: number, width: number, ch = '0'): string {
  const s = String(Math.abs(n)).padStart(width, ch);
  return n < 0 ? '-' + s : s;
}

function formatOffset(std: Std, offset: number): string {
  if (std.startsWith('Z') && offset === 0) return 'Z';
  const sign = offset < 0 ? '-' : '+';
  const a = Math.abs(offset);
  const hh = pad(Math.floor(a / 3600), 2);
  const mm = pad(Math.floor((a % 3600) / 60), 2);
  const ss = pad(a % 60, 2);
  const form = std.slice(1);
  switch (form) {
    case '07':
      return sign + hh;
    case '0700':
      return sign + hh + mm;
    case '07:00':
      return sign + hh + ':' + mm;
    case '070000':
      return sign + hh + mm + ss;
    default:
      return sign + hh + ':' + mm + ':' + ss;
  }
}

export function format(w: Wall, layout: string): string {
  let out = '';
  for (const c of tokenize(layout)) {
    out += c.prefix;
    if (!c.std) continue;
    switch (c.std) {
      case '2006':
        out += pad(w.year, 4);
        break;
      case '06':
        out += pad(((w.year % 100) + 100) % 100, 2);
        break;
      case 'January':
        out += MONTHS[w.month - 1];
        break;
      case 'Jan':
        out += MONTHS[w.month - 1]!.slice(0, 3);
        break;
      case '1':
        out += w.month;
        break;
      case '01':
        out += pad(w.month, 2);
        break;
      case 'Monday':
        out += WEEKDAYS[w.weekday];
        break;
      case 'Mon':
        out += WEEKDAYS[w.weekday]!.slice(0, 3);
        break;
      case '2':
        out += w.day;
        break;
      case '_2':
        out += pad(w.day, 2, ' ');
        break;
      case '02':
        out += pad(w.day, 2);
        break;
      case '__2':
        out += pad(w.yday, 3, ' ');
        break;
      case '002':
        out += pad(w.yday, 3);
        break;
      case '15':
        out += pad(w.hour, 2);
        break;
      case '3':
        out += w.hour % 12 === 0 ? 12 : w.hour % 12;
        break;
      case '03':
        out += pad(w.hour % 12 === 0 ? 12 : w.hour % 12, 2);
        break;
      case '4':
        out += w.minute;
        break;
      case '04':
        out += pad(w.minute, 2);
        break;
      case '5':
        out += w.second;
        break;
      case '05':
        out += pad(w.second, 2);
        break;
      case 'PM':
        out += w.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += w.hour >= 12 ? 'pm' : 'am';
        break;
      case 'MST':
        out += w.zone !== '' ? w.zone : formatOffset('-0700', w.offset);
        break;
      case 'frac0':
        out += c.sep! + String(w.nanos).padStart(9, '0').slice(0, c.digits);
        break;
      case 'frac9': {
        const f = String(w.nanos).padStart(9, '0').slice(0, c.digits).replace(/0+$/, '');
        if (f !== '') out += c.sep! + f;
        break;
      }
      default:
        out += formatOffset(c.std, w.offset);
    }
  }
  return out;
}

// ---------------------------------------------------------------- parsing

export class LayoutParseError extends Error {}

function quote(s: string): string {
  return JSON.stringify(s);
}

/** Parses value with a Go layout; returns the instant in ns. Defaults to UTC. */
export function parse(layout: string, value: string): bigint {
  const original = value;
  const bad = (valueElem: string, layoutElem: string): LayoutParseError =>
    new LayoutParseError(`parsing time ${quote(original)} as ${quote(layout)}: cannot parse ${quote(valueElem)} as ${quote(layoutElem)}`);
  const range = (what: string): LayoutParseError => new LayoutParseError(`parsing time ${quote(original)}: ${what} out of range`);

  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nanos = 0;
  let pm = false;
  let am = false;
  let zone: Zone | undefined;

  const chunks = tokenize(layout);
  for (let ci = 0; ci < chunks.length; ci++) {
    const c = chunks[ci]!;
    // Literal text; a space in the layout matches any run of spaces.
    let p = c.prefix;
    while (p.length > 0) {
      if (p[0] === ' ') {
        if (value.length > 0 && value[0] !== ' ') throw bad(value, c.prefix);
        p = p.replace(/^ +/, '');
        value = value.replace(/^ +/, '');
        continue;
      }
      if (value.length === 0 || value[0] !== p[0]) throw bad(value, c.prefix);
      p = p.slice(1);
      value = value.slice(1);
    }
    if (!c.std) continue;
    const hold = value;
    const num = (fixed: boolean, max = 2): number => {
      const m = new RegExp(`^\\d{${fixed ? max : 1},${max}}`).exec(value);
      if (!m) throw bad(hold, c.text);
      value = value.slice(m[0].length);
      return Number(m[0]);
    };
    const lookup = (names: string[]): number => {
      const i = names.findIndex((n) => value.slice(0, n.length).toLowerCase() === n.toLowerCase());
      if (i < 0) throw bad(hold, c.text);
      value = value.slice(names[i]!.length);
      return i;
    };
    switch (c.std) {
      case '2006':
        if (!/^\d{4}/.test(value)) throw bad(hold, c.text);
        year = Number(value.slice(0, 4));
        value = value.slice(4);
        break;
      case '06': {
        const y = num(true);
        year = y >= 69 ? 1900 + y : 2000 + y;
        break;
      }
      case 'January':
        month = lookup(MONTHS) + 1;
        break;
      case 'Jan':
        month = lookup(MONTHS.map((m) => m.slice(0, 3))) + 1;
        break;
      case '1':
      case '01':
        month = num(c.std === '01');
        if (month < 1 || month > 12) throw range('month');
        break;
      case 'Monday':
        lookup(WEEKDAYS);
        break;
      case 'Mon':
        lookup(WEEKDAYS.map((d) => d.slice(0, 3)));
        break;
      case '_2':
        if (value[0] === ' ') value = value.slice(1);
        day = num(false);
        break;
      case '2':
      case '02':
        day = num(c.std === '02');
        break;
      case '__2':
        value = value.replace(/^ {1,2}/, '');
        yday = num(false, 3);
        break;
      case '002':
        yday = num(true, 3);
        break;
      case '15':
        hour = num(false);
        if (hour > 23) throw range('hour');
        break;
      case '3':
      case '03':
        hour = num(c.std === '03');
        if (hour > 12) throw range('hour');
        break;
      case '4':
      case '04':
        minute = num(c.std === '04');
        if (minute > 59) throw range('minute');
        break;
      case '5':
      case '05': {
        second = num(c.std === '05');
        if (second > 59) throw range('second');
        // Go accepts fractional seconds after a seconds field even when the layout has none.
        const next = chunks[ci + 1];
        const m = /^[.,]\d+/.exec(value);
        if (m && !(next && (next.std === 'frac0' || next.std === 'frac9'))) {
          nanos = Number(m[0].slice(1, 10).padEnd(9, '0'));
          value = value.slice(m[0].length);
        }
        break;
      }
      case 'PM':
      case 'pm': {
        const t = value.slice(0, 2);
        const want = c.std === 'PM' ? ['AM', 'PM'] : ['am', 'pm'];
        if (t === want[1]) pm = true;
        else if (t === want[0]) am = true;
        else throw bad(hold, c.text);
        value = value.slice(2);
        break;
      }
      case 'MST': {
        if (value.startsWith('UTC')) {
          zone = UTC;
          value = value.slice(3);
          break;
        }
        const m = /^(?:GMT[+-]\d{1,2}|[A-Z][A-Za-z]{2,4})/.exec(value);
        if (!m) throw bad(hold, c.text);
        value = value.slice(m[0].length);
        const g = /^GMT([+-]\d+)$/.exec(m[0]);
        zone = fixedZone(g ? Number(g[1]) * 3600 : 0, m[0]);
        break;
      }
      case 'frac0': {
        const n = 1 + c.digits!;
        const m = /^[.,]\d+/.exec(value.slice(0, n));
        if (!m || m[0].length !== n) throw bad(hold, c.text);
        nanos = Number(value.slice(1, n).slice(0, 9).padEnd(9, '0'));
        value = value.slice(n);
        break;
      }
      case 'frac9': {
        const m = /^[.,](\d+)/.exec(value);
        if (!m) break;
        nanos = Number(m[1]!.slice(0, 9).padEnd(9, '0'));
        value = value.slice(m[0].length);
        break;
      }
      default: {
        if (c.std.startsWith('Z') && value[0] === 'Z') {
          value = value.slice(1);
          zone = UTC;
          break;
        }
        const form = c.std.slice(1);
        const pattern: Record<string, RegExp> = {
          '07': /^([+-])(\d\d)/,
          '0700': /^([+-])(\d\d)(\d\d)/,
          '07:00': /^([+-])(\d\d):(\d\d)/,
          '070000': /^([+-])(\d\d)(\d\d)(\d\d)/,
          '07:00:00': /^([+-])(\d\d):(\d\d):(\d\d)/,
        };
        const m = pattern[form]!.exec(value);
        if (!m) throw bad(hold, c.text);
        const [hh, mm, ss] = [Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)];
        if (hh > 24 || mm > 59 || ss > 59) throw range('time zone offset');
        const off = hh * 3600 + mm * 60 + ss;
        zone = fixedZone(m[1] === '-' ? -off : off);
        value = value.slice(m[0].length);
      }
    }
  }
  if (value.length > 0) throw new LayoutParseError(`parsing time ${quote(original)}: extra text: ${quote(value)}`);
  if (pm && hour < 12) hour += 12;
  else if (am && hour === 12) hour = 0;
  if (yday >= 0) {
    const days = (y: number): number => (daysIn(2, y) === 29 ? 366 : 365);
    if (yday < 1 || yday > days(year)) throw range('day-of-year');
    const [, m, d] = civilFromDays(daysFromCivil(year, 1, 1) + yday - 1);
    if ((month >= 0 && month !== m) || (day >= 0 && day !== d)) throw range('day-of-year');
    month = m;
    day = d;
  }
  if (month < 0) month = 1;
  if (day < 0) day = 1;
  if (day < 1 || day > daysIn(month, year)) throw range('day');
  return instantOf(zone ?? UTC, year, month, day, hour, minute, second, nanos);
}
