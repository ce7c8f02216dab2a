import { isObject, own, type JsonObject } from './json.js';
import type { SseEvent, StreamEndReason, Usage } from './types.js';

// Reading usage reports, for every protocol: upstream bodies are not validated, so a
// count that is not a whole number ≥ 0 is treated as absent (the proxy then counts
// itself) rather than trusted.

/** A token count field: a safe whole number ≥ 0, else undefined. */
export function tokenCount(o: JsonObject, key: string): number | undefined {
  const v = own(o, key);
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

/** The sum of the count fields that are present; undefined when none is. */
export function sumCounts(o: JsonObject, keys: readonly string[]): number | undefined {
  let total: number | undefined;
  for (const k of keys) {
    const n = tokenCount(o, k);
    if (n !== undefined) total = (total ?? 0) + n;
  }
  return total;
}

/** `{prompt, completion}` without the parts that are undefined; undefined when both are. */
export function usageOf(prompt: number | undefined, completion: number | undefined): Usage | undefined {
  if (prompt === undefined && completion === undefined) return undefined;
  return { ...(prompt !== undefined ? { prompt } : {}), ...(completion !== undefined ? { completion } : {}) };
}

/**
 * Whether an event's data may hold a usage object: `"usage": {` outside any string
 * (inside a JSON string the quotes would be escaped). Streams that were asked for
 * usage carry `"usage": null` in every chunk; only the real report is parsed.
 */
export function mayReportUsage(event: SseEvent): boolean {
  return USAGE_OBJECT.test(event.data);
}

const USAGE_OBJECT = /"usage"\s*:\s*\{/;

/** An event's data as a JSON object, or undefined (no JSON, not an object): usage readers never throw. */
export function quietJson(event: SseEvent): JsonObject | undefined {
  try {
    const v = JSON.parse(event.data) as unknown;
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The object at `key` of `o`, if it is one. */
export function objectAt(o: JsonObject, key: string): JsonObject | undefined {
  const v = own(o, key);
  return isObject(v) ? v : undefined;
}

/** The length of an array field, or undefined. */
export function lengthOf(o: JsonObject, key: string): number | undefined {
  const v = own(o, key);
  return Array.isArray(v) ? v.length : undefined;
}

/** What the proxy adds to the events that end a stream it cut: why. SDKs ignore fields they do not know. */
export function railgateNote(reason: StreamEndReason): JsonObject {
  return { code: reason.code, message: reason.message };
}
