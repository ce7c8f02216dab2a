import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RequestError, type SseEvent } from '../../../../src/proxy/protocols/types.js';
import { parseSse } from './sse.js';

// Fixture bodies and streams (real shapes from the OpenAI and Anthropic API
// references), a stand-in for a classifier, and a fake upstream for the SDKs.

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function fixtureText(name: string): string {
  return readFileSync(FIXTURES + name, 'utf8');
}

export function fixtureJson(name: string): unknown {
  return JSON.parse(fixtureText(name)) as unknown;
}

export function fixtureStream(name: string): SseEvent[] {
  return parseSse(fixtureText(name));
}

/** The data of each event as JSON (`[DONE]` and empty data as themselves). */
export function payloads(events: readonly SseEvent[]): unknown[] {
  return events.map((e) => (e.data.trim() === '[DONE]' || e.data === '' ? e.data : JSON.parse(e.data)));
}

/** A fetch for the official SDKs that answers every request with this status, content type and body — a fake upstream without a socket. */
export function fakeFetch(status: number, contentType: string, body: string): typeof fetch {
  return async () => new Response(body, { status, headers: { 'content-type': contentType, 'x-request-id': 'req_test' } });
}

export const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** A stand-in for a mask rule: every e-mail address becomes [EMAIL]. */
export const maskEmailsIn = (s: string): string => s.replace(EMAIL, '[EMAIL]');

/** The RequestError a call throws (fails the test when it does not throw one). */
export function requestError(f: () => unknown): RequestError {
  try {
    f();
  } catch (e) {
    if (e instanceof RequestError) return e;
    throw e;
  }
  throw new Error('expected a RequestError');
}
