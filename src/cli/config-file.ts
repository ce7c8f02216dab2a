import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from './io.js';

// Which railgate.yaml a command reads: --config when given, else ./railgate.yaml.

export const DEFAULT_CONFIG_FILE = 'railgate.yaml';

/** The configuration file's absolute path; a UsageError (with `hint`) when there is none. */
export function configFile(cwd: string, given: string | undefined, hint: string): string {
  if (given !== undefined) return resolve(cwd, given);
  const local = join(cwd, DEFAULT_CONFIG_FILE);
  if (!existsSync(local)) throw new UsageError(`no configuration: ${DEFAULT_CONFIG_FILE} is not in ${cwd} and no --config was given`, hint);
  return local;
}
