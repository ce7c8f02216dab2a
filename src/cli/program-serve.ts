import { Option, type Command } from 'commander';
import { examples, type SetCode } from './common.js';
import type { CliIO } from './io.js';

// `railgate serve`: the guardrail proxy. Registered here so program.ts stays the
// index of commands; the work is in ./commands/serve.ts, imported only when it runs.

interface ServeFlags {
  config?: string;
  listen?: string;
  bundle?: string;
  verificationKey?: string;
  logLevel?: string;
  quickstart?: boolean;
}

export function addServeCommands(program: Command, io: CliIO, setCode: SetCode): void {
  program
    .command('serve')
    .description('run the guardrail proxy: enforce policy bundles on every request to the model servers')
    .option('-c, --config <file>', 'the configuration file (default: ./railgate.yaml when it exists)')
    .option('--listen <host:port>', 'address to listen on, e.g. 0.0.0.0:8080 or :8080 (overrides listen)')
    .option('--bundle <url|path>', 'bundle URL, .tar.gz file or bundle directory (overrides bundle.source)')
    .option('--verification-key <pem>', 'PEM public key file (or PEM text) bundles must be signed with (overrides bundle.verification)')
    .addOption(new Option('--log-level <level>', 'log level (overrides log.level)').choices(['debug', 'info', 'warn', 'error', 'silent']))
    .option('--quickstart', 'no configuration needed: the reference policies in front of a built-in mock model server, with a ready-made API key')
    .addHelpText(
      'after',
      `
Prints where it listens, the active bundle revision and each connection (name,
prefix, upstream). Requests under a connection's prefix are authenticated,
evaluated against its policy package and forwarded, or refused with an error in
the protocol's style; /healthz and /readyz report liveness and readiness. Without
an active bundle the proxy still starts, refuses requests with 503 and keeps
polling. SIGINT or SIGTERM stops accepting, lets requests in flight finish (up to
10 s) and exits 0. See docs/proxy.md and docs/configuration.md.
Exit status: 0 stopped by a signal, 2 bad usage, configuration errors (each is
printed with file:line:col and the key path) or an address that cannot be bound.
${examples([
        'railgate serve --quickstart',
        'railgate serve',
        'railgate serve --config /etc/railgate/railgate.yaml',
        'railgate serve --listen :9000 --bundle https://bundles.example.com/chat.tar.gz --verification-key public.pem',
        'railgate serve --bundle build/bundle.tar.gz --log-level debug',
      ])}`,
    )
    .action(async (o: ServeFlags) => {
      const { runServe } = await import('./commands/serve.js');
      setCode(await runServe(io, { ...o, quickstart: o.quickstart === true }));
    });
}
