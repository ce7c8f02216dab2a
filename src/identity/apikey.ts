import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyConfig } from '../config/types.js';
import { IdentityConfigError } from './errors.js';
import type { Identity } from './types.js';

// Static API keys for service accounts. The configuration holds only SHA-256
// digests (`sha256:<hex>`), so a leaked railgate.yaml does not leak keys. A key
// is a high-entropy random string (see `railgate api-key generate`), so an
// unsalted fast hash is enough: there is no dictionary to try.
//
// Lookup compares the presented key's digest with every configured digest using
// timingSafeEqual and no early exit. A Map keyed by digest would also be safe (the
// timing it leaks is about the digest, which reveals nothing usable about a key:
// learning a digest's prefix does not help find a preimage), but a full scan costs
// nothing at service-account scale and leaves nothing to argue about.

// the form railgate.yaml stores keys in is the configuration's to define
export { hashApiKey } from '../config/hash.js';

/** The digest bytes of a configured `sha256:<hex>` hash, or undefined when malformed. */
export function parseApiKeyHash(hash: string): Buffer | undefined {
  const m = /^sha256:([0-9a-fA-F]{64})$/.exec(hash.trim());
  return m ? Buffer.from(m[1]!, 'hex') : undefined;
}

interface Entry {
  digest: Buffer;
  identity: Identity;
}

export class ApiKeyStore {
  private readonly entries: readonly Entry[];

  /** Throws IdentityConfigError for a malformed or duplicated hash, or an empty id. */
  constructor(keys: readonly ApiKeyConfig[], path = 'identity.api_keys') {
    const seen = new Map<string, number>();
    this.entries = keys.map((k, i) => {
      const at = `${path}[${i}]`;
      if (typeof k.id !== 'string' || k.id.trim() === '') throw new IdentityConfigError(`${at}.id`, 'every API key needs a non-empty id (it becomes input.user.id)');
      const digest = parseApiKeyHash(k.hash);
      if (digest === undefined) {
        throw new IdentityConfigError(`${at}.hash`, 'must be "sha256:" followed by 64 hex digits; create it with `railgate api-key hash` or `railgate api-key generate`');
      }
      const hex = digest.toString('hex');
      const first = seen.get(hex);
      if (first !== undefined) throw new IdentityConfigError(`${at}.hash`, `the same key hash as ${path}[${first}]; each key must identify one caller`);
      seen.set(hex, i);
      const identity: Identity = {
        id: k.id,
        groups: [...k.groups],
        auth: 'api_key',
        claims: { ...k.claims },
        ...(k.email !== undefined ? { email: k.email } : {}),
      };
      return { digest, identity };
    });
  }

  get size(): number {
    return this.entries.length;
  }

  /** The identity of a configured key (a fresh copy), or undefined. */
  lookup(key: string): Identity | undefined {
    const digest = createHash('sha256').update(key, 'utf8').digest();
    let found: Identity | undefined;
    for (const e of this.entries) {
      // no break: the time taken does not depend on which entry matched
      if (timingSafeEqual(digest, e.digest)) found = e.identity;
    }
    return found === undefined ? undefined : structuredClone(found);
  }
}
