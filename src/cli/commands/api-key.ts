import { randomBytes } from 'node:crypto';
// apikey.js, not the identity index: hashing needs neither jose nor undici
import { hashApiKey } from '../../identity/apikey.js';
import { EXIT_OK, UsageError, type CliIO } from '../io.js';

// `railgate api-key hash|generate`: API keys for service accounts. railgate.yaml
// stores only the key's hash; the key itself goes to the client. `hash` prefers
// standard input, so the key stays out of shell history and the process list.

/** Random bytes in a generated key: 256 bits, base64url (43 characters). */
export const KEY_BYTES = 32;
const MAX_KEY_LENGTH = 16 * 1024;

export interface ApiKeyOutputOptions {
  format: 'text' | 'json';
}

/** The key from the argument, or the one line standard input holds (its line ending dropped). */
async function readKey(io: CliIO, arg: string | undefined): Promise<string> {
  if (arg !== undefined) {
    io.err('railgate: note: a key given as an argument stays in shell history and is visible to other users in the process list; prefer standard input\n');
    if (arg === '') throw new UsageError('the key is empty');
    return arg;
  }
  const text = (await io.readStdin()).replace(/\r?\n$/, '');
  if (text === '') {
    throw new UsageError('no key on standard input', "pipe it in, e.g. `printf %s \"$KEY\" | railgate api-key hash`, or `railgate api-key hash < key.txt`");
  }
  if (/[\r\n]/.test(text)) throw new UsageError('standard input holds more than one line; give one key per call');
  if (text.length > MAX_KEY_LENGTH) throw new UsageError(`the key is longer than ${MAX_KEY_LENGTH} characters; the proxy would refuse it`);
  return text;
}

/** Prints the `sha256:<hex>` hash of a key for railgate.yaml. */
export async function runApiKeyHash(io: CliIO, key: string | undefined, o: ApiKeyOutputOptions): Promise<number> {
  const hash = hashApiKey(await readKey(io, key));
  io.out(o.format === 'json' ? `${JSON.stringify({ hash })}\n` : `${hash}\n`);
  return EXIT_OK;
}

/** Prints a new random key (first line) and its hash (second line). */
export function runApiKeyGenerate(io: CliIO, o: ApiKeyOutputOptions & { prefix: string }): number {
  if (!/^[A-Za-z0-9_-]{0,32}$/.test(o.prefix)) {
    throw new UsageError(`--prefix must be at most 32 letters, digits, "-" or "_", got ${JSON.stringify(o.prefix.slice(0, 40))}`);
  }
  const key = `${o.prefix}${randomBytes(KEY_BYTES).toString('base64url')}`;
  const hash = hashApiKey(key);
  if (o.format === 'json') {
    io.out(`${JSON.stringify({ key, hash })}\n`);
  } else {
    io.out(`${key}\n${hash}\n`);
    io.err('railgate: line 1 is the key: give it to the client, it is not stored anywhere; line 2 is its hash: put it in railgate.yaml (identity.api_keys[].hash)\n');
  }
  return EXIT_OK;
}
