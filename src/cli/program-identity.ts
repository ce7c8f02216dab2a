import { Option, type Command } from 'commander';
import { examples, type SetCode } from './common.js';
import type { CliIO } from './io.js';

// Identity commands: `railgate api-key hash|generate` for the service-account API
// keys the proxy accepts. The work is in ./commands/api-key.ts, imported when run.

const formatOption = (): Option => new Option('--format <format>', 'output format').choices(['text', 'json']).default('text');

const CONFIG_SNIPPET = `
In railgate.yaml the hash goes with the caller's identity:
  identity:
    api_keys:
      - id: ci-bot
        hash: sha256:…
        groups: [ci]
Clients send the key as "Authorization: Bearer <key>" (OpenAI SDKs) or
"x-api-key: <key>" (Anthropic SDKs).`;

export function addIdentityCommands(program: Command, io: CliIO, setCode: SetCode): void {
  const group = program
    .command('api-key')
    .description('create API keys for service accounts and the hashes railgate.yaml stores')
    .addHelpText(
      'after',
      `${CONFIG_SNIPPET}
${examples(['railgate api-key generate', 'railgate api-key generate --prefix ci- --format json', 'printf %s "$KEY" | railgate api-key hash'])}`,
    );

  group
    .command('hash')
    .description('print the sha256:<hex> hash of an API key (read from standard input)')
    .argument('[key]', 'the key; prefer standard input, an argument stays in shell history')
    .addOption(formatOption())
    .addHelpText(
      'after',
      `
Standard input must hold the key on one line; a final line ending is dropped.
The hash is SHA-256 of the key's UTF-8 bytes, hex-encoded after "sha256:".
Exit status: 0 printed, 2 no key or bad usage.
${examples(['printf %s "$KEY" | railgate api-key hash', 'railgate api-key hash < ci-bot.key', 'railgate api-key hash --format json < ci-bot.key'])}`,
    )
    .action(async (key: string | undefined, o: { format: 'text' | 'json' }) => {
      const { runApiKeyHash } = await import('./commands/api-key.js');
      setCode(await runApiKeyHash(io, key, o));
    });

  group
    .command('generate')
    .description('print a new random API key (256 bits) and its hash')
    .option('--prefix <prefix>', 'text before the random part, so the key is recognizable (and secret scanners can find it)', 'rg-')
    .addOption(formatOption())
    .addHelpText(
      'after',
      `
Text output is two lines on standard output: the key, then its hash (a note on
standard error says which is which). JSON output is {"key": ..., "hash": ...}.
The key is printed once and stored nowhere: hand it to the client, put the hash
in railgate.yaml.
Exit status: 0 printed, 2 bad usage.
${CONFIG_SNIPPET}
${examples([
        'railgate api-key generate',
        'railgate api-key generate --prefix ci- --format json',
        '{ read -r key; read -r hash; } < <(railgate api-key generate 2>/dev/null)',
      ])}`,
    )
    .action(async (o: { prefix: string; format: 'text' | 'json' }) => {
      const { runApiKeyGenerate } = await import('./commands/api-key.js');
      setCode(runApiKeyGenerate(io, o));
    });
}
