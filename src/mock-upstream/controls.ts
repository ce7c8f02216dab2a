import type { IncomingHttpHeaders } from 'node:http';
import { MockError } from './errors.js';

// Fault injection and pacing, per request, by header:
//   x-mock-status: 500            answer with that status and the provider's error body
//   x-mock-delay-ms: N            wait N ms before sending headers
//   x-mock-hang: headers | body   never send headers / stop after the first piece of text
//   x-mock-chunk-chars: N         characters of text per stream delta
//   x-mock-chunk-delay-ms: N      wait N ms between stream events

export interface Controls {
  status?: number;
  delayMs: number;
  hang?: 'headers' | 'body';
  chunkChars: number;
  chunkDelayMs: number;
}

export interface ControlDefaults {
  latencyMs: number;
  chunkChars: number;
  chunkDelayMs: number;
}

/** The longest delay a header may ask for (ten minutes). */
export const MAX_DELAY_MS = 600_000;
export const MAX_CHUNK_CHARS = 1_000_000;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function intHeader(headers: IncomingHttpHeaders, name: string, min: number, max: number): number | undefined {
  const v = header(headers, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min || n > max) {
    throw new MockError(400, `${name} must be a whole number from ${min} to ${max}, got "${v.slice(0, 40)}"`, null, 'invalid_mock_header');
  }
  return n;
}

export function readControls(headers: IncomingHttpHeaders, d: ControlDefaults): Controls {
  const hang = header(headers, 'x-mock-hang');
  if (hang !== undefined && hang !== 'headers' && hang !== 'body') {
    throw new MockError(400, `x-mock-hang must be "headers" or "body", got "${hang.slice(0, 40)}"`, null, 'invalid_mock_header');
  }
  const status = intHeader(headers, 'x-mock-status', 400, 599);
  return {
    ...(status !== undefined ? { status } : {}),
    delayMs: intHeader(headers, 'x-mock-delay-ms', 0, MAX_DELAY_MS) ?? d.latencyMs,
    ...(hang !== undefined ? { hang } : {}),
    chunkChars: intHeader(headers, 'x-mock-chunk-chars', 1, MAX_CHUNK_CHARS) ?? d.chunkChars,
    chunkDelayMs: intHeader(headers, 'x-mock-chunk-delay-ms', 0, MAX_DELAY_MS) ?? d.chunkDelayMs,
  };
}
