import { createRequire } from 'node:module';

// Token arithmetic with the o200k_base encoding (GPT-4o and later), so the usage the
// mock reports is what a real model would roughly report. Work is bounded: very long
// texts are counted on a prefix and scaled, and truncation never encodes more than
// it can keep.

interface Encoding {
  encode(text: string, options?: { disallowedSpecial?: Set<string> }): number[];
  decode(tokens: Iterable<number>): string;
  countTokens(text: string, options?: { disallowedSpecial?: Set<string> }): number;
}

// Text that spells a special token (`<|endoftext|>`) is plain text to the mock; by
// default the tokenizer throws on it.
const PLAIN = { disallowedSpecial: new Set<string>() };

/** Texts longer than this are counted on a prefix of this length and scaled. */
const EXACT_CHARS = 256 * 1024;
/** No o200k token is longer than this many characters, so a prefix this long per token is enough. */
const MAX_CHARS_PER_TOKEN = 128;

const requireModule = createRequire(import.meta.url);
let o200k: Encoding | undefined;
// The tables take ~100 ms to load: the first request pays it, not the import.
function encoding(): Encoding {
  return (o200k ??= requireModule('gpt-tokenizer/encoding/o200k_base') as Encoding);
}

// gpt-tokenizer decodes with one process-wide TextDecoder in streaming mode: token
// ids that end inside a character leave bytes in it, which then corrupt the next
// decode anywhere in the process. Flushing it after each decode gives the plain
// (non-streaming) result: an unfinished character becomes U+FFFD, and nothing lingers.
interface SharedDecoder {
  decoder?: { decode(input?: Uint8Array): string };
}
let shared: SharedDecoder | undefined;
function decodeWhole(ids: readonly number[]): string {
  shared ??= requireModule('gpt-tokenizer/cjs/BytePairEncodingCore') as SharedDecoder;
  try {
    return encoding().decode(ids) + (shared.decoder?.decode() ?? '');
  } catch (e) {
    shared.decoder?.decode();
    throw e;
  }
}

export function countTokens(text: string): number {
  if (text.length <= EXACT_CHARS) return encoding().countTokens(text, PLAIN);
  const prefix = encoding().countTokens(text.slice(0, EXACT_CHARS), PLAIN);
  return Math.ceil((prefix * text.length) / EXACT_CHARS);
}

/** The text cut to at most `max` tokens; `truncated` when anything was cut. */
export function truncateToTokens(text: string, max: number): { text: string; tokens: number; truncated: boolean } {
  const window = Math.min(text.length, max * MAX_CHARS_PER_TOKEN + 1);
  const ids = encoding().encode(text.slice(0, window), PLAIN);
  if (ids.length <= max && window === text.length) return { text, tokens: ids.length, truncated: false };
  const kept = ids.slice(0, max);
  // a cut inside a multi-byte character decodes to U+FFFD: drop the partial character
  const cut = decodeWhole(kept).replace(/\uFFFD+$/, '');
  return { text: cut, tokens: kept.length, truncated: true };
}

/** Token ids (a legacy completions prompt given as tokens) back to text; RangeError for an id outside the vocabulary. */
export function decodeTokens(ids: readonly number[]): string {
  return decodeWhole(ids);
}
