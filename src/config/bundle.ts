import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_HTTP_POLLING, DEFAULT_LOCAL_POLLING } from '../bundle/backoff.js';
import { BundleError } from '../bundle/errors.js';
import { isHmacAlg, isPem, keyMismatch, loadKey, minSecretBytes, type SigningAlg } from '../bundle/keys.js';
import type { BundleConfig } from './types.js';
import { headers } from './headers.js';
import { formatPath, type Path } from './path.js';
import { fsReason, readSmallFile, type Reader } from './values.js';

// bundle: where the policies come from, how they are verified, how often they are
// polled. Polling defaults follow the bundle client (docs/bundle-client.md): a
// minute or two for a URL, a second or two for a local file or directory.

export const POLLING_DEFAULTS = {
  http: { minDelayMs: DEFAULT_HTTP_POLLING.minDelayMs, maxDelayMs: DEFAULT_HTTP_POLLING.maxDelayMs },
  local: { minDelayMs: DEFAULT_LOCAL_POLLING.minDelayMs, maxDelayMs: DEFAULT_LOCAL_POLLING.maxDelayMs },
  timeoutMs: DEFAULT_HTTP_POLLING.timeoutMs,
} as const;

/** A key file is a PEM block or a secret, never megabytes. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

export function readBundle(r: Reader, raw: unknown): BundleConfig {
  const path: Path = ['bundle'];
  const b = r.obj(raw) ?? {};
  const { source, kind } = readSource(r, [...path, 'source'], r.str(b['source']));
  const out: BundleConfig = {
    source,
    polling: readPolling(r, [...path, 'polling'], r.obj(b['polling']) ?? {}, kind),
    headers: headers(r, [...path, 'headers'], b['headers']),
  };
  const verification = readVerification(r, [...path, 'verification'], b['verification']);
  if (verification) out.verification = verification;
  const persist = r.str(b['persist_dir']);
  if (persist !== undefined) out.persistDir = r.resolvePath([...path, 'persist_dir'], persist);
  return out;
}

function readSource(r: Reader, path: Path, s: string | undefined): { source: string; kind: 'http' | 'local' } {
  if (s === undefined) return { source: '', kind: 'http' };
  const text = s.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  // one letter before the colon is a Windows drive, not a scheme
  if (scheme === undefined || scheme.length === 1) return { source: r.resolvePath(path, text), kind: 'local' };
  const p = formatPath(path);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    r.report.add(path, `${p} is not a valid URL`, { hint: 'give an http(s) URL, a .tar.gz file or a bundle directory' });
    return { source: text, kind: 'http' };
  }
  if (scheme === 'file') return { source: fileURLToPath(url), kind: 'local' };
  if (scheme !== 'http' && scheme !== 'https') {
    r.report.add(path, `${p} has the scheme ${scheme}:, which railgate cannot fetch from`, {
      hint: 'serve the bundle over http(s) (object storage, a CDN, any web server), or give a local path',
    });
  } else if (url.username !== '' || url.password !== '') {
    r.report.add(path, `${p} holds credentials (user:password@ in the URL)`, {
      hint: 'send them as a header instead: bundle.headers.authorization: "Basic ${BUNDLE_AUTH}"',
    });
  }
  return { source: text, kind: 'http' };
}

function readPolling(r: Reader, path: Path, p: Record<string, unknown>, kind: 'http' | 'local'): BundleConfig['polling'] {
  const defaults = POLLING_DEFAULTS[kind];
  const range = { min: 1000 };
  let minDelayMs = r.duration([...path, 'min_delay'], p['min_delay'], defaults.minDelayMs, range);
  let maxDelayMs = r.duration([...path, 'max_delay'], p['max_delay'], defaults.maxDelayMs, range);
  const timeoutMs = r.duration([...path, 'timeout'], p['timeout'], POLLING_DEFAULTS.timeoutMs, { min: 1 });
  // One bound given alone drags the other default along (as the bundle client does):
  // `max_delay: 10s` just means "poll at least every 10s".
  const hasMin = p['min_delay'] !== undefined;
  const hasMax = p['max_delay'] !== undefined;
  if (hasMax && !hasMin && minDelayMs > maxDelayMs) minDelayMs = maxDelayMs;
  if (hasMin && !hasMax && maxDelayMs < minDelayMs) maxDelayMs = minDelayMs;
  if (minDelayMs > maxDelayMs) {
    r.report.add([...path, 'min_delay'], `${formatPath([...path, 'min_delay'])} is longer than ${formatPath([...path, 'max_delay'])}`, {
      hint: 'the delay between polls is drawn from [min_delay, max_delay]',
    });
  }
  return { minDelayMs, maxDelayMs, timeoutMs };
}

function readVerification(r: Reader, path: Path, raw: unknown): BundleConfig['verification'] | undefined {
  const v = r.obj(raw);
  if (v === undefined) return undefined;
  const p = formatPath(path);
  const alg = r.str(v['alg']) as SigningAlg | undefined;
  const inline = r.str(v['key']);
  const file = r.str(v['key_file']);
  let key: string | undefined;
  let keyPath: Path = [...path, 'key'];
  if (v['key'] !== undefined && v['key_file'] !== undefined) {
    r.report.add([...path, 'key_file'], `${p} has both key and key_file; give one of them`);
  } else if (v['key'] === undefined && v['key_file'] === undefined) {
    r.report.add(path, `${p} needs key or key_file`, { hint: 'key_file: the public key file; or key: "${BUNDLE_PUBLIC_KEY}"' });
  } else if (file !== undefined) {
    keyPath = [...path, 'key_file'];
    const abs = r.resolvePath(keyPath, file);
    try {
      key = readSmallFile(abs, MAX_KEY_FILE_BYTES);
    } catch (e) {
      // a path given as a flag might be a mistyped inline secret: show it only if it looks like a path
      const shown = r.report.flagOf(keyPath) === undefined || looksLikePath(file) ? ` ${abs}` : '';
      r.report.add(keyPath, `${formatPath(keyPath)}: cannot read the key file${shown}: ${fsReason(e)}`);
    }
  } else if (inline !== undefined) {
    key = inline;
    if (!isPem(inline) && namesAFile(r, keyPath, inline)) {
      r.report.add(keyPath, `${formatPath(keyPath)} looks like a file path, not a key`, { hint: 'use key_file for a key in a file' });
      key = undefined;
    }
  }
  if (key !== undefined) checkKey(r, keyPath, key, alg);
  const out: NonNullable<BundleConfig['verification']> = { key: key ?? '' };
  const keyId = r.str(v['key_id']);
  const scope = r.str(v['scope']);
  if (keyId !== undefined) out.keyId = keyId;
  if (scope !== undefined) out.scope = scope;
  if (alg !== undefined) out.alg = alg;
  return out;
}

/** Refuses keys that could never verify a bundle, without ever printing them. */
function checkKey(r: Reader, path: Path, key: string, alg: SigningAlg | undefined): void {
  const p = `${formatPath(path)}${r.report.fromEnvNote(path)}`;
  if (!isPem(key)) {
    if (alg === undefined || !isHmacAlg(alg)) {
      r.report.add(path, `${p} is not a PEM key, so it could only be an HMAC secret, and bundle.verification.alg is ${alg ?? 'not set'}`, {
        hint: 'give the PEM public key the bundles are signed with, or set alg: HS256 (HS384, HS512) for a shared secret',
      });
    } else if (Buffer.byteLength(key, 'utf8') < minSecretBytes(alg)) {
      r.report.add(path, `${p}: the HMAC secret is shorter than ${minSecretBytes(alg)} bytes, the least ${alg} allows (RFC 7518 3.2)`, {
        hint: `generate one with \`railgate keygen --alg ${alg}\``,
      });
    }
    return;
  }
  try {
    const material = loadKey(key, 'verify');
    const why = alg === undefined ? undefined : keyMismatch(material, alg);
    if (why !== undefined) r.report.add(path, `${p} cannot verify ${alg}: ${why}`);
  } catch (e) {
    if (!(e instanceof BundleError)) throw e;
    // BundleError messages about keys never contain key material
    r.report.add(path, `${p}: ${e.message}`, e.hint === undefined ? {} : { hint: e.hint });
  }
}

/** `key: ./pub.pem` meant key_file; an HMAC secret (base64 has slashes) is not refused for a slash alone. */
function namesAFile(r: Reader, path: Path, value: string): boolean {
  if (/^(?:\.{1,2}|~)[\\/]/.test(value) || /\.(pem|crt|cer|key|pub|der|p8|jwk)$/i.test(value)) return true;
  try {
    return value.length < 4096 && existsSync(r.resolvePath(path, value));
  } catch {
    return false;
  }
}

function looksLikePath(value: string): boolean {
  return /[\\/]/.test(value) || /^[.~]/.test(value) || /\.(pem|crt|cer|key|pub|der|p8|txt|secret|json|jwk)$/i.test(value);
}
