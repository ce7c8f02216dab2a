import { randomBytes } from 'node:crypto';

// Identifiers shaped like the providers' (chatcmpl-…, resp_…, msg_01…, toolu_01…),
// random so that two responses never share one.

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `prefix` followed by `length` base-62 characters. */
export function randomId(prefix: string, length: number): string {
  const bytes = randomBytes(length);
  let out = prefix;
  // 62 does not divide 256, so this is slightly biased; an id only has to be unique-ish
  for (const b of bytes) out += ALPHABET[b % 62];
  return out;
}

/** `prefix` followed by `length` hex characters (the Responses API's ids). */
export function randomHexId(prefix: string, length: number): string {
  return prefix + randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
