import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSource } from '../../src/lang/format.js';
import { cli, fixture } from './run.js';

// The formatter's layout is its own business (tested in test/lang); these tests pin
// down the command: which files it reports, rewrites and diffs, and its exit codes.

const MESSY = 'package   app.fmt\n\nallow   if {\n  input.user=="root"\n}\n';
const TIDY_SOURCE = 'package app.tidy\n\nallow if input.user == "root"\n';
const BROKEN = 'package app.broken\n\nallow if {\n  input.user ==\n';

let dir: string;
let cleanup: () => void;
let formatted: string;
let tidy: string;
const f = (rel: string): string => join(dir, rel);

beforeAll(() => {
  const messy = formatSource(MESSY, 'messy.gate');
  const t = formatSource(TIDY_SOURCE, 'tidy.gate');
  if (messy.output === undefined || t.output === undefined) throw new Error('formatter fixture does not parse');
  formatted = messy.output;
  tidy = t.output;
  ({ dir, cleanup } = fixture({
    'p/messy.gate': MESSY,
    'p/tidy.gate': tidy,
    'broken/broken.gate': BROKEN,
  }));
});
afterAll(() => cleanup());

describe('railgate fmt', () => {
  it('prints the formatted text of a file by default', async () => {
    const r = await cli(['fmt', f('p/messy.gate')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(formatted);
    expect(formatted).not.toBe(MESSY);
  });

  it('--check lists files that would change and exits 1', async () => {
    const r = await cli(['fmt', '--check', f('p')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`${f('p/messy.gate')}\n`);
  });

  it('--diff prints a unified diff of the change', async () => {
    const r = await cli(['fmt', '--diff', f('p')]);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(`--- ${f('p/messy.gate')}\n+++ ${f('p/messy.gate')}\n@@ -1,`)).toBe(true);
    expect(r.stdout).toContain('\n-allow   if {\n');
    expect(r.stdout).not.toContain('tidy.gate');
  });

  it('a file that does not parse: diagnostics, untouched, exit 2', async () => {
    const r = await cli(['fmt', '-w', f('broken')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\/broken\.gate:\d+:\d+: parse_error/);
    expect(readFileSync(join(dir, 'broken/broken.gate'), 'utf8')).toBe(BROKEN);
  });

  it('-w rewrites changed files, lists them, and then --check is clean', async () => {
    const w = await cli(['fmt', '-w', f('p')]);
    expect(w.code).toBe(0);
    expect(w.stdout).toBe(`${f('p/messy.gate')}\n`);
    expect(readFileSync(join(dir, 'p/messy.gate'), 'utf8')).toBe(formatted);
    expect(readFileSync(join(dir, 'p/tidy.gate'), 'utf8')).toBe(tidy);
    const check = await cli(['fmt', '--check', f('p')]);
    expect(check.code).toBe(0);
    expect(check.stdout).toBe('');
  });

  it('-w cannot be combined with --check', async () => {
    const r = await cli(['fmt', '-w', '--check', f('p')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("railgate: option '-w, --write' cannot be used with option '--check'");
  });
});
