import { createHash } from 'node:crypto';
import type { HandlerContext } from './context.js';
import { MockError } from './errors.js';
import { asBody, optionalInt, requiredString } from './fields.js';
import { promptsOf } from './completions.js';
import { countTokens } from './tokens.js';
import type { Reply } from './sse.js';

// POST /v1/embeddings: a `list` of `embedding` objects. Each vector is a unit vector
// derived from the text alone (equal texts, equal vectors, across runs and servers).
// `encoding_format: "base64"`, which the openai SDK asks for unless told otherwise,
// returns the float32 little-endian bytes in base64, as the real API does.

export const MAX_DIMENSIONS = 3072;

/** A deterministic unit vector of `dimensions` float32 values for the text. */
export function embed(text: string, dimensions: number): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}\0${text}`).digest();
    for (let i = 0; i < digest.length && values.length < dimensions; i += 4) {
      values.push((digest.readUInt32LE(i) / 0x1_0000_0000) * 2 - 1);
    }
  }
  const norm = Math.sqrt(values.reduce((s, v) => s + v * v, 0)) || 1;
  return values.map((v) => Math.fround(v / norm));
}

export function base64Floats(values: readonly number[]): string {
  const buf = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}

export function embeddings(raw: unknown, ctx: HandlerContext): Reply {
  const body = asBody(raw);
  const model = requiredString(body, 'model');
  const inputs = promptsOf(body, 'input');
  if (inputs.some((t) => t.length === 0)) throw new MockError(400, "'$.input' is invalid: an input must not be an empty string.", 'input', 'invalid_value');
  const dimensions = optionalInt(body, 'dimensions', 1, MAX_DIMENSIONS) ?? ctx.embeddingDimensions;
  const format = body['encoding_format'] ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    throw new MockError(400, "Invalid 'encoding_format': expected 'float' or 'base64'.", 'encoding_format', 'invalid_value');
  }
  const tokens = inputs.reduce((sum, t) => sum + countTokens(t), 0);
  return {
    kind: 'json',
    body: {
      object: 'list',
      data: inputs.map((text, index) => {
        const v = embed(text, dimensions);
        return { object: 'embedding', index, embedding: format === 'base64' ? base64Floats(v) : v };
      }),
      model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
  };
}
