import { Option, type Command } from 'commander';
import { SIGNING_ALGS } from '../bundle/keys.js';
import type { WatchOptions } from './commands/watch.js';
import { collect, examples, parsePositiveInt, type SetCode } from './common.js';
import type { CliIO } from './io.js';

// `railgate bundle watch <url|path>`: the bundle client on its own, printing each
// activation and error as it happens.

/** What commander hands over: the repeatable and boolean flags may be absent. */
type WatchFlags = Omit<WatchOptions, 'header' | 'once'> & { header?: string[]; once?: boolean };

export function addWatchCommand(program: Command, io: CliIO, setCode: SetCode): void {
  const bundle = program
    .command('bundle')
    .description('run the bundle client: poll, verify and activate bundles as the proxy does')
    .addHelpText('after', examples(['railgate bundle watch https://bundles.example.com/chat.tar.gz --verification-key public.pem']));

  bundle
    .command('watch')
    .description('poll a bundle URL (or watch a local bundle) and print each activation, 304 and error')
    .argument('<source>', 'http(s) URL of a bundle archive, or a local .tar.gz file or bundle directory')
    .option('--verification-key <pem|secret>', 'a bundle must carry a signature that verifies with this key (PEM file, or the HS* secret)')
    .addOption(new Option('--signing-alg <alg>', 'with --verification-key: the algorithm the signature must use').choices(SIGNING_ALGS))
    .option('--key-id <id>', 'with --verification-key: the key id the signature must name')
    .option('--scope <scope>', 'with --verification-key: the scope the signature must carry')
    .option('--persist-dir <dir>', 'keep the last good bundle here and start from it (HTTP sources)')
    .option('--min-delay <ms>', 'least delay between polls (default 60000; 1000 for local sources)', parsePositiveInt('--min-delay'))
    .option('--max-delay <ms>', 'greatest delay between polls (default 120000; 2000 for local sources)', parsePositiveInt('--max-delay'))
    .option('--timeout <ms>', 'time limit of one download (default 30000)', parsePositiveInt('--timeout'))
    .option('--header <name: value>', 'an extra request header, e.g. Authorization (repeatable; never printed)', collect)
    .option('--once', 'poll once and exit: 0 when a bundle is active, 1 when none is')
    .addOption(new Option('--format <format>', 'output format: one line of text, or one JSON object, per event').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `\nPrints one line per event: "activated revision R from download", "not modified",
"error: code: message", "backing off N ms". A bundle that fails to download, verify
or compile leaves the active one in place; failures are retried with exponential
backoff. Runs until SIGINT or SIGTERM (exit 0).
Exit status with --once: 0 a bundle is active, 1 none is; 2 bad arguments or key.
${examples([
        'railgate bundle watch https://bundles.example.com/chat.tar.gz --verification-key public.pem',
        'railgate bundle watch https://bundles.example.com/chat.tar.gz --persist-dir /var/lib/railgate --format json',
        'railgate bundle watch https://bundles.example.com/chat.tar.gz --header "Authorization: Bearer $TOKEN" --once',
        'railgate bundle watch build/bundle.tar.gz',
        'railgate bundle watch bundles/chat/ --min-delay 500 --max-delay 1000',
      ])}`,
    )
    .action(async (source: string, o: WatchFlags) => {
      const { runWatch } = await import('./commands/watch.js');
      setCode(
        await runWatch(io, source, {
          ...o,
          header: o.header ?? [],
          once: o.once === true,
        }),
      );
    });
}
