import { createRequire } from 'node:module';

// Token counts with the model's own tokenizer (gpt-tokenizer, no download at run
// time): the `tokens` builtin and the proxy's input.tokens.prompt count the same way.

export type EncodingName = 'o200k_base' | 'cl100k_base';

interface Encoding {
  countTokens(text: string, options?: { disallowedSpecial?: Set<string> }): number;
}

// Text that spells a special token (`<|endoftext|>`) is counted as the plain text it
// is; by default the tokenizer would throw on it.
const PLAIN = { disallowedSpecial: new Set<string>() };

// The encodings' tables are large: load one the first time tokens are counted with
// it, not on import. Both ship inside gpt-tokenizer.
const requireModule = createRequire(import.meta.url);
const encodings = new Map<EncodingName, Encoding>();
function encoding(name: EncodingName): Encoding {
  let e = encodings.get(name);
  if (!e) {
    e = requireModule(`gpt-tokenizer/encoding/${name}`) as Encoding;
    encodings.set(name, e);
  }
  return e;
}

/** The encoding a model uses: cl100k_base for GPT-3.5, GPT-4 (not 4o/4.1) and ada-era embeddings; o200k_base otherwise. */
export function encodingForModel(model: string): EncodingName {
  const m = model.toLowerCase().replace(/^openai\//, '');
  if (/^gpt-3\.5/.test(m) || /^gpt-4(?:$|-)/.test(m) || /^text-embedding-(?:ada-002|3-)/.test(m)) return 'cl100k_base';
  return 'o200k_base';
}

/** Tokens in `text` for `model` (o200k_base when no model is given). */
export function countTokens(text: string, model?: string): number {
  return encoding(model === undefined ? 'o200k_base' : encodingForModel(model)).countTokens(text, PLAIN);
}
