import { MockError } from './errors.js';

// Reading request bodies the way the APIs validate them: a missing or mistyped field
// is a 400 naming the field, in OpenAI's wording (Anthropic's errors carry the same message).

export type Body = Record<string, unknown>;

export function isObject(v: unknown): v is Body {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asBody(v: unknown): Body {
  if (!isObject(v)) throw new MockError(400, 'The request body must be a JSON object.', null, 'invalid_type');
  return v;
}

export function requiredString(body: Body, key: string): string {
  const v = body[key];
  if (v === undefined || v === null) throw new MockError(400, `Missing required parameter: '${key}'.`, key, 'missing_required_parameter');
  if (typeof v !== 'string') throw new MockError(400, `Invalid type for '${key}': expected a string.`, key, 'invalid_type');
  return v;
}

export function requiredArray(body: Body, key: string): unknown[] {
  const v = body[key];
  if (v === undefined || v === null) throw new MockError(400, `Missing required parameter: '${key}'.`, key, 'missing_required_parameter');
  if (!Array.isArray(v)) throw new MockError(400, `Invalid type for '${key}': expected an array.`, key, 'invalid_type');
  if (v.length === 0) throw new MockError(400, `Invalid '${key}': empty array. Expected an array with minimum length 1.`, key, 'empty_array');
  return v;
}

/** An integer field in [min, max], or undefined when absent (null counts as absent, as the APIs treat it). */
export function optionalInt(body: Body, key: string, min: number, max: number): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new MockError(400, `Invalid type for '${key}': expected an integer.`, key, 'invalid_type');
  if (v < min) throw new MockError(400, `Invalid '${key}': integer below minimum value. Expected a value >= ${min}, but got ${v} instead.`, key, 'integer_below_min_value');
  if (v > max) throw new MockError(400, `Invalid '${key}': integer above maximum value. Expected a value <= ${max}, but got ${v} instead.`, key, 'integer_above_max_value');
  return v;
}

export function optionalBool(body: Body, key: string): boolean {
  const v = body[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new MockError(400, `Invalid type for '${key}': expected a boolean.`, key, 'invalid_type');
  return v;
}

/** `stream_options.include_usage` of a streamed request. */
export function includeUsage(body: Body): boolean {
  const o = body['stream_options'];
  return isObject(o) && o['include_usage'] === true;
}

/** The text of a message content: a string, or the text of its text parts joined by newlines. */
export function contentText(content: unknown, partTypes: readonly string[]): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    if (isObject(part) && typeof part['type'] === 'string' && partTypes.includes(part['type']) && typeof part['text'] === 'string') {
      texts.push(part['text']);
    }
  }
  return texts.join('\n');
}
