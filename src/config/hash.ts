import { createHash } from 'node:crypto';

/**
 * How an API key is stored in railgate.yaml: `sha256:<hex>` of its UTF-8 bytes. The
 * same as `printf %s "$KEY" | sha256sum`. API keys are long random strings, so an
 * unsalted fast hash is enough: there is no dictionary to try.
 */
export function hashApiKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}
