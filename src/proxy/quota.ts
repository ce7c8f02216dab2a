import type { FastifyBaseLogger } from 'fastify';
import type { QuotaConfig } from '../config/types.js';
import { createQuotaStore, formatWindow } from '../quota/index.js';
import { QuotaStoreError, type QuotaLine, type QuotaSpec, type QuotaState, type QuotaStore, type Reservation } from '../quota/types.js';
import { CAPPED } from './enforce.js';
import { ProxyError } from './errors.js';
import { ClientGone } from './forward.js';
import type { Operation, ProtocolAdapter } from './protocols/types.js';
import { rateLimitHeaders } from './ratelimit.js';
import type { UsageMeter } from './response/usage-meter.js';
import { settlement, type Exchange, type Reserved } from './usage.js';

// The quota step of the pipeline (docs/proxy.md, "Quotas"): after enforcement and
// before forwarding, every quota entry of the decision becomes a line — 1 for a
// request budget; the prompt's tokens, their framing and the completion cap for a
// token budget — and all lines are reserved at once, all or none. Refused: 429,
// nothing forwarded. The store unreachable: 503 (or, configured so, the request goes
// through uncounted). Admitted: a QuotaTicket follows the exchange and settles the
// reservation exactly once, when the response is over, whatever ended it.

/** The quota store of a configuration (SQLite opens its file now; Redis connects in the background). */
export function openQuotaStore(q: QuotaConfig): QuotaStore {
  switch (q.store) {
    case 'memory':
      return createQuotaStore({ store: 'memory' });
    case 'sqlite':
      return createQuotaStore({ store: 'sqlite', path: q.path! });
    case 'redis':
      return createQuotaStore({ store: 'redis', url: q.url!, ...(q.prefix !== undefined ? { prefix: q.prefix } : {}) });
  }
}

export interface PlanInput {
  specs: readonly QuotaSpec[];
  adapter: ProtocolAdapter;
  operation: Operation;
  /** the body as enforcement left it (capped, redacted) */
  body: unknown;
  stream: boolean;
  /** the completion cap the request carries after enforcement, if any */
  cap: number | undefined;
  /** the prompt texts' tokens (input.tokens.prompt) */
  promptTokens: number;
  config: Pick<QuotaConfig, 'messageOverheadTokens' | 'defaultMaxCompletionTokens'>;
}

export interface QuotaPlan {
  lines: QuotaLine[];
  /** the body to forward: with a completion cap when a token budget needs one, and asking a stream for its usage */
  body: unknown;
  /** the cap the proxy set because the request had none */
  defaultCap?: number;
  reserved: Reserved;
  /** a token budget applies: streams are metered and cut at the reservation */
  tokens: boolean;
  /** the proxy asked the upstream to report usage in the stream; the client did not */
  usageAdded: boolean;
}

/**
 * The lines to reserve and the body to forward. Pure. A token budget needs a finite
 * completion cap: a request without one gets `defaultMaxCompletionTokens`, and the
 * forwarded cap is what the reservation covers.
 */
export function planQuota(p: PlanInput): QuotaPlan {
  const tokens = p.specs.some((s) => s.unit === 'tokens');
  let body = p.body;
  let defaultCap: number | undefined;
  let reserved: Reserved = { prompt: 0, completion: 0 };
  let usageAdded = false;
  if (tokens) {
    const shape = p.adapter.budgetShape(body, p.operation);
    const framing = shape.messages > 0 ? (shape.messages + 1) * p.config.messageOverheadTokens : 0;
    let cap = 0;
    if (CAPPED.has(p.operation)) {
      cap = p.cap ?? p.config.defaultMaxCompletionTokens;
      if (p.cap === undefined) {
        body = p.adapter.setMaxCompletion(body, p.operation, cap);
        defaultCap = cap;
      }
    }
    reserved = { prompt: p.promptTokens + framing, completion: cap * shape.completions };
    if (p.stream) {
      const asked = p.adapter.requestStreamUsage(body, p.operation);
      body = asked.body;
      usageAdded = asked.added;
    }
  }
  const amount = reserved.prompt + reserved.completion;
  const lines = p.specs.map((s) => ({ ...s, amount: s.unit === 'requests' ? 1 : amount }));
  return { lines, body, ...(defaultCap !== undefined ? { defaultCap } : {}), reserved, tokens, usageAdded };
}

export interface ReserveContext {
  store: QuotaStore | undefined;
  onStoreError: QuotaConfig['onStoreError'];
  policy: string;
  revision: string;
  connection: string;
  log: FastifyBaseLogger;
  now?: () => number;
}

function unitWord(unit: string, n: number): string {
  return unit === 'requests' ? (n === 1 ? 'request' : 'requests') : n === 1 ? 'token' : 'tokens';
}

/** The 429 for a refused reservation: which quota, for whom, how much is left, when to retry. */
function exhaustedError(plan: QuotaPlan, result: Extract<Awaited<ReturnType<QuotaStore['reserve']>>, { ok: false }>, c: ReserveContext): ProxyError {
  const x = result.exhausted;
  const focus = Math.max(
    0,
    result.states.findIndex((s) => s.name === x.name && s.key === x.key && s.windowMs === x.windowMs),
  );
  const window = formatWindow(x.windowMs);
  const never = !Number.isFinite(result.retryAfterMs);
  const retry = never ? undefined : Math.max(1, Math.ceil(result.retryAfterMs / 1000));
  const needs =
    x.unit === 'tokens'
      ? `${x.requested} tokens (the prompt's ${plan.reserved.prompt} and up to ${plan.reserved.completion} for the completion)`
      : `${x.requested} ${unitWord('requests', x.requested)}`;
  const where = `policy ${c.policy}, bundle revision ${JSON.stringify(c.revision)}`;
  const lower = x.unit === 'tokens' && plan.reserved.completion > 0 ? '; a lower max_tokens needs fewer' : '';
  const message = never
    ? `the request needs ${needs}, more than the whole ${x.unit} budget ${JSON.stringify(x.name)} for ${JSON.stringify(x.key)} allows (${x.limit} per ${window}; ${where}): it can never be admitted as it is${lower}`
    : `the ${x.unit} budget ${JSON.stringify(x.name)} for ${JSON.stringify(x.key)} is exhausted (${where}): the request needs ${needs}, ${x.remaining} of ${x.limit} per ${window} are left; retry in ${retry} s${lower}`;
  const headers: Record<string, string> = { ...rateLimitHeaders(result.states, plan.lines.map((l) => l.amount), focus) };
  if (retry !== undefined) headers['retry-after'] = String(retry);
  // SDKs retry 429s on their own: not when waiting is pointless or long
  if (retry === undefined || retry > 60) headers['x-should-retry'] = 'false';
  return new ProxyError(429, 'quota_exhausted', message, {
    extra: {
      policy: c.policy,
      revision: c.revision,
      quota: x.name,
      key: x.key,
      unit: x.unit,
      limit: x.limit,
      window,
      requested: x.requested,
      remaining: x.remaining,
      ...(retry !== undefined ? { retry_after: retry } : {}),
    },
    headers,
  });
}

/**
 * Reserves every line of the plan. Returns the ticket that settles it; undefined when
 * nothing is reserved (no lines, or the store failed and `on_store_error` allows).
 * Throws ProxyError 429 quota_exhausted or 503 quota_store_unavailable.
 */
export async function reserveQuota(plan: QuotaPlan, c: ReserveContext): Promise<QuotaTicket | undefined> {
  if (plan.lines.length === 0) return undefined;
  const now = c.now ?? Date.now;
  let result;
  try {
    if (!c.store) throw new QuotaStoreError('quota_store_unavailable', 'no quota store is configured');
    result = await c.store.reserve(plan.lines, now());
  } catch (e) {
    if (!(e instanceof QuotaStoreError)) throw e;
    const quotas = plan.lines.map((l) => l.name);
    if (c.onStoreError === 'allow') {
      c.log.warn({ connection: c.connection, code: e.code, quotas, cause: e.message }, 'quota store unavailable: request let through uncounted (quota.on_store_error: allow)');
      return undefined;
    }
    throw new ProxyError(
      503,
      'quota_store_unavailable',
      `the quota store cannot be reached, so requests under budgets (${quotas.join(', ')}) are refused (fail closed); try again shortly. The proxy log has the details.`,
      { extra: { policy: c.policy, revision: c.revision }, headers: { 'retry-after': '5' }, cause: e },
    );
  }
  if (!result.ok) throw exhaustedError(plan, result, c);
  // the ticket lives as long as the response: it keeps no request body
  const { body: _body, ...kept } = plan;
  return new QuotaTicket(c.store!, result.reservation, result.states, kept, c.log, now);
}

/**
 * One admitted reservation and what became of its request. The pipeline tells it
 * how the exchange went (forwarding, answered, the usage read, the stream meter);
 * settle() charges it by the rule of ./usage.ts, once, whenever it is called.
 */
export class QuotaTicket {
  private exchange: Exchange = { kind: 'not_forwarded' };
  private meter: UsageMeter | undefined;
  private settling: Promise<void> | undefined;

  constructor(
    private readonly store: QuotaStore,
    readonly reservation: Reservation,
    /** where each counter stood right after the reservation (it counted as used) */
    readonly states: readonly QuotaState[],
    readonly plan: Omit<QuotaPlan, 'body'>,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /** RateLimit headers as of the reservation. */
  headers(): Record<string, string> {
    return rateLimitHeaders(this.states, this.plan.lines.map((l) => l.amount));
  }

  /** RateLimit headers as they stand once this request is settled on what is known now (what it gives back is left again). */
  settledHeaders(): Record<string, string> {
    const { actual } = this.settlement();
    const states = this.states.map((s, i) => ({ ...s, remaining: Math.min(s.limit, s.remaining + Math.max(0, this.plan.lines[i]!.amount - actual[i]!)) }));
    return rateLimitHeaders(states, this.plan.lines.map((l) => l.amount));
  }

  get settled(): boolean {
    return this.settling !== undefined;
  }

  /** The request is being sent upstream: from now on, a client that leaves has cost the upstream its prompt. */
  forwarding(): void {
    if (this.exchange.kind === 'not_forwarded') this.exchange = { kind: 'client_gone' };
  }

  /**
   * Forwarding or responding failed with `e`. The upstream's failures (unreachable,
   * timed out, an answer that could not be read or passed on: 5xx) give the
   * reservation back; a client that left is settled on what is known when its
   * response closes; a refusal of the policy's (a blocked response) is charged.
   */
  failed(e: unknown): void {
    if (e instanceof ClientGone || this.exchange.kind === 'not_forwarded') return;
    if (e instanceof ProxyError && e.status < 500) return;
    this.exchange = { kind: 'unreachable' };
  }

  /** The upstream answered with `status`; its body follows. */
  answered(status: number): void {
    this.exchange = { kind: 'answered', status, complete: false };
  }

  /** A response body read whole: its usage report and the proxy's count of its texts. */
  body(reported: ReturnType<ProtocolAdapter['usage']>, counted: number | undefined): void {
    if (this.exchange.kind !== 'answered') return;
    this.exchange = { ...this.exchange, complete: true, ...(reported ? { reported } : {}), ...(counted !== undefined ? { counted } : {}) };
  }

  /** A streamed response: the meter knows what it reported and delivered when it is over. */
  stream(meter: UsageMeter): void {
    this.meter = meter;
  }

  private settlement(): ReturnType<typeof settlement> {
    let x = this.exchange;
    if (x.kind === 'answered' && this.meter) {
      const m = this.meter;
      x = { ...x, reported: m.reported, complete: m.completed, counted: m.delivered() };
    }
    return settlement(this.plan.lines, this.plan.reserved, x);
  }

  /** Charges the reservation for what the exchange used, once; later calls return the same promise. Never rejects. */
  settle(): Promise<void> {
    this.settling ??= (async () => {
      let s;
      try {
        s = this.settlement();
        if (s.overrun > 0) {
          this.log.warn(
            { quotas: this.plan.lines.map((l) => l.name), reserved: this.plan.reserved.prompt + this.plan.reserved.completion, used: s.tokens, overrun: s.overrun },
            'the upstream reported more tokens than were reserved; the excess is not charged',
          );
        }
        await this.store.settle(this.reservation, s.actual, this.now());
        this.log.debug({ quotas: this.plan.lines.map((l) => l.name), reserved: this.plan.lines.map((l) => l.amount), charged: s.actual, exchange: this.exchange.kind }, 'quota settled');
      } catch (e) {
        // the response is gone already: the reservation stays charged in full (never an overshoot)
        const err = e as { code?: unknown; message?: unknown };
        this.log.error({ quotas: this.plan.lines.map((l) => l.name), code: err?.code, cause: err?.message }, 'quota settlement failed; the reservation stays charged in full');
      }
    })();
    return this.settling;
  }
}
