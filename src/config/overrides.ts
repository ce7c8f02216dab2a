import { pointer } from './path.js';

// Command-line flags that override the common keys. They are applied to the
// document after ${ENV} interpolation and before validation, so a flag's value is
// checked exactly like the key it replaces, and a problem with it names the flag.
// A relative path given as a flag resolves against the working directory.

export interface ConfigOverrides {
  /** `host:port` or `:port` → listen */
  listen?: string;
  /** a bundle URL or path → bundle.source (the rest of bundle is kept) */
  bundle?: string;
  /** a PEM public key file (or the PEM text) → bundle.verification.key_file (or key) */
  verificationKey?: string;
  /** → log.level */
  logLevel?: string;
}

export const OVERRIDE_FLAGS: Readonly<Record<keyof ConfigOverrides, string>> = {
  listen: '--listen',
  bundle: '--bundle',
  verificationKey: '--verification-key',
  logLevel: '--log-level',
};

/** Writes the overrides into `doc` (a parsed document), recording in `flags` which pointer came from which flag. */
export function applyOverrides(doc: unknown, o: ConfigOverrides, flags: Map<string, string>): void {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return;
  const root = doc as Record<string, unknown>;
  const section = (key: string): Record<string, unknown> => {
    const v = root[key];
    const s = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    root[key] = s;
    return s;
  };
  if (o.listen !== undefined) {
    root['listen'] = o.listen;
    flags.set(pointer(['listen']), OVERRIDE_FLAGS.listen);
  }
  if (o.bundle !== undefined) {
    section('bundle')['source'] = o.bundle;
    flags.set(pointer(['bundle', 'source']), OVERRIDE_FLAGS.bundle);
  }
  if (o.verificationKey !== undefined) {
    const bundle = section('bundle');
    const v = bundle['verification'];
    const verification = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
    bundle['verification'] = verification;
    delete verification['key'];
    delete verification['key_file'];
    const isPemText = o.verificationKey.trimStart().startsWith('-----BEGIN');
    const key = isPemText ? 'key' : 'key_file';
    verification[key] = o.verificationKey;
    flags.set(pointer(['bundle', 'verification', key]), OVERRIDE_FLAGS.verificationKey);
  }
  if (o.logLevel !== undefined) {
    section('log')['level'] = o.logLevel;
    flags.set(pointer(['log', 'level']), OVERRIDE_FLAGS.logLevel);
  }
}
