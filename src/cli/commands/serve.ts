import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { BundleError, formatBundleError } from '../../bundle/errors.js';
import { ConfigError, formatConfigError, loadConfig, QUICKSTART_API_KEY, quickstartConfig, type Config, type ConfigOverrides } from '../../config/index.js';
import { IdentityConfigError } from '../../identity/index.js';
import { QuotaStoreError } from '../../quota/index.js';
import type { MockUpstream } from '../../mock-upstream/index.js';
import { JsonPathError } from '../../proxy/protocols/index.js';
import { startProxy, type ProxyServer } from '../../proxy/index.js';
import { configFile } from '../config-file.js';
import { EXIT_ERROR, EXIT_OK, UsageError, type CliIO } from '../io.js';
import { processStopSignal } from './watch.js';

// `railgate serve`: load the configuration (or build the quickstart one around an
// in-process mock model server), start the proxy, say where it listens and what it
// serves, and run until SIGINT/SIGTERM: then stop accepting, let requests in flight
// finish (bounded), stop polling, exit 0. Configuration problems are all printed
// at once with their place (exit 2); a missing bundle is not fatal (the proxy
// answers 503 until one activates).

export interface ServeOptions {
  config?: string;
  listen?: string;
  bundle?: string;
  verificationKey?: string;
  logLevel?: string;
  quickstart: boolean;
}

export interface ServeHooks {
  /** stop when this resolves instead of on SIGINT/SIGTERM (tests) */
  until?: Promise<unknown>;
  /** called once the proxy listens (tests) */
  onStarted?: (proxy: ProxyServer) => void;
  /** the working directory where ./railgate.yaml is looked for; default process.cwd() */
  cwd?: string;
  /** grace period for requests in flight at shutdown; default 10 s */
  graceMs?: number;
}


/** The installed package's root (where policies/ lives): src/cli/commands or dist/src/cli/commands, walked up. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === 'railgate') return dir;
    } catch {
      // not here; keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('cannot find the railgate package root (package.json) above the CLI');
}

function overridesOf(o: ServeOptions): ConfigOverrides {
  return {
    ...(o.listen !== undefined ? { listen: o.listen } : {}),
    ...(o.bundle !== undefined ? { bundle: o.bundle } : {}),
    ...(o.verificationKey !== undefined ? { verificationKey: o.verificationKey } : {}),
    ...(o.logLevel !== undefined ? { logLevel: o.logLevel } : {}),
  };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function banner(proxy: ProxyServer, config: Config, mock: MockUpstream | undefined): string {
  const lines: string[] = [`railgate proxy listening on ${proxy.url}`];
  const status = proxy.bundles.status();
  const active = proxy.bundles.active;
  if (active) {
    const rev = active.revision === '' ? 'active (no revision: the bundle has no .manifest revision)' : `revision ${JSON.stringify(active.revision)} active`;
    lines.push(`bundle ${status.source}: ${rev}`);
  }
  else {
    const why = status.last_error ? ` (${status.last_error.code}: ${status.last_error.message})` : '';
    lines.push(`bundle ${status.source}: no revision active yet${why}; requests get 503 until one activates, polling continues`);
  }
  lines.push('connections:');
  const w = Math.max(...config.connections.map((c) => c.name.length));
  const p = Math.max(...config.connections.map((c) => c.prefix.length));
  for (const c of config.connections) {
    const per = Object.entries(c.operationPolicies).map(([op, pkg]) => `; ${op}: ${pkg}`).join('');
    lines.push(`  ${pad(c.name, w)}  ${pad(c.prefix, p)}  → ${c.upstream}  (${c.protocol}, policy ${c.policy}${per})`);
  }
  lines.push('health: /healthz (liveness), /readyz (ready with an active bundle)');
  if (mock) {
    const base = `${proxy.url}/openai/v1`;
    lines.push(
      '',
      `quickstart: the reference policies (policies/) in front of a mock model server at ${mock.url}`,
      `API key: ${QUICKSTART_API_KEY} (user "quickstart", group engineering)`,
      '',
      'try it:',
      `  curl ${base}/chat/completions \\`,
      `    -H "Authorization: Bearer ${QUICKSTART_API_KEY}" -H "Content-Type: application/json" \\`,
      `    -d '{"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "Hello! My email is ada@example.com"}]}'`,
      '',
      '  the e-mail address reaches the model redacted; a card number or an API key in a prompt is refused',
      '  (403 policy_violation); model gpt-4.1 needs approval (403 approval_required); "say: <text>" makes',
      '  the mock model answer exactly <text>.',
      '',
      '  // with the openai SDK (npm i openai)',
      "  import OpenAI from 'openai';",
      `  const client = new OpenAI({ baseURL: '${base}', apiKey: '${QUICKSTART_API_KEY}' });`,
      "  const r = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Hello!' }] });",
      '  console.log(r.choices[0].message.content);',
    );
  }
  lines.push('', 'Ctrl+C stops the proxy (requests in flight finish first).');
  return `${lines.join('\n')}\n`;
}

/** Log lines (JSON) to the CLI's standard output. */
function logStream(io: CliIO): Writable {
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      io.out(chunk.toString());
      done();
    },
  });
}

function listenError(e: unknown, config: Config): UsageError | undefined {
  const err = e as NodeJS.ErrnoException;
  const where = `${config.listen.host}:${config.listen.port}`;
  if (err.code === 'EADDRINUSE') return new UsageError(`cannot listen on ${where}: the address is already in use`, 'pick another address with --listen (or listen in railgate.yaml); --listen 127.0.0.1:0 picks a free port');
  if (err.code === 'EADDRNOTAVAIL' || err.code === 'EACCES' || err.code === 'ENOTFOUND') return new UsageError(`cannot listen on ${where}: ${err.code}`, 'check --listen (or listen in railgate.yaml)');
  return undefined;
}

async function loadServeConfig(io: CliIO, o: ServeOptions, cwd: string, mockUrl: string | undefined): Promise<Config> {
  const overrides = overridesOf(o);
  if (mockUrl !== undefined) return quickstartConfig({ upstream: mockUrl, packageRoot: packageRoot(), overrides });
  const file = configFile(cwd, o.config, 'pass --config <file>, write a railgate.yaml (see docs/configuration.md), or try `railgate serve --quickstart`');
  return loadConfig(file, { env: io.env, overrides });
}

/**
 * Runs the proxy until SIGINT/SIGTERM (or hooks.until). Exit 0 when stopped; 2 for
 * bad usage, configuration errors or an address that cannot be bound.
 */
export async function runServe(io: CliIO, o: ServeOptions, hooks: ServeHooks = {}): Promise<number> {
  if (o.quickstart && o.config !== undefined) throw new UsageError('--quickstart runs its own configuration; drop --config (or --quickstart)');
  const cwd = hooks.cwd ?? process.cwd();
  // a signal during start-up (a slow first bundle download) still stops cleanly
  const signal = hooks.until === undefined ? processStopSignal() : undefined;
  const until = hooks.until ?? signal!.promise;

  let mock: MockUpstream | undefined;
  let proxy: ProxyServer | undefined;
  try {
    if (o.quickstart) {
      const { startMockUpstream } = await import('../../mock-upstream/index.js');
      mock = await startMockUpstream({ port: 0, maxRecorded: 0 });
    }
    let config: Config;
    try {
      config = await loadServeConfig(io, o, cwd, mock?.url);
    } catch (e) {
      if (e instanceof ConfigError) {
        io.err(formatConfigError(e));
        return EXIT_ERROR;
      }
      throw e;
    }
    try {
      proxy = await startProxy(config, { logStream: logStream(io) });
    } catch (e) {
      const usage = listenError(e, config);
      if (usage) throw usage;
      if (e instanceof IdentityConfigError || e instanceof JsonPathError || e instanceof QuotaStoreError) {
        io.err(`railgate: ${e.message}\n`);
        return EXIT_ERROR;
      }
      if (e instanceof BundleError) {
        io.err(`railgate: bundle.source: ${formatBundleError(e)}\n`);
        return EXIT_ERROR;
      }
      if (e instanceof RangeError) throw new UsageError(`bundle.polling: ${e.message}`);
      throw e;
    }
    io.out(banner(proxy, config, mock));
    hooks.onStarted?.(proxy);
    await until;
    io.out('stopping: requests in flight finish first\n');
    return EXIT_OK;
  } finally {
    signal?.dispose();
    await proxy?.close({ graceMs: hooks.graceMs ?? 10_000 });
    await mock?.close();
    if (proxy) io.out('stopped\n');
  }
}
