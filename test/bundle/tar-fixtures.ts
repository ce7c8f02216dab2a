import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';

// Hostile and odd archives for the reader's tests: built with tar-stream's packer
// (any header it can express: links, devices, pax paths) or block by block (typeflags
// the packer cannot write: GNU long names, pax global headers), then gzipped.

export interface Entry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'block-device' | 'fifo' | 'contiguous-file';
  content?: string | Uint8Array;
  linkname?: string;
  pax?: Record<string, string>;
}

/** An uncompressed tar of the entries, in order. */
export async function tarOf(entries: readonly Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  })();
  for (const e of entries) {
    const type = e.type ?? 'file';
    const body = e.content === undefined ? undefined : Buffer.from(e.content);
    await new Promise<void>((resolve, reject) => {
      const header = {
        name: e.name,
        type,
        mtime: new Date(0),
        ...(e.linkname !== undefined ? { linkname: e.linkname } : {}),
        ...(e.pax ? { pax: e.pax } : {}),
      };
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (body !== undefined && type === 'file') pack.entry(header, body, cb);
      else pack.entry({ ...header, size: 0 }, cb).end(null);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export async function tgzOf(entries: readonly Entry[]): Promise<Uint8Array> {
  return new Uint8Array(gzipSync(await tarOf(entries)));
}

/** One 512-byte ustar header block with any typeflag. */
export function headerBlock(name: string, typeflag: string, size: number): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0, 100, 'utf8');
  b.write('0000644\0', 100);
  b.write('0000000\0', 108);
  b.write('0000000\0', 116);
  b.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  b.write('00000000000\0', 136);
  b.write('        ', 148); // checksum field counts as spaces while summing
  b.write(typeflag, 156);
  b.write('ustar\0', 257);
  b.write('00', 263);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return b;
}

/** A data block padded to 512 bytes. */
export function dataBlocks(content: string | Buffer): Buffer {
  const data = Buffer.from(content);
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  data.copy(padded);
  return padded;
}

/** A raw tar from blocks, closed by the two zero blocks. */
export function rawTar(...blocks: Buffer[]): Buffer {
  return Buffer.concat([...blocks, Buffer.alloc(1024)]);
}

/** A pax record: "<len> key=value\n" where len counts itself. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return `${len}${body}`;
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const str = (b: Uint8Array): string => new TextDecoder().decode(b);
