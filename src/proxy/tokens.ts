import { countTokens } from '../runtime/tokens.js';

// tokens.prompt of the input document: the prompt texts counted with the model's
// tokenizer, exactly as the `tokens(text, model)` builtin counts (src/runtime/tokens.ts),
// so a policy comparing its own counts with input.tokens.prompt sees the same
// numbers. Models of other families (Claude, open models) are counted with
// o200k_base: an estimate, close enough for caps and budgets.

/** The number of tokens in all the texts together, with the model's tokenizer (o200k_base without a model). */
export function countPromptTokens(texts: readonly string[], model: string | undefined): number {
  let n = 0;
  for (const t of texts) if (t.length > 0) n += countTokens(t, model);
  return n;
}
