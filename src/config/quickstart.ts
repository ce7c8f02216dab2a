import { join } from 'node:path';
import { hashApiKey } from './hash.js';
import { configFromDocument } from './load.js';
import type { ConfigOverrides } from './overrides.js';
import type { Config } from './types.js';

// The configuration `railgate quickstart` runs with: the reference policies from
// the package's policies/ directory, the OpenAI and Anthropic protocols in front of
// the in-process mock upstream, and one static API key.

export const QUICKSTART_API_KEY = 'rg-quickstart-key';

/**
 * `engineering` (see policies/lib/groups.gate) may call the base chat models
 * (gpt-4.1-mini, gpt-4o-mini, claude-3-5-haiku) plus gpt-4.1 and claude-sonnet-4,
 * with a 2,048-token cap; gpt-4.1 is a premium model and so shows the approval
 * decision (approval_required), and codenames are redacted (not a cleared group).
 */
export const QUICKSTART_GROUPS = ['engineering'] as const;

export function quickstartConfig(opts: { upstream: string; packageRoot: string; overrides?: ConfigOverrides }): Config {
  const doc = {
    listen: '127.0.0.1:8080',
    bundle: { source: join(opts.packageRoot, 'policies') },
    identity: {
      api_keys: [
        {
          id: 'quickstart',
          hash: hashApiKey(QUICKSTART_API_KEY),
          groups: [...QUICKSTART_GROUPS],
          email: 'quickstart@example.com',
          claims: { team: 'quickstart' },
        },
      ],
      anonymous: false,
    },
    connections: [
      { name: 'openai', prefix: '/openai', protocol: 'openai', upstream: opts.upstream, policy: 'railgate.chat', policies: { embedding: 'railgate.embeddings' } },
      { name: 'anthropic', prefix: '/anthropic', protocol: 'anthropic', upstream: opts.upstream, policy: 'railgate.chat' },
    ],
    // budgets of a demo need not outlive it, and the quickstart leaves no files behind
    quota: { store: 'memory' },
  };
  return configFromDocument(doc, { file: '(quickstart configuration)', ...(opts.overrides ? { overrides: opts.overrides } : {}) });
}
