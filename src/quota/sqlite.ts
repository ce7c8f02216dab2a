import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { admission, byCounter, checkLines, checkNow, MAX_LISTED_COUNTERS, refusal, Settlements } from './lines.js';
import { QuotaStoreError, type QuotaLine, type QuotaState, type QuotaStore, type QuotaUnit, type Reservation, type ReserveResult } from './types.js';
import { charged, counterId, expiresAt, judge, oldestSlot, slotAt, stateOf, usedAt } from './window.js';

// Counters in an embedded SQLite file: the default store, which survives restarts
// and can be shared by several processes on one machine. WAL mode lets readers
// (listings) run beside the writer; every reservation is one IMMEDIATE transaction
// (the write lock is taken up front, so two processes serialise instead of both
// reading the old usage), and busy_timeout makes a process wait its turn instead of
// failing. better-sqlite3 is synchronous, so a transaction is never interleaved with
// other work of this process either.
//
// Tables are prefixed quota_ because the same file may hold other state.

type DB = Database.Database;

export interface SqliteQuotaStoreOptions {
  /** how long a process waits for another one's write lock before giving up (quota_store_unavailable); default 5000 */
  busyTimeoutMs?: number;
}

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS quota_schema (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS quota_counters (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL,
  window_ms   INTEGER NOT NULL,
  key         TEXT    NOT NULL,
  limit_value INTEGER NOT NULL,
  unit        TEXT    NOT NULL,
  -- when the newest charged slot leaves the window: after it the counter is empty
  expires_ms  INTEGER NOT NULL,
  UNIQUE (name, window_ms, key)
);
CREATE INDEX IF NOT EXISTS quota_counters_expiry ON quota_counters (expires_ms);
CREATE TABLE IF NOT EXISTS quota_slots (
  counter_id INTEGER NOT NULL REFERENCES quota_counters (id) ON DELETE CASCADE,
  slot       INTEGER NOT NULL,
  used       INTEGER NOT NULL,
  PRIMARY KEY (counter_id, slot)
) WITHOUT ROWID;
`;

/** Every this many reservations, a bounded batch of empty counters is deleted. */
const PRUNE_EVERY = 64;
const PRUNE_BATCH = 500;

interface CounterRow {
  id: number;
  name: string;
  window_ms: number;
  key: string;
  limit_value: number;
  unit: QuotaUnit;
  slot: number;
  used: number;
}

export class SqliteQuotaStore implements QuotaStore {
  readonly kind = 'sqlite' as const;
  private readonly db: DB;
  private readonly settlements = new Settlements();
  private reservations = 0;
  private closed = false;
  private readonly stmt: ReturnType<SqliteQuotaStore['prepare']>;
  private readonly reserveTx: (lines: readonly QuotaLine[], now: number) => ReserveResult;
  private readonly settleTx: (reservation: Reservation, deltas: number[], now: number) => void;

  constructor(
    readonly path: string,
    opts: SqliteQuotaStoreOptions = {},
  ) {
    const timeout = opts.busyTimeoutMs ?? 5000;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path, { timeout });
      this.db.pragma('journal_mode = WAL');
      // WAL + NORMAL: a commit is durable against a crash of the process, and only the
      // last commits can be lost on power loss; worth it for a write per request
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
      this.db.transaction(() => this.migrate()).immediate();
    } catch (e) {
      const err = storeError(e, `cannot open the quota database ${path}`);
      // whatever the cause, without its database the store cannot count
      throw err.code === 'quota_store_error' && !(e instanceof QuotaStoreError) ? new QuotaStoreError('quota_store_unavailable', err.message, { cause: e }) : err;
    }
    this.stmt = this.prepare();
    const reserve = this.db.transaction((lines: readonly QuotaLine[], now: number) => this.reserveIn(lines, now));
    const settle = this.db.transaction((r: Reservation, deltas: number[], now: number) => this.settleIn(r, deltas, now));
    this.reserveTx = (lines, now) => reserve.immediate(lines, now);
    this.settleTx = (r, deltas, now) => settle.immediate(r, deltas, now);
  }

  private migrate(): void {
    this.db.exec(SCHEMA);
    const row = this.db.prepare('SELECT version FROM quota_schema').get() as { version: number } | undefined;
    if (row === undefined) this.db.prepare('INSERT INTO quota_schema (version) VALUES (?)').run(SCHEMA_VERSION);
    else if (row.version !== SCHEMA_VERSION) {
      throw new QuotaStoreError('quota_store_error', `the quota tables have schema version ${row.version}; this railgate reads version ${SCHEMA_VERSION}`);
    }
  }

  private prepare() {
    const db = this.db;
    return {
      counter: db.prepare<[string, number, string], { id: number }>('SELECT id FROM quota_counters WHERE name = ? AND window_ms = ? AND key = ?'),
      slots: db.prepare<[number, number], { slot: number; used: number }>('SELECT slot, used FROM quota_slots WHERE counter_id = ? AND slot >= ?'),
      dropOld: db.prepare<[number, number]>('DELETE FROM quota_slots WHERE counter_id = ? AND slot < ?'),
      upsertCounter: db.prepare<[string, number, string, number, string, number], { id: number }>(
        `INSERT INTO quota_counters (name, window_ms, key, limit_value, unit, expires_ms) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (name, window_ms, key) DO UPDATE SET limit_value = excluded.limit_value, unit = excluded.unit,
           expires_ms = max(expires_ms, excluded.expires_ms)
         RETURNING id`,
      ),
      charge: db.prepare<[number, number, number]>(
        'INSERT INTO quota_slots (counter_id, slot, used) VALUES (?, ?, ?) ON CONFLICT (counter_id, slot) DO UPDATE SET used = used + excluded.used',
      ),
      refund: db.prepare<[number, number, number]>('UPDATE quota_slots SET used = max(0, used + ?) WHERE counter_id = ? AND slot = ?'),
      dropEmpty: db.prepare<[number, number]>('DELETE FROM quota_slots WHERE counter_id = ? AND slot = ? AND used <= 0'),
      pruneCounters: db.prepare<[number, number]>(
        'DELETE FROM quota_counters WHERE id IN (SELECT id FROM quota_counters WHERE expires_ms <= ? LIMIT ?)',
      ),
      list: db.prepare<[{ now: number; name: string | null; key: string | null; max: number }], CounterRow>(
        `SELECT c.id, c.name, c.window_ms, c.key, c.limit_value, c.unit, s.slot, s.used
         FROM (SELECT * FROM quota_counters
               WHERE expires_ms > @now AND (@name IS NULL OR name = @name) AND (@key IS NULL OR key = @key)
                 AND EXISTS (SELECT 1 FROM quota_slots WHERE counter_id = quota_counters.id)
               ORDER BY name, window_ms, key LIMIT @max) AS c
         JOIN quota_slots AS s ON s.counter_id = c.id`,
      ),
    };
  }

  async reserve(lines: readonly QuotaLine[], nowMs: number): Promise<ReserveResult> {
    this.open();
    checkLines(lines);
    const now = checkNow(nowMs);
    try {
      return this.reserveTx(lines, now);
    } catch (e) {
      throw storeError(e, 'cannot reserve quota');
    }
  }

  private reserveIn(lines: readonly QuotaLine[], now: number): ReserveResult {
    const s = this.stmt;
    if (++this.reservations % PRUNE_EVERY === 0) s.pruneCounters.run(now, PRUNE_BATCH);
    const ids = new Map<string, number | undefined>();
    const before = new Map<string, Map<number, number>>();
    for (const l of lines) {
      const cid = counterId(l);
      if (before.has(cid)) continue;
      const id = s.counter.get(l.name, l.windowMs, l.key)?.id;
      ids.set(cid, id);
      const slots = new Map<number, number>();
      if (id !== undefined) {
        const oldest = oldestSlot(now, l.windowMs);
        s.dropOld.run(id, oldest);
        for (const r of s.slots.all(id, oldest)) slots.set(r.slot, r.used);
      }
      before.set(cid, slots);
    }
    const snapshot = lines.map((l) => before.get(counterId(l))!);
    const verdict = judge(lines, snapshot, now);
    if (!verdict.ok) return refusal(lines, snapshot, now, verdict);
    const after = charged(lines, snapshot, now);
    lines.forEach((l, i) => {
      if (l.amount === 0) return;
      const { id } = s.upsertCounter.get(l.name, l.windowMs, l.key, l.limit, l.unit, expiresAt(after[i]!, l.windowMs))!;
      s.charge.run(id, slotAt(now, l.windowMs), l.amount);
    });
    return admission(lines, after, now);
  }

  async settle(reservation: Reservation, actual: readonly number[], nowMs: number): Promise<void> {
    this.open();
    const now = checkNow(nowMs);
    const deltas = this.settlements.claim(reservation, actual);
    if (!deltas || deltas.every((d) => d === 0)) return;
    try {
      this.settleTx(reservation, deltas, now);
    } catch (e) {
      throw storeError(e, 'cannot settle quota');
    }
  }

  private settleIn(reservation: Reservation, deltas: number[], now: number): void {
    const s = this.stmt;
    reservation.lines.forEach((l, i) => {
      const slot = reservation.slots[i]!;
      // a slot that left the window is no longer counted: nothing to give back
      if (deltas[i] === 0 || slot < oldestSlot(now, l.windowMs)) return;
      const id = s.counter.get(l.name, l.windowMs, l.key)?.id;
      if (id === undefined) return;
      s.refund.run(deltas[i]!, id, slot);
      s.dropEmpty.run(id, slot);
    });
  }

  async usage(nowMs: number, filter: { name?: string; key?: string } = {}): Promise<QuotaState[]> {
    this.open();
    const now = checkNow(nowMs);
    let rows: CounterRow[];
    try {
      rows = this.stmt.list.all({ now, name: filter.name ?? null, key: filter.key ?? null, max: MAX_LISTED_COUNTERS });
    } catch (e) {
      throw storeError(e, 'cannot list quota usage');
    }
    const counters = new Map<number, { row: CounterRow; slots: Map<number, number> }>();
    for (const r of rows) {
      let c = counters.get(r.id);
      if (!c) counters.set(r.id, (c = { row: r, slots: new Map() }));
      c.slots.set(r.slot, r.used);
    }
    const out: QuotaState[] = [];
    for (const { row, slots } of counters.values()) {
      const info = { name: row.name, key: row.key, windowMs: row.window_ms, limit: row.limit_value, unit: row.unit };
      if (usedAt(slots, now, info.windowMs) > 0) out.push(stateOf(info, slots, now));
    }
    return out.sort(byCounter);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private open(): void {
    if (this.closed) throw new QuotaStoreError('quota_store_unavailable', `the quota database ${this.path} is closed`);
  }
}

/** SQLITE_BUSY / SQLITE_LOCKED (another process held the lock past busy_timeout), a full disk, an unreadable file: the store is unavailable. */
function storeError(e: unknown, what: string): QuotaStoreError {
  if (e instanceof QuotaStoreError) return e;
  const code = (e as { code?: unknown }).code;
  const text = e instanceof Error ? e.message : String(e);
  const unavailable =
    typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY|NOTADB|CORRUPT|PERM|AUTH)/.test(code);
  return new QuotaStoreError(unavailable ? 'quota_store_unavailable' : 'quota_store_error', `${what}: ${text}`, { cause: e });
}
