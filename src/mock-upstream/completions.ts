import type { HandlerContext } from './context.js';
import { MockError } from './errors.js';
import { asBody, includeUsage, optionalBool, optionalInt, requiredString, type Body } from './fields.js';
import { randomId, unixSeconds } from './ids.js';
import { generate, pieces } from './model.js';
import { SYSTEM_FINGERPRINT } from './chat.js';
import { countTokens, decodeTokens } from './tokens.js';
import { DONE, dataFrame, withKeepAlives, type Frame, type Reply } from './sse.js';

// POST /v1/completions (the legacy text completions): a `text_completion` with one
// choice per prompt and `n`, or a stream of `text_completion` data frames and [DONE].
// Unlike the real endpoint, `max_tokens` has no default of 16: the text is whole
// unless the request caps it.

const MAX_PROMPTS = 2048;
const MAX_TOKENS = 1_000_000;

function tokenText(ids: unknown[], param: string): string {
  if (!ids.every((t) => Number.isInteger(t) && (t as number) >= 0)) {
    throw new MockError(400, `Invalid '${param}': expected a string, an array of strings, or token ids.`, param, 'invalid_type');
  }
  try {
    return decodeTokens(ids as number[]);
  } catch {
    throw new MockError(400, `Invalid '${param}': a token id is outside the vocabulary.`, param, 'invalid_value');
  }
}

/** The prompts of a request: a string, strings, token ids, or arrays of token ids. */
export function promptsOf(body: Body, key: string): string[] {
  const p = body[key];
  if (p === undefined || p === null) throw new MockError(400, `Missing required parameter: '${key}'.`, key, 'missing_required_parameter');
  if (typeof p === 'string') return [p];
  if (!Array.isArray(p) || p.length === 0) throw new MockError(400, `Invalid '${key}': expected a string or a non-empty array.`, key, 'invalid_type');
  if (p.length > MAX_PROMPTS) throw new MockError(400, `Invalid '${key}': at most ${MAX_PROMPTS} inputs.`, key, 'array_above_max_length');
  if (p.every((x) => typeof x === 'number')) return [tokenText(p, key)];
  return p.map((x, i) => {
    if (typeof x === 'string') return x;
    if (Array.isArray(x)) return tokenText(x, `${key}[${i}]`);
    throw new MockError(400, `Invalid '${key}[${i}]': expected a string or token ids.`, `${key}[${i}]`, 'invalid_type');
  });
}

export function completions(raw: unknown, ctx: HandlerContext): Reply {
  const body = asBody(raw);
  const model = requiredString(body, 'model');
  const prompts = promptsOf(body, 'prompt');
  const n = optionalInt(body, 'n', 1, 128) ?? 1;
  const cap = optionalInt(body, 'max_tokens', 1, MAX_TOKENS);
  const stream = optionalBool(body, 'stream');
  const echo = optionalBool(body, 'echo');
  const gens = prompts.map((p) => generate(p, cap, false));
  const promptTokens = prompts.reduce((sum, p) => sum + countTokens(p), 0);
  const completionTokens = gens.reduce((sum, g) => sum + g.tokens, 0) * n;
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  const id = randomId('cmpl-', 29);
  const created = unixSeconds();
  // choice p*n + j answers prompt p, as the real endpoint numbers them
  const choices = gens.flatMap((g, p) =>
    Array.from({ length: n }, (_, j) => ({
      index: p * n + j,
      text: (echo ? prompts[p]! : '') + (g.kind === 'text' ? g.text : ''),
      finish: g.kind === 'text' ? g.finish : 'stop',
    })),
  );
  const base = (c: unknown[]): Record<string, unknown> => ({ id, object: 'text_completion', created, model, choices: c, system_fingerprint: SYSTEM_FINGERPRINT });
  if (!stream) {
    return { kind: 'json', body: { ...base(choices.map((c) => ({ text: c.text, index: c.index, logprobs: null, finish_reason: c.finish }))), usage } };
  }
  const withUsage = includeUsage(body);
  function* frames(): Generator<Frame> {
    const extra = withUsage ? { usage: null } : {};
    const split = choices.map((c) => pieces(c.text, ctx.chunkChars));
    const longest = Math.max(...split.map((s) => s.length));
    for (let k = 0; k < longest; k++) {
      for (let i = 0; i < choices.length; i++) {
        const part = split[i]![k];
        if (part !== undefined) yield dataFrame({ ...base([{ text: part, index: choices[i]!.index, logprobs: null, finish_reason: null }]), ...extra }, true);
      }
    }
    for (const c of choices) yield dataFrame({ ...base([{ text: '', index: c.index, logprobs: null, finish_reason: c.finish }]), ...extra });
    if (withUsage) yield dataFrame({ ...base([]), usage });
    yield DONE;
  }
  return { kind: 'sse', frames: withKeepAlives(frames()) };
}
