import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { formatPath, type Path } from './path.js';
import type { Report } from './report.js';
import { formatDuration, formatSize, parseDuration, parseSize } from './units.js';

// Reading values of a document that passed (or failed) the schema. Every reader
// tolerates a value of the wrong type by returning the default: the schema has
// already reported it, and the remaining checks still run, so one pass reports
// every problem.

export interface Dirs {
  /** relative paths written in the file resolve here (the file's directory) */
  baseDir: string;
  /** relative paths given as flags resolve here */
  cwd: string;
}

export class Reader {
  constructor(
    readonly report: Report,
    readonly dirs: Dirs,
  ) {}

  obj(v: unknown): Record<string, unknown> | undefined {
    return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) ? (v as Record<string, unknown>) : undefined;
  }

  str(v: unknown): string | undefined {
    return typeof v === 'string' ? v : undefined;
  }

  list(v: unknown): unknown[] | undefined {
    return Array.isArray(v) ? v : undefined;
  }

  strings(v: unknown): string[] {
    return (this.list(v) ?? []).filter((x): x is string => typeof x === 'string');
  }

  duration(path: Path, value: unknown, def: number, range: { min?: number; max?: number } = {}): number {
    if (typeof value !== 'string' && typeof value !== 'number') return def;
    const r = parseDuration(String(value));
    const p = formatPath(path);
    if (!r.ok) {
      this.report.add(path, `${p} must be a duration like 5s or 250ms, ${this.report.got(path, value)}${r.reason ? ` (${r.reason})` : ''}`, {
        hint: 'the units are ms, s, m and h; combine them as in 1m30s',
      });
      return def;
    }
    if (range.min !== undefined && r.value < range.min) {
      this.report.add(path, `${p} must be at least ${formatDuration(range.min)}, ${this.report.got(path, value)}`);
      return def;
    }
    if (range.max !== undefined && r.value > range.max) {
      this.report.add(path, `${p} must be at most ${formatDuration(range.max)}, ${this.report.got(path, value)}`);
      return def;
    }
    return r.value;
  }

  size(path: Path, value: unknown, def: number, max: number): number {
    if (typeof value !== 'string' && typeof value !== 'number') return def;
    const r = parseSize(value);
    const p = formatPath(path);
    if (!r.ok) {
      this.report.add(path, `${p} must be a size like 4mb or 512kb, or a number of bytes, ${this.report.got(path, value)}${r.reason ? ` (${r.reason})` : ''}`, {
        hint: 'the units are b, kb, mb and gb (powers of 1024)',
      });
      return def;
    }
    if (r.value < 1) {
      this.report.add(path, `${p} must be at least 1 byte, ${this.report.got(path, value)}`);
      return def;
    }
    if (r.value > max) {
      this.report.add(path, `${p} must be at most ${formatSize(max)}, ${this.report.got(path, value)}`);
      return def;
    }
    return r.value;
  }

  /** A path written in the file resolves against the file's directory; one given as a flag, against the working directory. */
  resolvePath(path: Path, p: string): string {
    if (isAbsolute(p)) return p;
    return resolve(this.report.flagOf(path) !== undefined ? this.dirs.cwd : this.dirs.baseDir, p);
  }
}

/** Reads a small file whole, refusing one over `max` bytes. Throws Node's fs errors, or RangeError when too large. */
export function readSmallFile(file: string, max: number): string {
  const fd = openSync(file, 'r');
  try {
    if (!fstatSync(fd).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    const buf = Buffer.alloc(max + 1);
    let total = 0;
    for (;;) {
      const n = readSync(fd, buf, total, buf.length - total, null);
      if (n === 0) break;
      total += n;
      if (total > max) throw new RangeError(`larger than ${max} bytes`);
    }
    return buf.subarray(0, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export function fsReason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
    case 'ENOTFILE':
      return 'not a regular file';
    default:
      return e instanceof RangeError ? e.message : typeof code === 'string' ? code : 'cannot be read';
  }
}
