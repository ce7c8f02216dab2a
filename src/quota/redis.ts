import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { admission, byCounter, checkLines, checkNow, MAX_LISTED_COUNTERS, refusal, Settlements } from './lines.js';
import { NOW, RESERVE, SETTLE } from './redis-scripts.js';
import { QuotaStoreError, type QuotaLine, type QuotaState, type QuotaStore, type QuotaUnit, type Reservation, type ReserveResult } from './types.js';
import { charged, judge, stateOf, usedAt } from './window.js';

// Counters in Redis, so that many proxy replicas share one budget. Each reservation
// and each settlement is one Lua script (redis-scripts.ts), atomic across replicas.
//
// Keys: `{<prefix>}:c:<name>:<windowMs>:<key>`, name and key with `%` and `:` percent
// encoded. The braces are a cluster hash tag: every key of a prefix lives in one hash
// slot, so a script may touch all the counters of a request on a Redis Cluster too
// (the price: one shard carries all quota traffic of a prefix).
//
// Time: by default the scripts read Redis' own clock (TIME), so replicas whose clocks
// disagree still agree on the window; `clock: 'caller'` uses the nowMs passed in
// (deterministic tests, or one clock shared with the other stores).
//
// Failing fast: no offline queue (a command while disconnected fails at once), no
// retries of a command, bounded connect and command timeouts. The proxy turns the
// resulting QuotaStoreError('quota_store_unavailable') into a 503, or lets the request
// through when configured to.

export interface RedisQuotaStoreOptions {
  /** redis://[user:password@]host:port[/db] or rediss://… */
  url: string;
  /** namespace of the keys (default "railgate"); deployments sharing one Redis use different prefixes */
  prefix?: string;
  /** whose clock places charges in slots: Redis' (default) or the nowMs callers pass */
  clock?: 'redis' | 'caller';
  /** connect and command timeout, ms (default 1000) */
  timeoutMs?: number;
}

/** Redis errors that mean "not now" rather than "this script is wrong". */
const TRANSIENT_REPLY = /^(LOADING|BUSY|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|OOM|NOREPLICAS|MISCONF|NOAUTH|WRONGPASS|NOPERM)\b/;

export class RedisQuotaStore implements QuotaStore {
  readonly kind = 'redis' as const;
  readonly prefix: string;
  private readonly client: Redis;
  private readonly clock: 'redis' | 'caller';
  private readonly timeoutMs: number;
  /** host:port, never the credentials in the URL */
  private readonly where: string;
  private readonly settlements = new Settlements();
  private lastError: Error | undefined;
  private closed = false;

  constructor(opts: RedisQuotaStoreOptions) {
    this.prefix = opts.prefix ?? 'railgate';
    if (this.prefix === '' || this.prefix.length > 64 || /[{}\s]/.test(this.prefix)) {
      throw new QuotaStoreError('quota_store_error', `the Redis key prefix must be 1 to 64 characters without braces or spaces, got ${JSON.stringify(this.prefix.slice(0, 64))}`);
    }
    this.clock = opts.clock ?? 'redis';
    this.timeoutMs = opts.timeoutMs ?? 1000;
    this.where = describe(opts.url);
    this.client = new Redis(opts.url, {
      connectTimeout: this.timeoutMs,
      commandTimeout: this.timeoutMs,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // keep trying in the background; requests meanwhile fail fast
      retryStrategy: (times) => Math.min(times * 100, 2000),
      connectionName: 'railgate-quota',
    });
    // without a listener ioredis prints every connection error; we report them per call instead
    this.client.on('error', (e: Error) => {
      this.lastError = e;
    });
  }

  async reserve(lines: readonly QuotaLine[], nowMs: number): Promise<ReserveResult> {
    this.open();
    checkLines(lines);
    const now = checkNow(nowMs);
    if (lines.length === 0) return admission(lines, [], now);
    const args: string[] = [this.clock === 'caller' ? String(now) : ''];
    for (const l of lines) args.push(String(l.windowMs), String(l.limit), String(l.amount), l.unit);
    const reply = (await this.run(RESERVE, lines.map((l) => this.keyOf(l)), args, 'reserve quota')) as [number, number, ...Array<Array<string | number>>];
    const [admitted, at] = reply;
    const before = lines.map((_, i) => pairs(reply[2 + i] as Array<string | number>));
    const verdict = judge(lines, before, at);
    if (admitted === 1) return admission(lines, charged(lines, before, at), at);
    if (verdict.ok) throw new QuotaStoreError('quota_store_error', 'the Redis reserve script refused what window.ts admits: report this as a bug');
    return refusal(lines, before, at, verdict);
  }

  async settle(reservation: Reservation, actual: readonly number[], nowMs: number): Promise<void> {
    this.open();
    const now = checkNow(nowMs);
    const deltas = this.settlements.claim(reservation, actual);
    if (!deltas) return;
    const keys: string[] = [];
    const args: string[] = [this.clock === 'caller' ? String(now) : ''];
    reservation.lines.forEach((l, i) => {
      if (deltas[i] === 0) return;
      keys.push(this.keyOf(l));
      args.push(String(l.windowMs), String(reservation.slots[i]), String(deltas[i]));
    });
    if (keys.length === 0) return;
    await this.run(SETTLE, keys, args, 'settle quota');
  }

  async usage(nowMs: number, filter: { name?: string; key?: string } = {}): Promise<QuotaState[]> {
    this.open();
    let now = checkNow(nowMs);
    await this.ready('list quota usage');
    if (this.clock === 'redis') now = (await this.run(NOW, [], [], 'read the Redis clock')) as number;
    const base = `{${this.prefix}}:c:`;
    const pattern = `${glob(base)}${filter.name !== undefined ? `${glob(encode(filter.name))}:` : ''}*${filter.key !== undefined ? `:${glob(encode(filter.key))}` : ''}`;
    const keys: string[] = [];
    let cursor = '0';
    try {
      do {
        const [next, found] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        keys.push(...found);
      } while (cursor !== '0' && keys.length < MAX_LISTED_COUNTERS);
    } catch (e) {
      throw this.failure(e, 'list quota usage');
    }
    const out: QuotaState[] = [];
    for (let i = 0; i < keys.length && i < MAX_LISTED_COUNTERS; i += 500) {
      const batch = keys.slice(i, Math.min(i + 500, MAX_LISTED_COUNTERS));
      let hashes: Array<[Error | null, unknown]> | null;
      try {
        hashes = await batch.reduce((p, k) => p.hgetall(k), this.client.pipeline()).exec();
      } catch (e) {
        throw this.failure(e, 'list quota usage');
      }
      batch.forEach((k, j) => {
        const [err, h] = hashes?.[j] ?? [null, {}];
        const id = parseKey(k, base);
        if (err || !id) return;
        const fields = h as Record<string, string>;
        const slots = new Map<number, number>();
        for (const [f, v] of Object.entries(fields)) if (!f.startsWith('_')) slots.set(Number(f), Number(v));
        const unit: QuotaUnit = fields['_u'] === 'requests' ? 'requests' : 'tokens';
        const info = { ...id, limit: Number(fields['_l'] ?? 0), unit };
        if (filter.name !== undefined && info.name !== filter.name) return;
        if (filter.key !== undefined && info.key !== filter.key) return;
        if (usedAt(slots, now, info.windowMs) > 0) out.push(stateOf(info, slots, now));
      });
    }
    return out.sort(byCounter);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.client.status === 'ready') {
      try {
        await this.client.quit();
        return;
      } catch {
        // fall through: drop the connection
      }
    }
    this.client.disconnect();
  }

  /** The Redis key of a line's counter. */
  keyOf(l: { name: string; windowMs: number; key: string }): string {
    return `{${this.prefix}}:c:${encode(l.name)}:${l.windowMs}:${encode(l.key)}`;
  }

  private open(): void {
    if (this.closed) throw new QuotaStoreError('quota_store_unavailable', `the Redis quota store (${this.where}) is closed`);
  }

  /** EVALSHA, loading the script on NOSCRIPT (first use, or after Redis restarted). */
  private async run(script: string, keys: string[], args: string[], what: string): Promise<unknown> {
    await this.ready(what);
    const sha = sha1(script);
    try {
      try {
        return await this.client.evalsha(sha, keys.length, ...keys, ...args);
      } catch (e) {
        if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
        return await this.client.eval(script, keys.length, ...keys, ...args);
      }
    } catch (e) {
      throw this.failure(e, what);
    }
  }

  /** Waits (bounded) for the first connection; fails at once while reconnecting. */
  private async ready(what: string): Promise<void> {
    const c = this.client;
    if (c.status === 'ready') return;
    if (c.status !== 'wait' && c.status !== 'connecting' && c.status !== 'connect') {
      throw this.unavailable(what, this.lastError ? `not connected (${this.lastError.message})` : `not connected (${c.status})`);
    }
    if (c.status === 'wait') c.connect().catch(() => undefined);
    await new Promise<void>((resolve, reject) => {
      const done = (err?: Error): void => {
        clearTimeout(timer);
        c.off('ready', onReady);
        c.off('error', onError);
        c.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onReady = (): void => done();
      const onError = (e: Error): void => done(this.unavailable(what, e.message));
      const onClose = (): void => done(this.unavailable(what, this.lastError?.message ?? 'connection closed'));
      const timer = setTimeout(() => done(this.unavailable(what, `no connection within ${this.timeoutMs} ms`)), this.timeoutMs);
      c.once('ready', onReady);
      c.once('error', onError);
      c.once('close', onClose);
    });
  }

  private unavailable(what: string, why: string, cause?: unknown): QuotaStoreError {
    return new QuotaStoreError('quota_store_unavailable', `cannot ${what}: Redis at ${this.where} is unavailable: ${why}`, { cause });
  }

  private failure(e: unknown, what: string): QuotaStoreError {
    if (e instanceof QuotaStoreError) return e;
    const message = e instanceof Error ? e.message : String(e);
    const isReply = e instanceof Error && e.name === 'ReplyError';
    if (isReply && !TRANSIENT_REPLY.test(message)) return new QuotaStoreError('quota_store_error', `cannot ${what}: Redis at ${this.where} answered: ${message}`, { cause: e });
    return this.unavailable(what, message, e);
  }
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** `%` and `:` percent-encoded, so that `:` only ever separates a key's parts. */
function encode(s: string): string {
  return s.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));
}

function decode(s: string): string {
  return s.replace(/%(25|3A)/g, (_, hex: string) => (hex === '25' ? '%' : ':'));
}

/** A literal for SCAN's MATCH. */
function glob(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

function parseKey(k: string, base: string): { name: string; windowMs: number; key: string } | undefined {
  if (!k.startsWith(base)) return undefined;
  const parts = k.slice(base.length).split(':');
  if (parts.length !== 3) return undefined;
  const windowMs = Number(parts[1]);
  if (!Number.isSafeInteger(windowMs)) return undefined;
  return { name: decode(parts[0]!), windowMs, key: decode(parts[2]!) };
}

/** slot, used, slot, used, … → a Map. */
function pairs(flat: Array<string | number>): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i + 1 < flat.length; i += 2) m.set(Number(flat[i]), Number(flat[i + 1]));
  return m;
}

/** host:port of a Redis URL, for messages (never the password). */
function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return '(unparsable URL)';
  }
}
