import { existsSync } from 'node:fs';
import { ConfigError, formatConfigError, loadConfig, type Config } from '../../config/index.js';
import { openQuotaStore } from '../../proxy/quota.js';
import { formatWindow, QuotaStoreError, type QuotaState, type QuotaStore } from '../../quota/index.js';
import { configFile } from '../config-file.js';
import { EXIT_ERROR, EXIT_FAIL, EXIT_OK, UsageError, type CliIO } from '../io.js';

// `railgate quota show`: current usage of every quota counter in the store the
// configuration names (SQLite file or Redis), read directly, so it works whether or
// not a proxy is running. The in-memory store lives inside one proxy process: its
// usage is only visible through that proxy's admin API.

export interface QuotaShowOptions {
  config?: string;
  key?: string;
  name?: string;
  format: 'text' | 'json';
}

/** The store the proxy counts in, opened read-write like the proxy opens it; memory has nothing to read from outside. */
function storeOf(config: Config): QuotaStore {
  const q = config.quota;
  if (q.store === 'memory') {
    throw new UsageError(
      'the configuration counts quotas in memory, inside the proxy process: there is no store to read from here',
      'ask the running proxy: GET /admin/quotas (see docs/proxy.md), or use store: sqlite or redis',
    );
  }
  if (q.store === 'sqlite' && (q.path === undefined || !existsSync(q.path))) {
    throw new UsageError(`no quota database at ${q.path ?? '(no path)'}: nothing has been counted yet, or the path differs from the proxy's`);
  }
  return openQuotaStore(q);
}

function remainingText(s: QuotaState): string {
  return `${s.used}/${s.limit} ${s.unit} used, ${s.remaining} left`;
}

function resetText(ms: number): string {
  if (ms <= 0) return '';
  return `, frees up in ${formatWindow(Math.ceil(ms / 1000) * 1000)}`;
}

export async function runQuotaShow(io: CliIO, o: QuotaShowOptions, cwd = process.cwd()): Promise<number> {
  const file = configFile(cwd, o.config, 'pass --config <file>: the proxy configuration whose quota store to read');
  let config: Config;
  try {
    config = await loadConfig(file, { env: io.env });
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(formatConfigError(e));
      return EXIT_ERROR;
    }
    throw e;
  }
  const store = storeOf(config);
  try {
    const filter = { ...(o.key !== undefined ? { key: o.key } : {}), ...(o.name !== undefined ? { name: o.name } : {}) };
    const states = await store.usage(Date.now(), filter);
    if (o.format === 'json') {
      io.out(`${JSON.stringify({ store: config.quota.store, counters: states.map((s) => ({ ...s, window: formatWindow(s.windowMs) })) }, null, 2)}\n`);
    } else if (states.length === 0) {
      io.out(`no quota usage${o.key !== undefined ? ` for key ${JSON.stringify(o.key)}` : ''}${o.name !== undefined ? ` in quota ${JSON.stringify(o.name)}` : ''} (store: ${config.quota.store})\n`);
    } else {
      const rows = states.map((s) => [s.name, formatWindow(s.windowMs), s.key, remainingText(s) + resetText(s.resetMs)]);
      const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['quota', 'window', 'key'][i]!.length));
      const line = (r: string[]): string => `${r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ')}\n`;
      io.out(line(['quota', 'window', 'key', 'usage']));
      for (const r of rows) io.out(line(r));
    }
    return states.length === 0 && (o.key !== undefined || o.name !== undefined) ? EXIT_FAIL : EXIT_OK;
  } catch (e) {
    if (e instanceof QuotaStoreError) {
      io.err(`railgate: ${e.code}: ${e.message}\n`);
      return EXIT_ERROR;
    }
    throw e;
  } finally {
    await store.close();
  }
}
