import { BundleClient, type BundleEvent } from '../../bundle/client.js';
import { BundleError, formatBundleError } from '../../bundle/errors.js';
import { readKeyArg, type SigningAlg } from '../../bundle/keys.js';
import type { VerifyOptions } from '../../bundle/signing.js';
import { EXIT_ERROR, EXIT_FAIL, EXIT_OK, UsageError, type CliIO } from '../io.js';

// `railgate bundle watch <url|path>`: the bundle client on its own, as the proxy
// runs it, printing one line per event. It runs until SIGINT/SIGTERM (exit 0), or
// with --once polls once and says by its exit code whether a bundle is active.

export interface WatchOptions {
  verificationKey?: string;
  signingAlg?: SigningAlg;
  keyId?: string;
  scope?: string;
  persistDir?: string;
  minDelay?: number;
  maxDelay?: number;
  timeout?: number;
  /** `Name: value`, repeatable */
  header: string[];
  once: boolean;
  format: 'text' | 'json';
}

/** Resolves when the process is asked to stop (SIGINT, SIGTERM), with the signal's name. */
export function processStopSignal(): { promise: Promise<string>; dispose: () => void } {
  let dispose = (): void => undefined;
  const promise = new Promise<string>((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      dispose();
      resolve(sig);
    };
    const onInt = (): void => on('SIGINT');
    const onTerm = (): void => on('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    dispose = () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
  });
  return { promise, dispose };
}

function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    const name = i > 0 ? line.slice(0, i).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      // the value may be a credential: never echo the line
      throw new UsageError('--header must be "Name: value" with a valid header name', 'e.g. --header "Authorization: Bearer $TOKEN"');
    }
    headers[name.toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

function textLine(e: BundleEvent): string | undefined {
  switch (e.type) {
    case 'activated':
      return `activated revision ${JSON.stringify(e.revision)} from ${e.source === 'persisted' ? 'the persisted bundle' : e.source}`;
    case 'not_modified':
      return `not modified (${e.reason === 'etag' ? 'ETag matches' : e.reason === 'same_bytes' ? 'same archive' : 'unchanged'}${
        e.revision !== undefined ? `, revision ${JSON.stringify(e.revision)}` : ''
      })`;
    case 'error':
      return `error: ${formatBundleError(e.error)}`;
    case 'persisted':
      return `persisted revision ${JSON.stringify(e.revision)} to ${e.path}`;
    case 'backoff':
      return `backing off ${e.delayMs} ms (${e.failures} failure${e.failures === 1 ? '' : 's'} in a row)`;
    case 'scheduled':
      return undefined;
  }
}

function jsonLine(e: BundleEvent): string {
  const { type, at, ...rest } = e;
  const fields: Record<string, unknown> = { event: type, at: at.toISOString() };
  for (const [k, v] of Object.entries(rest)) {
    if (v instanceof BundleError) {
      fields['code'] = v.code;
      fields['message'] = v.message;
      if (v.file !== undefined) fields['file'] = v.file;
      if (v.hint !== undefined) fields['hint'] = v.hint;
    } else {
      fields[k === 'delayMs' ? 'delay_ms' : k] = v;
    }
  }
  return JSON.stringify(fields);
}

async function verificationOptions(o: WatchOptions): Promise<VerifyOptions | undefined> {
  if (o.verificationKey === undefined) return undefined;
  return {
    key: await readKeyArg(o.verificationKey, { ...(o.signingAlg ? { alg: o.signingAlg } : {}), flag: '--verification-key' }),
    ...(o.signingAlg ? { alg: o.signingAlg } : {}),
    ...(o.keyId !== undefined ? { keyId: o.keyId } : {}),
    ...(o.scope !== undefined ? { scope: o.scope } : {}),
  };
}

/**
 * Watches a bundle source until `until` resolves (the process's SIGINT/SIGTERM by
 * default); with --once, polls once. Exit 0 (stopped, or --once with a bundle
 * active), 1 (--once without one), 2 (bad arguments or key).
 */
export async function runWatch(io: CliIO, source: string, o: WatchOptions, until?: Promise<unknown>): Promise<number> {
  if ((o.signingAlg ?? o.keyId ?? o.scope) !== undefined && o.verificationKey === undefined) {
    throw new UsageError('--signing-alg, --key-id and --scope need --verification-key');
  }
  const headers = parseHeaders(o.header);
  let client: BundleClient;
  try {
    const verification = await verificationOptions(o);
    client = new BundleClient({
      source,
      ...(verification ? { verification } : {}),
      ...(o.persistDir !== undefined ? { persistDir: o.persistDir } : {}),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      polling: {
        ...(o.minDelay !== undefined ? { minDelayMs: o.minDelay } : {}),
        ...(o.maxDelay !== undefined ? { maxDelayMs: o.maxDelay } : {}),
        ...(o.timeout !== undefined ? { timeoutMs: o.timeout } : {}),
      },
      onEvent: (e) => {
        const line = o.format === 'json' ? jsonLine(e) : textLine(e);
        if (line !== undefined) io.out(`${line}\n`);
      },
    });
  } catch (e) {
    if (e instanceof BundleError) {
      io.err(`railgate: ${formatBundleError(e)}\n`);
      return EXIT_ERROR;
    }
    if (e instanceof RangeError) throw new UsageError(e.message.replace('polling.minDelayMs', '--min-delay').replace('polling.maxDelayMs', '--max-delay'));
    throw e;
  }

  if (o.once) {
    await client.start({ keepPolling: false });
    await client.stop();
    if (client.active === undefined && o.format === 'text') io.err('railgate: no bundle is active\n');
    return client.active !== undefined ? EXIT_OK : EXIT_FAIL;
  }

  // A signal during start-up (a slow first download) stops the client at once.
  const signal = until === undefined ? processStopSignal() : undefined;
  const stopped = (until ?? signal!.promise).then(() => client.stop());
  try {
    await client.start();
    await stopped;
  } finally {
    signal?.dispose();
    await client.stop();
  }
  return EXIT_OK;
}
