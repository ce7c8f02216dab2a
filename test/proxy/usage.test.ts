import { describe, expect, it } from 'vitest';
import type { QuotaLine } from '../../src/quota/types.js';
import { refunded, settlement, type Exchange } from '../../src/proxy/usage.js';

// The settlement rule, case by case (docs/proxy.md, "Settlement"): what each way an
// exchange can end charges a token line and a request line.

const tokens: QuotaLine = { name: 'daily', key: 'u1', limit: 100_000, windowMs: 86_400_000, unit: 'tokens', amount: 530 };
const requests: QuotaLine = { name: 'rpm', key: 'u1', limit: 60, windowMs: 60_000, unit: 'requests', amount: 1 };
const lines = [tokens, requests];
/** prompt 30 (counted + framing), completion cap 500 */
const reserved = { prompt: 30, completion: 500 };

const charge = (x: Exchange): number[] => settlement(lines, reserved, x).actual;

describe('settlement', () => {
  it.each<[string, Exchange, number[]]>([
    ['nothing forwarded (the client left first)', { kind: 'not_forwarded' }, [0, 0]],
    ['the upstream unreachable or too slow', { kind: 'unreachable' }, [0, 0]],
    ['the client left while the upstream worked: the prompt', { kind: 'client_gone' }, [30, 1]],
    ['JSON with usage', { kind: 'answered', status: 200, complete: true, reported: { prompt: 28, completion: 41 } }, [69, 1]],
    ['JSON without usage: the prompt as reserved, the counted completion', { kind: 'answered', status: 200, complete: true, counted: 41 }, [71, 1]],
    ['usage with only the prompt: the counted completion', { kind: 'answered', status: 200, complete: true, reported: { prompt: 28 }, counted: 41 }, [69, 1]],
    ['a body that cannot be counted: the completion as reserved', { kind: 'answered', status: 200, complete: true }, [530, 1]],
    ['a stream the client left: the prompt reported and what was delivered', { kind: 'answered', status: 200, complete: false, reported: { prompt: 28, completion: 1 }, counted: 12 }, [40, 1]],
    ['a stream cut at its reservation', { kind: 'answered', status: 200, complete: false, counted: 500 }, [530, 1]],
    ['an upstream 500', { kind: 'answered', status: 500, complete: true }, [0, 0]],
    ['an upstream 429', { kind: 'answered', status: 429, complete: true }, [0, 0]],
    ['an upstream 401 (the proxy’s credentials)', { kind: 'answered', status: 401, complete: true }, [0, 0]],
    ['an upstream 400: the client’s request, counted; no tokens', { kind: 'answered', status: 400, complete: true }, [0, 1]],
    ['an upstream error that reports usage is charged it', { kind: 'answered', status: 400, complete: true, reported: { prompt: 12 } }, [12, 1]],
  ])('%s', (_what, x, expected) => {
    expect(charge(x)).toEqual(expected);
  });

  it('never charges more than was reserved, and reports the overrun', () => {
    const s = settlement(lines, reserved, { kind: 'answered', status: 200, complete: true, reported: { prompt: 90, completion: 500 } });
    expect(s.actual).toEqual([530, 1]);
    expect(s.tokens).toBe(590);
    expect(s.overrun).toBe(60);
  });

  it('a line reserved with amount 0 is charged 0', () => {
    expect(settlement([{ ...requests, amount: 0 }], reserved, { kind: 'answered', status: 200, complete: true }).actual).toEqual([0]);
  });

  it('refunded statuses', () => {
    expect([200, 204, 400, 403, 404, 413, 422].map(refunded)).toEqual([false, false, false, false, false, false, false]);
    expect([401, 407, 408, 429, 500, 502, 503, 504, 529].every(refunded)).toBe(true);
  });
});
