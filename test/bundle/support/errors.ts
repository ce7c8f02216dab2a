import { expect } from 'vitest';
import { BundleError } from '../../../src/bundle/errors.js';

// The BundleError a call throws (or a promise rejects with), for asserting its code,
// file and message; a call that succeeds fails the test.

export function thrown(f: () => unknown): BundleError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(BundleError);
    return e as BundleError;
  }
  throw new Error('expected a BundleError');
}

export async function rejects(p: Promise<unknown>): Promise<BundleError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(BundleError);
    return e as BundleError;
  }
  throw new Error('expected a BundleError');
}
