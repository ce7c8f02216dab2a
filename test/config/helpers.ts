import { expect } from 'vitest';
import { ConfigError, parseConfig, type ConfigIssue, type ConfigOverrides } from '../../src/config/index.js';
import type { Config } from '../../src/config/types.js';

// A small valid configuration whose sections a test replaces one at a time, and
// helpers to get at the ConfigError a bad one throws.

export const SECTIONS = {
  listen: 'listen: 127.0.0.1:8080',
  bundle: 'bundle:\n  source: https://bundles.example.com/chat.tar.gz',
  identity: 'identity:\n  anonymous: {id: guest}',
  connections: [
    'connections:',
    '  - name: openai',
    '    protocol: openai',
    '    upstream: https://api.openai.com',
    '    policy: railgate.chat',
  ].join('\n'),
};

export type Sections = { [K in keyof typeof SECTIONS]?: string | null } & { extra?: string };

/** The base configuration with some sections replaced (null: left out). */
export function doc(over: Sections = {}): string {
  const parts: string[] = [];
  for (const key of Object.keys(SECTIONS) as (keyof typeof SECTIONS)[]) {
    const v = key in over ? over[key] : SECTIONS[key];
    if (v !== null && v !== undefined) parts.push(v);
  }
  if (over.extra) parts.push(over.extra);
  return `${parts.join('\n')}\n`;
}

export interface Opts {
  env?: Record<string, string | undefined>;
  overrides?: ConfigOverrides;
  baseDir?: string;
  file?: string;
}

export function parse(text: string, opts: Opts = {}): Config {
  return parseConfig(text, { file: 'railgate.yaml', env: {}, ...opts });
}

/** The ConfigError that parsing `text` throws. */
export function configError(text: string, opts: Opts = {}): ConfigError {
  try {
    parse(text, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError, but the configuration loaded');
}

/** The problem reported at `path`; fails listing every problem when there is none. */
export function issueAt(e: ConfigError, path: string): ConfigIssue {
  const found = e.issues.find((i) => i.path === path);
  if (!found) throw new Error(`no problem at ${path}; problems:\n${e.message}`);
  return found;
}

/** The 1-based line of the first line of `text` that contains `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} is not in the text`);
  return i + 1;
}

/** The base connections section with more lines for its one connection (indented under it). */
export function conn(...lines: string[]): string {
  return [SECTIONS.connections, ...lines.map((l) => `    ${l}`)].join('\n');
}
