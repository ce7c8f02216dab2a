import { readFile } from 'node:fs/promises';
import { Agent } from 'undici';
import { activateBundle, type ActiveBundle } from './activate.js';
import { maxInflatedBytes, resolveLimits, type ArchiveLimits } from './archive.js';
import { DEFAULT_HTTP_POLLING, DEFAULT_LOCAL_POLLING, nextDelay, resolvePolling, type PollingSettings } from './backoff.js';
import { DownloadAborted, downloadBundle } from './download.js';
import { BundleError, type BundleErrorCode } from './errors.js';
import { fingerprintLocal } from './local.js';
import { loadPersisted, savePersisted, sha256Hex } from './persist.js';
import { readBundle, readBundleDir } from './read.js';
import type { VerifyOptions } from './signing.js';
import { parseSource, type BundleSource } from './source.js';
import type { Bundle } from './types.js';

// The gateway's bundle client: the imperative shell around download, read (verify),
// activate. One poll is download → verify → compile → swap → persist; the swap is a
// single assignment of an immutable ActiveBundle, so a request that read `active`
// before the swap finishes on the revision it started with. Any failure leaves the
// active bundle as it was and is recorded as the last error. Timers, the HTTP agent
// and the in-flight download all belong to the client and end with stop().
//
// An ETag is remembered only once its bundle is active: a bundle that fails to
// verify or compile is downloaded again on the next (backed-off) poll, never hidden
// behind a 304. The failure may be ours (a rotated key, a limit) or a transient one
// (a cut-short body), and the server may fix it under the same ETag.

export type ActivationSource = 'download' | 'persisted' | 'file';
export type PollStage = 'startup' | 'download' | 'read' | 'activate' | 'persist';

export type BundleEvent =
  | { type: 'activated'; revision: string; source: ActivationSource; at: Date }
  /** `etag`: the server said 304; `same_bytes`: the download is the active archive; `unchanged`: a local file's size and mtime are as before */
  | { type: 'not_modified'; revision: string | undefined; reason: 'etag' | 'same_bytes' | 'unchanged'; at: Date }
  | { type: 'error'; stage: PollStage; error: BundleError; at: Date }
  | { type: 'persisted'; revision: string; path: string; at: Date }
  /** the next poll is due in delayMs (after a success) */
  | { type: 'scheduled'; delayMs: number; at: Date }
  /** the next poll is due in delayMs after `failures` failures in a row */
  | { type: 'backoff'; delayMs: number; failures: number; at: Date };

export type PollOutcome =
  | { status: 'activated'; revision: string; delayMs: number; /** the bundle is active but could not be persisted */ warning?: BundleError }
  | { status: 'not_modified'; revision: string | undefined; delayMs: number }
  | { status: 'error'; error: BundleError; delayMs: number }
  /** the client was stopped before or during the poll */
  | { status: 'stopped' };

export interface BundleStatus {
  /** the source without credentials or query string */
  source: string;
  source_kind: 'http' | 'local';
  active_revision?: string;
  /** who signed the active bundle, when it was signed */
  active_signer?: { key_id: string; alg: string };
  /** the ETag sent as If-None-Match on the next poll */
  etag?: string;
  last_request?: string;
  /** a 200 or a 304 */
  last_successful_request?: string;
  last_successful_download?: string;
  last_successful_activation?: string;
  /** the most recent error; it stays after a success: compare `at` and consecutive_failures */
  last_error?: { code: BundleErrorCode; message: string; stage: PollStage; at: string; file?: string; hint?: string };
  /** polls that failed since the last success; 0 when healthy */
  consecutive_failures: number;
  next_poll_at?: string;
}

export interface BundleClientOptions {
  /** http(s) URL of a bundle archive, or a local .tar.gz file or bundle directory (development) */
  source: string;
  /** when set, a bundle must carry a signature that verifies with this key (downloaded and persisted alike) */
  verification?: VerifyOptions;
  limits?: Partial<ArchiveLimits>;
  /** directory where the last good archive is persisted and read at start-up (HTTP sources) */
  persistDir?: string;
  /**
   * milliseconds. HTTP defaults (OPA's): poll every 60–120 s, back off from 1 s up
   * to 120 s, 30 s per download. Local sources poll every 1–2 s, back off up to 10 s.
   */
  polling?: Partial<PollingSettings>;
  /** extra request headers for the bundle server (e.g. Authorization); never logged, never sent to another origin */
  headers?: Record<string, string>;
  /** the jitter's randomness, [0, 1); Math.random by default */
  random?: () => number;
  onEvent?: (e: BundleEvent) => void;
}

/** A poll that went well, before the next delay is chosen. */
type Settled =
  | { status: 'activated'; revision: string; warning?: BundleError }
  | { status: 'not_modified'; revision: string | undefined };

/** Connecting may take at most this long (or the download timeout, if shorter). */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The most bytes a gzip stream of a bundle within `limits` can have: what it inflates
 * to at most, plus deflate's worst case for incompressible data (5 bytes per stored
 * block of 65535) and the gzip header and trailer.
 */
export function maxArchiveBytes(limits: ArchiveLimits): number {
  const inflated = maxInflatedBytes(limits);
  return inflated + Math.ceil(inflated / 65_535) * 5 + 1024;
}

function asBundleError(e: unknown, stage: PollStage): BundleError {
  if (e instanceof BundleError) return e;
  const code: BundleErrorCode =
    stage === 'download' ? 'bundle_download_error' : stage === 'activate' ? 'bundle_policy_error' : stage === 'read' ? 'bundle_archive_error' : 'bundle_io_error';
  const message = e instanceof Error ? e.message : String(e);
  return new BundleError(code, `${stage} failed: ${message}`, { cause: e });
}

class Stopped extends Error {}

export class BundleClient {
  private readonly source: BundleSource;
  private readonly settings: PollingSettings;
  private readonly limits: ArchiveLimits;
  private readonly maxBytes: number;
  private readonly random: () => number;
  private readonly abort = new AbortController();
  private agent: Agent | undefined;

  private current: ActiveBundle | undefined;
  /** SHA-256 of the active archive: identical bytes under a new ETag are not compiled again */
  private currentDigest: string | undefined;
  private etag: string | undefined;
  /** of the local file or directory the active bundle was read from */
  private localFingerprint: string | undefined;

  private inFlight: Promise<PollOutcome> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;

  private failures = 0;
  private lastRequest: Date | undefined;
  private lastSuccessfulRequest: Date | undefined;
  private lastSuccessfulDownload: Date | undefined;
  private lastSuccessfulActivation: Date | undefined;
  private lastError: { error: BundleError; stage: PollStage; at: Date } | undefined;
  private nextPollAt: Date | undefined;

  /** Throws BundleError for a source it cannot use and RangeError for bad polling settings or limits. */
  constructor(private readonly opts: BundleClientOptions) {
    this.source = parseSource(opts.source);
    this.settings = resolvePolling(opts.polling, this.source.kind === 'http' ? DEFAULT_HTTP_POLLING : DEFAULT_LOCAL_POLLING);
    this.limits = resolveLimits(opts.limits);
    this.maxBytes = maxArchiveBytes(this.limits);
    this.random = opts.random ?? Math.random;
  }

  /** The active revision's ActiveBundle, or undefined: read it once per request. */
  get active(): ActiveBundle | undefined {
    return this.current;
  }

  /**
   * Activates the persisted bundle (if any), polls once (awaited), then keeps polling
   * on the timer until stop() — unless `keepPolling` is false (`bundle watch --once`).
   * Never rejects because the server is down or a bundle is bad: see status() and
   * the events. Rejects only when called twice or after stop().
   */
  async start(opts: { keepPolling?: boolean } = {}): Promise<PollOutcome> {
    if (this.started || this.stopped) throw new Error('BundleClient.start() may be called once, before stop()');
    this.started = true;
    if (this.opts.persistDir !== undefined && this.source.kind === 'http') await this.activatePersisted(this.opts.persistDir);
    const outcome = await this.poll();
    if (outcome.status !== 'stopped' && opts.keepPolling !== false) this.schedule(outcome.delayMs);
    return outcome;
  }

  /** Cancels the timer and any in-flight download; resolves when nothing of the client is left running. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.nextPollAt = undefined;
    this.abort.abort();
    await this.inFlight;
    const agent = this.agent;
    this.agent = undefined;
    await agent?.destroy();
  }

  /** One poll now. Concurrent calls share the poll in flight. Never rejects. */
  poll(): Promise<PollOutcome> {
    if (this.stopped) return Promise.resolve({ status: 'stopped' });
    this.inFlight ??= this.pollNow().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  status(): BundleStatus {
    const iso = (d: Date | undefined): string | undefined => d?.toISOString();
    const signer = this.current?.bundle.signer;
    const s: BundleStatus = {
      source: this.source.display,
      source_kind: this.source.kind,
      ...(this.current ? { active_revision: this.current.revision } : {}),
      ...(signer ? { active_signer: { key_id: signer.keyId, alg: signer.alg } } : {}),
      ...(this.etag !== undefined ? { etag: this.etag } : {}),
      consecutive_failures: this.failures,
    };
    const times = {
      last_request: iso(this.lastRequest),
      last_successful_request: iso(this.lastSuccessfulRequest),
      last_successful_download: iso(this.lastSuccessfulDownload),
      last_successful_activation: iso(this.lastSuccessfulActivation),
      next_poll_at: iso(this.nextPollAt),
    };
    for (const [k, v] of Object.entries(times)) if (v !== undefined) (s as unknown as Record<string, string>)[k] = v;
    if (this.lastError) {
      const { error, stage, at } = this.lastError;
      s.last_error = {
        code: error.code,
        message: error.message,
        stage,
        at: at.toISOString(),
        ...(error.file !== undefined ? { file: error.file } : {}),
        ...(error.hint !== undefined ? { hint: error.hint } : {}),
      };
    }
    return s;
  }

  // ── internals ──────────────────────────────────────────────────────────────

  private emit(e: BundleEvent): void {
    try {
      this.opts.onEvent?.(e);
    } catch {
      // a listener that throws must not stop the client from serving and polling
    }
  }

  private recordError(stage: PollStage, e: unknown): BundleError {
    const error = asBundleError(e, stage);
    const at = new Date();
    this.lastError = { error, stage, at };
    this.emit({ type: 'error', stage, error, at });
    return error;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const at = new Date();
    this.nextPollAt = new Date(at.getTime() + delayMs);
    this.emit(this.failures > 0 ? { type: 'backoff', delayMs, failures: this.failures, at } : { type: 'scheduled', delayMs, at });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.nextPollAt = undefined;
      void this.poll().then((o) => {
        if (o.status !== 'stopped') this.schedule(o.delayMs);
      });
    }, delayMs);
  }

  private delay(): number {
    return nextDelay(this.settings, this.failures, this.random);
  }

  private readOptions(): { verification?: VerifyOptions; limits: ArchiveLimits } {
    return { ...(this.opts.verification ? { verification: this.opts.verification } : {}), limits: this.limits };
  }

  /** The swap: one assignment. Everything else about the revision is already built. */
  private swap(active: ActiveBundle, source: ActivationSource): void {
    this.current = active;
    this.lastSuccessfulActivation = active.activatedAt;
    this.emit({ type: 'activated', revision: active.revision, source, at: active.activatedAt });
  }

  /** Start-up: the persisted archive, verified like a download; a bad one is reported and ignored. */
  private async activatePersisted(dir: string): Promise<void> {
    try {
      const p = await loadPersisted(dir, this.maxBytes);
      if (!p) return;
      if (p.meta && p.meta.source !== this.source.key) {
        throw new BundleError('bundle_io_error', `the persisted bundle ${p.path} came from ${p.meta.source}, not ${this.source.key}; ignored`, {
          file: p.path,
          hint: 'give each bundle source its own persist directory',
        });
      }
      let bundle: Bundle;
      try {
        bundle = await readBundle(p.bytes, this.readOptions());
      } catch (e) {
        throw withContext(e, `the persisted bundle ${p.path}`);
      }
      const active = await activateBundle(bundle);
      if (this.stopped) return;
      this.currentDigest = sha256Hex(p.bytes);
      this.etag = p.meta?.etag;
      this.swap(active, 'persisted');
    } catch (e) {
      this.recordError('startup', e);
    }
  }

  private async pollNow(): Promise<PollOutcome> {
    this.lastRequest = new Date();
    try {
      const r = this.source.kind === 'http' ? await this.pollHTTP(this.source.url) : await this.pollLocal(this.source.path);
      this.failures = 0;
      return { ...r, delayMs: this.delay() };
    } catch (e) {
      if (e instanceof Stopped || this.stopped) return { status: 'stopped' };
      const { stage, cause } = e instanceof StageError ? e : { stage: 'download' as const, cause: e };
      const error = this.recordError(stage, cause);
      this.failures++;
      return { status: 'error', error, delayMs: this.delay() };
    }
  }

  private dispatcher(): Agent {
    this.agent ??= new Agent({
      connect: { timeout: Math.min(this.settings.timeoutMs, CONNECT_TIMEOUT_MS) },
      headersTimeout: this.settings.timeoutMs,
      bodyTimeout: this.settings.timeoutMs,
    });
    return this.agent;
  }

  private async pollHTTP(url: URL): Promise<Settled> {
    const r = await stage('download', () =>
      downloadBundle({
        url,
        ...(this.etag !== undefined ? { etag: this.etag } : {}),
        ...(this.opts.headers ? { headers: this.opts.headers } : {}),
        timeoutMs: this.settings.timeoutMs,
        maxBytes: this.maxBytes,
        signal: this.abort.signal,
        dispatcher: this.dispatcher(),
      }),
    );
    const now = new Date();
    this.lastSuccessfulRequest = now;
    const revision = this.current?.revision;
    if (r.status === 'not_modified') {
      this.emit({ type: 'not_modified', revision, reason: 'etag', at: now });
      return { status: 'not_modified', revision };
    }
    this.lastSuccessfulDownload = now;
    const digest = sha256Hex(r.bytes);
    if (this.current && digest === this.currentDigest) {
      // the bytes already verified and compiled: only the ETag is new
      this.etag = r.etag;
      this.emit({ type: 'not_modified', revision, reason: 'same_bytes', at: now });
      return { status: 'not_modified', revision };
    }
    const bundle = await stage('read', () => readBundle(r.bytes, this.readOptions()));
    const active = await stage('activate', () => activateBundle(bundle));
    if (this.stopped) throw new Stopped();
    this.swap(active, 'download');
    this.etag = r.etag;
    this.currentDigest = digest;
    const warning = this.opts.persistDir !== undefined ? await this.persist(this.opts.persistDir, r.bytes, active.revision, r.etag) : undefined;
    return { status: 'activated', revision: active.revision, ...(warning ? { warning } : {}) };
  }

  /** Persisting is after the swap: a full disk costs the restart, not the new revision. */
  private async persist(dir: string, bytes: Uint8Array, revision: string, etag: string | undefined): Promise<BundleError | undefined> {
    try {
      await savePersisted(dir, bytes, {
        revision,
        ...(etag !== undefined ? { etag } : {}),
        saved_at: new Date().toISOString(),
        source: this.source.key,
      });
      this.emit({ type: 'persisted', revision, path: dir, at: new Date() });
      return undefined;
    } catch (e) {
      return this.recordError('persist', e);
    }
  }

  private async pollLocal(path: string): Promise<Settled> {
    const fp = await stage('read', () => fingerprintLocal(path));
    const now = new Date();
    this.lastSuccessfulRequest = now;
    const revision = this.current?.revision;
    if (this.current && fp.fingerprint === this.localFingerprint) {
      this.emit({ type: 'not_modified', revision, reason: 'unchanged', at: now });
      return { status: 'not_modified', revision };
    }
    const bundle = await stage('read', async () => {
      if (fp.kind === 'directory') return readBundleDir(path, this.readOptions());
      if (fp.size > this.maxBytes) {
        throw new BundleError('bundle_too_large', `${path} is ${fp.size} bytes, more than the limit of ${this.maxBytes}`, {
          file: path,
          hint: 'make the bundle smaller, or raise the archive size limits',
        });
      }
      return readBundle(new Uint8Array(await readFile(path)), this.readOptions());
    });
    this.lastSuccessfulDownload = now;
    const active = await stage('activate', () => activateBundle(bundle));
    if (this.stopped) throw new Stopped();
    this.swap(active, 'file');
    this.localFingerprint = fp.fingerprint;
    return { status: 'activated', revision: active.revision };
  }
}

/** Carries the stage a failure happened in up to pollNow, which records it. */
class StageError extends Error {
  constructor(
    readonly stage: PollStage,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

async function stage<T>(name: PollStage, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof DownloadAborted || e instanceof Stopped) throw new Stopped();
    throw new StageError(name, e);
  }
}

/** The same error, its message saying which copy of the bundle it was about. */
function withContext(e: unknown, what: string): unknown {
  if (!(e instanceof BundleError)) return e;
  return new BundleError(e.code, `${what}: ${e.message}`, {
    ...(e.file !== undefined ? { file: e.file } : {}),
    ...(e.hint !== undefined ? { hint: e.hint } : {}),
    cause: e,
  });
}
