import { isObject, kind, own, withKey, type JsonObject } from './json.js';
import { RequestError } from './types.js';

// The checks every protocol makes on a request body, with errors that name the
// field as a client would write it (`messages[2].content`, not `$.messages[2].content`).

/** A visitor over prompt texts: returns the text to put in its place (the same text to keep it). */
export type TextRewrite = (text: string) => string;

/** `$.messages[2].content` → `messages[2].content`; `$` → undefined (the body itself). */
export function fieldName(path: string): string | undefined {
  if (path === '$') return undefined;
  return path.startsWith('$.') ? path.slice(2) : path.slice(1);
}

export function fail(path: string, message: string): never {
  throw new RequestError(message, fieldName(path));
}

export function requestTooDeep(path: string): never {
  return fail(path, 'nested too deeply to be inspected');
}

export function requireObject(body: unknown): JsonObject {
  if (!isObject(body)) throw new RequestError(`the request body must be a JSON object, got ${kind(body)}`);
  return body;
}

/** An optional string field (null counts as absent). */
export function optionalString(o: JsonObject, key: string, path: string): string | undefined {
  const v = own(o, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(path, `must be a string, got ${kind(v)}`);
  return v as string;
}

export function streamFlag(o: JsonObject): boolean {
  const v = own(o, 'stream');
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') fail('$.stream', `must be true or false, got ${kind(v)}`);
  return v === true;
}

/** An optional token count: a non-negative integer (null counts as absent). */
export function optionalCount(o: JsonObject, key: string): number | undefined {
  const v = own(o, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(`$.${key}`, `must be a non-negative integer, got ${typeof v === 'number' ? v : kind(v)}`);
  return v as number;
}

export function checkCap(cap: number): void {
  if (!Number.isSafeInteger(cap) || cap < 0) throw new RangeError(`a completion cap must be a non-negative integer, got ${cap}`);
}

/** A string field visited as a prompt text when present; anything but a string (or null) is refused. */
export function textField(o: JsonObject, key: string, path: string, f: TextRewrite): JsonObject {
  const v = own(o, key);
  if (v === undefined || v === null) return o;
  if (typeof v !== 'string') fail(path, `must be a string, got ${kind(v)}`);
  return withKey(o, key, f(v as string));
}
