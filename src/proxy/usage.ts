import type { QuotaLine } from '../quota/types.js';
import type { Usage } from './protocols/types.js';

// What a request is charged when its exchange with the upstream is over: the rule
// that turns how the exchange ended into one settled amount per quota line. Pure;
// docs/proxy.md ("Settlement") has the same table.
//
// A token line is charged the tokens used — the upstream's report where there is
// one, else the proxy's own count — but never more than it reserved (the reservation
// is the budget's promise; usage beyond it is reported as an overrun and logged). A
// request line is charged 1 when the upstream took the request and it was not the
// upstream's or the proxy's failure.

/** How the exchange ended, as far as the proxy knows when the response is over. */
export type Exchange =
  /** nothing was sent upstream (the client left first) */
  | { kind: 'not_forwarded' }
  /** the upstream could not be reached or did not answer in time */
  | { kind: 'unreachable' }
  /** the client left after the request was sent, before the upstream answered */
  | { kind: 'client_gone' }
  | {
      kind: 'answered';
      status: number;
      /** the usage the upstream reported (JSON body, stream events) */
      reported?: Usage;
      /** the whole response was received: the body read, or the stream ended by the upstream */
      complete: boolean;
      /** completion tokens the proxy counted: the texts of a JSON body, or what a stream delivered */
      counted?: number;
    };

/** The tokens a reservation holds: the prompt (counted texts plus framing) and the completion cap (times completions). */
export interface Reserved {
  prompt: number;
  completion: number;
}

export interface Settled {
  /** the amount each line is charged, in line order */
  actual: number[];
  /** tokens the exchange used, by the report or the proxy's count */
  tokens: number;
  /** tokens used beyond the reservation: never charged, logged */
  overrun: number;
  /** whether request lines count this request */
  countsRequest: boolean;
}

/** Upstream answers that are not the client's doing: nothing of the request is charged unless the upstream reports usage. */
export function refunded(status: number): boolean {
  return status >= 500 || status === 401 || status === 407 || status === 408 || status === 429;
}

function tokensUsed(x: Exchange, reserved: Reserved): number {
  switch (x.kind) {
    case 'not_forwarded':
    case 'unreachable':
      return 0;
    case 'client_gone':
      // the upstream read the prompt; nothing was delivered
      return reserved.prompt;
    case 'answered': {
      const r = x.reported ?? {};
      if (x.status >= 400) return (r.prompt ?? 0) + (r.completion ?? 0);
      const prompt = r.prompt ?? reserved.prompt;
      // an unfinished response is charged what was delivered; what the proxy cannot count is charged as reserved
      const completion = x.complete ? (r.completion ?? x.counted ?? reserved.completion) : (x.counted ?? reserved.completion);
      return prompt + completion;
    }
  }
}

export function settlement(lines: readonly QuotaLine[], reserved: Reserved, x: Exchange): Settled {
  const tokens = tokensUsed(x, reserved);
  const countsRequest = x.kind === 'client_gone' || (x.kind === 'answered' && !refunded(x.status));
  const heldTokens = reserved.prompt + reserved.completion;
  return {
    actual: lines.map((l) => (l.unit === 'requests' ? (countsRequest ? Math.min(1, l.amount) : 0) : Math.min(tokens, l.amount))),
    tokens,
    overrun: Math.max(0, tokens - heldTokens),
    countsRequest,
  };
}
