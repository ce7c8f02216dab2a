import { Option, type Command } from 'commander';
import { examples, type SetCode } from './common.js';
import type { CliIO } from './io.js';

// `railgate quota show`: budgets as the store counts them.

export function addQuotaCommands(program: Command, io: CliIO, setCode: SetCode): void {
  const quota = program.command('quota').description('token and request budgets: current usage per quota and key');
  quota
    .command('show')
    .description('list current usage of every quota counter (or those of one key or quota)')
    .option('-c, --config <file>', 'the proxy configuration whose quota store to read (default ./railgate.yaml)')
    .option('--key <key>', 'only counters of this key (a user id, a team, ...)')
    .option('--name <quota>', 'only counters of this quota')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      `\nReads the SQLite file or Redis server named by the configuration's quota section,\nso it works with or without a running proxy. Usage counts what was charged and\nwhat is reserved by requests in flight, within each quota's sliding window.\nExit status: 0 listed, 1 nothing matches --key/--name, 2 bad usage or store unreachable.\n${examples([
        'railgate quota show --config railgate.yaml',
        'railgate quota show --key alice@example.com',
        'railgate quota show --name daily-tokens --format json',
      ])}`,
    )
    .action(async (o: { config?: string; key?: string; name?: string; format: 'text' | 'json' }) => {
      const { runQuotaShow } = await import('./commands/quota.js');
      setCode(await runQuotaShow(io, o));
    });
}
