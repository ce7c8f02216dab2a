import { formatPath, type Path } from './path.js';
import type { QuotaConfig, QuotaStoreKind } from './types.js';
import type { Reader } from './values.js';

// quota: where the budgets of `quota` decisions are counted (docs/quotas.md), what
// happens when that store is down, and how the proxy sizes a request against a token
// budget. Each store takes only its own keys, so a setting that would be silently
// ignored (a path with redis) is an error instead.

export const QUOTA_DEFAULTS = {
  store: 'sqlite' as QuotaStoreKind,
  /** beside the configuration file; `.railgate/` is where railgate keeps its state */
  path: '.railgate/quota.db',
  onStoreError: 'deny' as const,
  /** redis: the store's own default key prefix */
  prefix: 'railgate',
  /** OpenAI's chat framing: 3 tokens per message, 3 more priming the reply */
  messageOverheadTokens: 3,
  defaultMaxCompletionTokens: 4096,
};

/** Which store each store-specific key belongs to. */
const ONLY_FOR: Record<string, QuotaStoreKind> = { path: 'sqlite', url: 'redis', prefix: 'redis' };

export function readQuota(r: Reader, raw: unknown): QuotaConfig {
  const path: Path = ['quota'];
  const q = r.obj(raw) ?? {};
  const store = (r.str(q['store']) ?? QUOTA_DEFAULTS.store) as QuotaStoreKind;
  const overhead = q['message_overhead_tokens'];
  const cap = q['default_max_completion_tokens'];
  const out: QuotaConfig = {
    store,
    onStoreError: (r.str(q['on_store_error']) ?? QUOTA_DEFAULTS.onStoreError) as QuotaConfig['onStoreError'],
    messageOverheadTokens: typeof overhead === 'number' ? overhead : QUOTA_DEFAULTS.messageOverheadTokens,
    defaultMaxCompletionTokens: typeof cap === 'number' ? cap : QUOTA_DEFAULTS.defaultMaxCompletionTokens,
  };

  for (const [key, owner] of Object.entries(ONLY_FOR)) {
    if (q[key] === undefined || owner === store) continue;
    r.report.add([...path, key], `${formatPath([...path, key])} applies to store: ${owner} only, and quota.store is ${store}${q['store'] === undefined ? ' (the default)' : ''}`, {
      hint: owner === 'redis' ? 'set store: redis, or remove the key' : `set store: ${owner}, or remove the key`,
    });
  }

  if (store === 'sqlite') {
    const file = r.str(q['path']) ?? QUOTA_DEFAULTS.path;
    out.path = r.resolvePath([...path, 'path'], file);
  }
  if (store === 'redis') {
    const url = r.str(q['url']);
    if (q['url'] === undefined) {
      r.report.add([...path, 'url'], `missing key ${formatPath([...path, 'url'])}: store redis needs the server's URL`, {
        at: path,
        hint: 'add url: redis://redis.internal:6379/0 (a password from the environment: redis://:${REDIS_PASSWORD}@redis.internal:6379/0)',
      });
    } else if (url !== undefined) {
      const problem = redisUrlProblem(url);
      // never the URL itself: it may hold a password
      if (problem) r.report.add([...path, 'url'], `${formatPath([...path, 'url'])} ${problem}${r.report.fromEnvNote([...path, 'url'])}`, { hint: 'give a URL like redis://redis.internal:6379/0, or rediss:// for TLS' });
      else out.url = url;
    }
    const prefix = r.str(q['prefix']);
    if (prefix !== undefined) {
      // the store puts it in a Redis Cluster hash tag: {prefix}
      if (prefix.length > 64 || /[{}\s]/.test(prefix)) {
        r.report.add([...path, 'prefix'], `${formatPath([...path, 'prefix'])} must be 1 to 64 characters without braces or spaces, ${r.report.got([...path, 'prefix'], prefix)}`);
      } else out.prefix = prefix;
    }
  }
  return out;
}

function redisUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'is not a valid URL';
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return `has the scheme ${url.protocol}, not redis: or rediss:`;
  if (url.hostname === '') return 'names no host';
  return undefined;
}
