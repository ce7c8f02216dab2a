import fc from 'fast-check';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, maxInflatedBytes, normalizeEntryPath, readArchive, resolveLimits, writeArchive } from '../../src/bundle/archive.js';
import { BundleError } from '../../src/bundle/errors.js';
import type { BundleFile } from '../../src/bundle/types.js';
import { dataBlocks, headerBlock, paxRecord, rawTar, str, tarOf, text, tgzOf, type Entry } from './tar-fixtures.js';

async function rejects(bytes: Uint8Array, limits?: Parameters<typeof readArchive>[1]): Promise<BundleError> {
  try {
    await readArchive(bytes, limits);
  } catch (e) {
    expect(e).toBeInstanceOf(BundleError);
    return e as BundleError;
  }
  throw new Error('readArchive accepted the archive');
}

/** The raw entry names and types of a gzipped tar, as a tar tool would list them. */
async function listRaw(tgz: Uint8Array): Promise<Array<{ name: string; type: string; mode: number; mtime: number; uid: number }>> {
  const extract = tar.extract();
  const out: Array<{ name: string; type: string; mode: number; mtime: number; uid: number }> = [];
  const done = (async () => {
    for await (const e of extract) {
      out.push({ name: e.header.name, type: String(e.header.type), mode: e.header.mode ?? 0, mtime: e.header.mtime?.getTime() ?? -1, uid: e.header.uid ?? -1 });
      e.resume();
    }
  })();
  extract.end(gunzipSync(tgz));
  await done;
  return out;
}

const files = (entries: Record<string, string>): BundleFile[] => Object.entries(entries).map(([path, s]) => ({ path, bytes: text(s) }));

describe('normalizeEntryPath', () => {
  it.each([
    ['/data.json', 'data.json'],
    ['data.json', 'data.json'],
    ['./data.json', 'data.json'],
    ['/./a/./b.gate', 'a/b.gate'],
    ['/.manifest', '.manifest'],
    ['lib/', 'lib'],
    ['/', ''],
    ['./', ''],
    ['.', ''],
  ])('%j → %j', (name, path) => {
    expect(normalizeEntryPath(name)).toEqual({ ok: true, path });
  });

  it.each([
    ['../evil', "'..'"],
    ['/../evil', "'..'"],
    ['a/../../evil', "'..'"],
    ['a/..', "'..'"],
    ['//etc/passwd', 'absolute'],
    ['C:/Windows/evil', 'drive letter'],
    ['c:evil', 'drive letter'],
    ['a\\..\\evil', 'backslash'],
    ['\\\\server\\share', 'backslash'],
    ['a//b', 'empty segment'],
    ['a\u0000b', 'control character'],
    ['a\nb', 'control character'],
  ])('refuses %j (%s)', (name, reason) => {
    const r = normalizeEntryPath(name);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });
});

describe('writeArchive / readArchive', () => {
  it('round-trips files and their order', async () => {
    const input = files({ '.manifest': '{"revision":"r1"}', 'data.json': '{}', 'app/rbac.gate': 'package app.rbac\n', 'z.gate': '' });
    const out = await readArchive(await writeArchive(input));
    expect(out.map((f) => f.path)).toEqual(['.manifest', 'data.json', 'app/rbac.gate', 'z.gate']);
    expect(out.map((f) => str(f.bytes))).toEqual(input.map((f) => str(f.bytes)));
  });

  it('names entries as OPA does, with fixed mode, owner and mtime, and no directory entries', async () => {
    const listed = await listRaw(await writeArchive(files({ '.manifest': '{}', 'lib/x.gate': 'x' })));
    expect(listed).toEqual([
      { name: '/.manifest', type: 'file', mode: 0o644, mtime: 0, uid: 0 },
      { name: '/lib/x.gate', type: 'file', mode: 0o644, mtime: 0, uid: 0 },
    ]);
  });

  it('is deterministic: the same files give the same bytes, with a fixed gzip header', async () => {
    const input = files({ 'data.json': '{"a":1}', 'p.gate': 'package p\n' });
    const a = await writeArchive(input);
    const b = await writeArchive(input);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect([...a.subarray(4, 8)]).toEqual([0, 0, 0, 0]); // gzip MTIME
    expect(a[9]).toBe(3); // gzip OS: Unix, whatever the platform
  });

  it('writes long and non-ASCII names (pax) that read back', async () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(120)}.gate`;
    const out = await readArchive(await writeArchive(files({ [long]: 'a', 'é/ü.gate': 'b' })));
    expect(out.map((f) => f.path)).toEqual([long, 'é/ü.gate']);
  });

  it('refuses to write paths that are not normalized bundle paths', async () => {
    for (const path of ['/x', '../x', 'a//b', '']) {
      await expect(writeArchive([{ path, bytes: text('') }])).rejects.toMatchObject({ code: 'bundle_unsafe_entry' });
    }
    await expect(writeArchive(files({ a: '1' }).concat(files({ a: '2' })))).rejects.toMatchObject({ code: 'bundle_unsafe_entry' });
  });

  it('round-trips any set of safe paths and contents (property)', async () => {
    const segment = fc.stringMatching(/^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,12}$/).filter((s) => s !== '..' && s !== '.');
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
    const bundle = fc.uniqueArray(fc.record({ path, bytes: fc.uint8Array({ maxLength: 700 }) }), {
      selector: (f) => f.path,
      maxLength: 8,
    }).filter((fs) => !fs.some((a) => fs.some((b) => b.path.startsWith(`${a.path}/`))));
    await fc.assert(
      fc.asyncProperty(bundle, async (input) => {
        const out = await readArchive(await writeArchive(input));
        expect(out.map((f) => f.path)).toEqual(input.map((f) => f.path));
        out.forEach((f, i) => expect(Buffer.from(f.bytes).equals(Buffer.from(input[i]!.bytes))).toBe(true));
      }),
      { numRuns: 40 },
    );
  });
});

describe('readArchive: what it accepts', () => {
  it("normalizes OPA's leading '/' and './' and skips directory entries", async () => {
    const out = await readArchive(
      await tgzOf([
        { name: './', type: 'directory' },
        { name: '/app/', type: 'directory' },
        { name: '/app/x.gate', content: 'package app\n' },
        { name: './data.json', content: '{}' },
        { name: '/.manifest', content: '{}' },
      ]),
    );
    expect(out.map((f) => f.path)).toEqual(['app/x.gate', 'data.json', '.manifest']);
  });

  it('reads pax headers, pax global headers and GNU long names', async () => {
    const long = `${'x'.repeat(150)}.gate`;
    const globalPax = paxRecord('comment', 'built elsewhere');
    const localPax = paxRecord('path', 'from-pax.gate');
    const archive = rawTar(
      headerBlock('pax_global_header', 'g', globalPax.length),
      dataBlocks(globalPax),
      headerBlock('././@LongLink', 'L', long.length + 1),
      dataBlocks(`${long}\0`),
      headerBlock('truncated-name', '0', 1),
      dataBlocks('a'),
      headerBlock('PaxHeader', 'x', localPax.length),
      dataBlocks(localPax),
      headerBlock('short', '0', 1),
      dataBlocks('b'),
    );
    const out = await readArchive(new Uint8Array(gzipSync(archive)));
    expect(out.map((f) => [f.path, str(f.bytes)])).toEqual([
      [long, 'a'],
      ['from-pax.gate', 'b'],
    ]);
  });

  it('reads an empty archive as no files', async () => {
    expect(await readArchive(await tgzOf([]))).toEqual([]);
  });
});

describe('readArchive: not an archive', () => {
  it('refuses bytes that are not gzip', async () => {
    const e = await rejects(text('{"revision": "x"}'));
    expect(e.code).toBe('bundle_archive_error');
    expect(e.message).toBe('not a gzip file');
  });

  it('says so when the archive is a tar that was not gzipped', async () => {
    const e = await rejects(new Uint8Array(await tarOf([{ name: 'a.gate', content: 'x' }])));
    expect(e.code).toBe('bundle_archive_error');
    expect(e.hint).toContain('uncompressed tar');
  });

  it('refuses a truncated gzip stream', async () => {
    const whole = await tgzOf([{ name: 'a.gate', content: 'package a\n'.repeat(500) }]);
    const e = await rejects(whole.subarray(0, Math.floor(whole.length / 2)));
    expect(e.code).toBe('bundle_archive_error');
    expect(e.message).toContain('truncated');
  });

  it('refuses corrupt gzip data', async () => {
    const bad = Buffer.from(await tgzOf([{ name: 'a.gate', content: 'package a\n'.repeat(50) }]));
    for (let i = 12; i < 40; i++) bad[i] = 0xff;
    const e = await rejects(new Uint8Array(bad));
    expect(e.code).toBe('bundle_archive_error');
    expect(e.message).toMatch(/corrupt|truncated/);
  });

  it('refuses gzip that does not hold a tar', async () => {
    const e = await rejects(new Uint8Array(gzipSync(Buffer.from('this is not a tar archive at all '.repeat(40)))));
    expect(e.code).toBe('bundle_archive_error');
    expect(e.message).toContain('not a valid tar archive');
  });

  it('refuses a tar that ends inside an entry', async () => {
    const whole = await tarOf([{ name: 'a.gate', content: 'x'.repeat(2000) }]);
    const e = await rejects(new Uint8Array(gzipSync(whole.subarray(0, 1024))));
    expect(e.code).toBe('bundle_archive_error');
    expect(e.message).toBe('the tar archive is truncated');
  });
});

describe('readArchive: unsafe entries', () => {
  const cases: Array<[string, Entry[], string]> = [
    ['a parent-directory path', [{ name: '../evil.gate', content: 'x' }], "'..' segment"],
    ['a parent path after the leading slash', [{ name: '/../../etc/cron.d/evil', content: 'x' }], "'..' segment"],
    ['a path that climbs out from inside', [{ name: 'app/../../evil', content: 'x' }], "'..' segment"],
    ['an absolute path', [{ name: '//etc/passwd', content: 'x' }], 'absolute'],
    ['a Windows drive path', [{ name: 'C:/evil.gate', content: 'x' }], 'drive letter'],
    ['a backslash path', [{ name: '..\\..\\evil.gate', content: 'x' }], 'backslash'],
    ['a pax path that climbs out', [{ name: 'innocent.gate', content: 'x', pax: { path: '../evil.gate' } }], "'..' segment"],
    ['a symbolic link', [{ name: 'link.gate', type: 'symlink', linkname: '/etc/passwd' }], 'symbolic link'],
    ['a hard link', [{ name: 'a.gate', content: 'x' }, { name: 'b.gate', type: 'link', linkname: 'a.gate' }], 'hard link'],
    ['a character device', [{ name: 'dev', type: 'character-device' }], 'device'],
    ['a block device', [{ name: 'disk', type: 'block-device' }], 'device'],
    ['a FIFO', [{ name: 'pipe', type: 'fifo' }], 'FIFO'],
    ['a contiguous file', [{ name: 'c', type: 'contiguous-file' }], 'contiguous'],
    ['a duplicate name', [{ name: 'a.gate', content: 'x' }, { name: 'a.gate', content: 'y' }], 'a second entry named a.gate'],
    ['a duplicate after normalization', [{ name: '/a.gate', content: 'x' }, { name: './a.gate', content: 'y' }], 'a second entry named a.gate'],
    ['a file that is also a directory', [{ name: 'a', content: 'x' }, { name: 'a/b.gate', content: 'y' }], 'a is both a file and a directory'],
    ['a directory that is also a file', [{ name: 'a/', type: 'directory' }, { name: 'a', content: 'y' }], 'a is both a file and a directory'],
  ];
  it.each(cases)('refuses %s, naming the entry', async (_what, entries, reason) => {
    const e = await rejects(await tgzOf(entries));
    expect(e.code).toBe('bundle_unsafe_entry');
    expect(e.message).toContain(reason);
    expect(e.message).toMatch(/^archive entry "/);
    expect(e.file).toBeDefined();
  });

  it('refuses an entry of a type tar-stream does not know', async () => {
    const e = await rejects(new Uint8Array(gzipSync(rawTar(headerBlock('volume', 'V', 0)))));
    expect(e.code).toBe('bundle_unsafe_entry');
    expect(e.message).toContain('unknown type');
  });
});

describe('readArchive: limits', () => {
  it('refuses a file over the per-file limit by its header, naming it', async () => {
    const e = await rejects(await tgzOf([{ name: 'ok.gate', content: '12345' }, { name: 'big.json', content: 'x'.repeat(11) }]), { maxFileBytes: 10 });
    expect(e.code).toBe('bundle_too_large');
    expect(e.message).toContain('big.json is 11 bytes');
    expect(e.file).toBe('big.json');
  });

  it('refuses files that add up past the total limit', async () => {
    const entries = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.gate`, content: 'x'.repeat(30) }));
    const e = await rejects(await tgzOf(entries), { maxTotalBytes: 100 });
    expect(e.code).toBe('bundle_too_large');
    expect(e.message).toContain('100-byte limit (at f3.gate)');
  });

  it('refuses more entries than the limit, directories included', async () => {
    const entries: Entry[] = Array.from({ length: 6 }, (_, i) => ({ name: `d${i}/`, type: 'directory' }));
    const e = await rejects(await tgzOf(entries), { maxEntries: 5 });
    expect(e.code).toBe('bundle_too_large');
    expect(e.message).toContain('more than 5 entries');
  });

  it('stops a gzip bomb while inflating: 10 GiB of zeros is refused after the limit', async () => {
    // 10,240 gzip members of 1 MiB of zeros each: ~10 MB that inflate to 10 GiB.
    // Inflating it whole would take minutes and exhaust memory; it must stop early.
    const member = gzipSync(Buffer.alloc(1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 10 * 1024 }, () => member));
    const limits = { maxTotalBytes: 1024 * 1024, maxEntries: 10 };
    const e = await rejects(new Uint8Array(bomb), limits);
    expect(e.code).toBe('bundle_too_large');
    expect(e.message).toContain(`decompresses to more than ${maxInflatedBytes(resolveLimits(limits))} bytes`);
  });

  it('stops a bomb hidden in one file entry at the per-file limit, before reading it', async () => {
    const tarBytes = rawTar(headerBlock('bomb.json', '0', 8 * 1024 * 1024), Buffer.alloc(8 * 1024 * 1024));
    const e = await rejects(new Uint8Array(gzipSync(tarBytes)), { maxFileBytes: 1024 * 1024 });
    expect(e.code).toBe('bundle_too_large');
    expect(e.file).toBe('bomb.json');
  });

  it('has sane defaults, and the inflation bound follows them', () => {
    expect(DEFAULT_LIMITS).toEqual({ maxFileBytes: 64 * 1024 * 1024, maxTotalBytes: 256 * 1024 * 1024, maxEntries: 10_000 });
    const bound = maxInflatedBytes(DEFAULT_LIMITS);
    expect(bound).toBeGreaterThan(DEFAULT_LIMITS.maxTotalBytes);
    expect(bound).toBeLessThan(DEFAULT_LIMITS.maxTotalBytes * 1.25);
  });

  it('rejects nonsensical limits', () => {
    expect(() => resolveLimits({ maxFileBytes: 0 })).toThrow(RangeError);
    expect(() => resolveLimits({ maxEntries: 1.5 })).toThrow(RangeError);
    expect(resolveLimits({ maxEntries: 3 })).toEqual({ ...DEFAULT_LIMITS, maxEntries: 3 });
  });
});
