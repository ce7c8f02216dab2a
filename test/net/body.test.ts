import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCapped } from '../../src/net/body.js';

function body(chunks: string[]): Readable {
  return Readable.from(chunks.map((c) => Buffer.from(c)));
}

describe('readCapped', () => {
  it('reads a body up to the cap exactly', async () => {
    expect((await readCapped(body(['ab', 'cd']), 4, () => new Error('too large'))).toString()).toBe('abcd');
  });

  it('throws the caller’s error past the cap and destroys the body', async () => {
    const b = body(['ab', 'cd', 'e']);
    await expect(readCapped(b, 4, () => new RangeError('more than 4 bytes'))).rejects.toThrow(new RangeError('more than 4 bytes'));
    expect(b.destroyed).toBe(true);
  });

  it('stops reading an endless body at the cap', async () => {
    let produced = 0;
    const endless = new Readable({
      read() {
        produced++;
        this.push(Buffer.alloc(1024));
      },
    });
    await expect(readCapped(endless, 10_000, () => new Error('capped'))).rejects.toThrow('capped');
    expect(produced).toBeLessThan(100);
  });
});
