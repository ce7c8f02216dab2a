import type { ConnectionConfig } from '../config/types.js';
import type { Identity } from '../identity/types.js';
import { inputHeaders, type RawHeaders } from './headers.js';
import type { ParsedRequest } from './protocols/types.js';
import { countPromptTokens } from './tokens.js';

// The input document a policy sees (docs/language.md, "The input document"): the
// same shape for every protocol. Built once per request from what is already
// known; nothing here reads the network or the clock beyond `now`.

export interface InputDocument {
  user: { id: string; email?: string; groups: string[]; auth: Identity['auth']; claims: Record<string, unknown> };
  connection: { name: string; protocol: ConnectionConfig['protocol'] };
  operation: ParsedRequest['operation'];
  model?: string;
  stream: boolean;
  texts: string[];
  tokens: { prompt: number; max_completion?: number };
  request: { method: string; path: string; headers: Record<string, string>; body?: unknown };
  source: { ip: string };
  time: { now_ns: number; rfc3339: string };
}

export interface InputParts {
  identity: Identity;
  connection: ConnectionConfig;
  parsed: ParsedRequest;
  method: string;
  /** the path after the connection prefix, without the query string */
  path: string;
  headers: RawHeaders;
  /** the parsed JSON body as the client sent it (absent for a request without one) */
  body: unknown;
  ip: string;
  now: Date;
}

/** The evaluation clock for `now`, in nanoseconds: what input.time.now_ns and time.now_ns() both see. */
export function nowNs(now: Date): number {
  return now.getTime() * 1_000_000;
}

export function buildInput(p: InputParts): InputDocument {
  const { identity: id, parsed } = p;
  return {
    user: { id: id.id, ...(id.email !== undefined ? { email: id.email } : {}), groups: [...id.groups], auth: id.auth, claims: id.claims },
    connection: { name: p.connection.name, protocol: p.connection.protocol },
    operation: parsed.operation,
    ...(parsed.model !== undefined ? { model: parsed.model } : {}),
    stream: parsed.stream,
    texts: parsed.texts,
    tokens: {
      prompt: countPromptTokens(parsed.texts, parsed.model),
      ...(parsed.maxCompletion !== undefined ? { max_completion: parsed.maxCompletion } : {}),
    },
    request: { method: p.method, path: p.path, headers: inputHeaders(p.headers), ...(p.body !== undefined ? { body: p.body } : {}) },
    source: { ip: p.ip },
    time: { now_ns: nowNs(p.now), rfc3339: p.now.toISOString() },
  };
}
