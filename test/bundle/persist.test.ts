import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARCHIVE_FILE, loadPersisted, savePersisted, sha256Hex, SIDECAR_FILE } from '../../src/bundle/persist.js';

// The last good bundle on disk: written whole or not at all, read back with its
// sidecar only when the sidecar describes those bytes.

const root = mkdtempSync(join(tmpdir(), 'railgate-persist-'));
let n = 0;
const fresh = (): string => join(root, `d${++n}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const meta = { revision: 'r1', etag: '"e1"', saved_at: '2025-01-01T00:00:00.000Z', source: 'https://b.example/x.tar.gz' };

describe('savePersisted / loadPersisted', () => {
  it('round-trips the archive and its sidecar; creates the directory; leaves no temp files', async () => {
    const dir = join(fresh(), 'nested', 'state');
    const saved = await savePersisted(dir, bytes('archive-1'), meta);
    expect(saved.sha256).toBe(sha256Hex(bytes('archive-1')));
    expect(readdirSync(dir).sort()).toEqual([ARCHIVE_FILE, SIDECAR_FILE].sort());
    expect(statSync(join(dir, ARCHIVE_FILE)).mode & 0o777).toBe(0o600);
    const p = await loadPersisted(dir, 1024);
    expect(Buffer.from(p!.bytes).toString()).toBe('archive-1');
    expect(p!.meta).toEqual({ ...meta, sha256: saved.sha256 });
    expect(p!.metaProblem).toBeUndefined();
  });

  it('a second save replaces both files', async () => {
    const dir = fresh();
    await savePersisted(dir, bytes('archive-1'), meta);
    await savePersisted(dir, bytes('archive-2'), { ...meta, revision: 'r2', etag: '"e2"' });
    const p = await loadPersisted(dir, 1024);
    expect(Buffer.from(p!.bytes).toString()).toBe('archive-2');
    expect(p!.meta).toMatchObject({ revision: 'r2', etag: '"e2"' });
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('nothing persisted: undefined', async () => {
    expect(await loadPersisted(fresh(), 1024)).toBeUndefined();
  });

  it('a sidecar for other bytes (a crash between the two renames) is not used', async () => {
    const dir = fresh();
    await savePersisted(dir, bytes('archive-1'), meta);
    writeFileSync(join(dir, ARCHIVE_FILE), 'archive-2');
    const p = await loadPersisted(dir, 1024);
    expect(Buffer.from(p!.bytes).toString()).toBe('archive-2');
    expect(p!.meta).toBeUndefined();
    expect(p!.metaProblem).toMatch(/describes another archive/);
  });

  it('a missing or malformed sidecar leaves the archive usable and says why', async () => {
    const dir = fresh();
    await savePersisted(dir, bytes('a'), meta);
    writeFileSync(join(dir, SIDECAR_FILE), '{"revision": 1}');
    expect((await loadPersisted(dir, 1024))!.metaProblem).toMatch(/"revision" is missing or not a string/);
    writeFileSync(join(dir, SIDECAR_FILE), 'not json');
    expect((await loadPersisted(dir, 1024))!.metaProblem).toMatch(/not JSON/);
    rmSync(join(dir, SIDECAR_FILE));
    const p = await loadPersisted(dir, 1024);
    expect(p!.meta).toBeUndefined();
    expect(p!.metaProblem).toMatch(/is missing/);
  });

  it('an archive past the limit is refused without being read', async () => {
    const dir = fresh();
    await savePersisted(dir, new Uint8Array(2000), meta);
    await expect(loadPersisted(dir, 1999)).rejects.toMatchObject({ code: 'bundle_too_large' });
  });

  it('an unwritable place is a bundle_io_error naming it', async () => {
    const dir = fresh();
    await savePersisted(dir, bytes('a'), meta);
    const file = join(dir, ARCHIVE_FILE);
    await expect(savePersisted(join(file, 'sub'), bytes('b'), meta)).rejects.toMatchObject({
      code: 'bundle_io_error',
      message: expect.stringContaining(join(file, 'sub')),
    });
    expect(readFileSync(file, 'utf8')).toBe('a');
  });

  it('a rename that fails leaves no temp file behind', async () => {
    const dir = fresh();
    // a non-empty directory where the archive goes: the temp file is written, the rename fails
    mkdirSync(join(dir, ARCHIVE_FILE, 'x'), { recursive: true });
    await expect(savePersisted(dir, bytes('a'), meta)).rejects.toMatchObject({ code: 'bundle_io_error' });
    expect(readdirSync(dir)).toEqual([ARCHIVE_FILE]);
  });

  it('a directory where the archive should be is an io error', async () => {
    const dir = fresh();
    await savePersisted(join(dir, ARCHIVE_FILE, 'x'), bytes('a'), meta);
    await expect(loadPersisted(dir, 1024)).rejects.toMatchObject({ code: 'bundle_io_error' });
  });
});
