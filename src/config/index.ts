import { dirname, resolve } from 'node:path';
import type { Env } from './interpolate.js';
import { parseConfigText, readConfigFile } from './load.js';
import type { ConfigOverrides } from './overrides.js';
import type { Config } from './types.js';

// railgate.yaml: loading, validating and normalising the proxy's configuration.
// docs/configuration.md describes the file; ./types.ts what it becomes.

export { ConfigError, formatConfigError, isConfigError, type ConfigIssue } from './errors.js';
export { hashApiKey } from './hash.js';
export { OVERRIDE_FLAGS, type ConfigOverrides } from './overrides.js';
export { QUICKSTART_API_KEY, quickstartConfig } from './quickstart.js';
export type * from './types.js';

/** Reads, interpolates ${ENV}, validates and normalises a YAML (or JSON) config file. Throws ConfigError. */
export async function loadConfig(file: string, opts: { env?: Env; overrides?: ConfigOverrides } = {}): Promise<Config> {
  const text = await readConfigFile(file);
  return parseConfigText(text, { ...opts, file, baseDir: dirname(resolve(file)) });
}

/** The same from text (tests, embedded defaults). Throws ConfigError. */
export function parseConfig(text: string, opts: { file?: string; env?: Env; overrides?: ConfigOverrides; baseDir?: string } = {}): Config {
  return parseConfigText(text, opts);
}
