import { InvalidArgumentError, type Command } from 'commander';
import { examples, parsePositiveInt, type SetCode } from './common.js';
import type { CliIO } from './io.js';

// `railgate mock-upstream`: a realistic mock model server for trying the proxy out,
// the end-to-end tests and the benchmarks. The work is in ./commands/mock-upstream.ts.

interface MockFlags {
  host: string;
  port: number;
  latency?: number;
  chunkDelay?: number;
  chunkChars?: number;
  requireAuth?: string;
  embeddingDimensions?: number;
  quiet?: boolean;
}

function parseWhole(name: string, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n > max) throw new InvalidArgumentError(`${name} must be a whole number from 0 to ${max}, got "${value}"`);
    return n;
  };
}

export function addMockCommands(program: Command, io: CliIO, setCode: SetCode): void {
  program
    .command('mock-upstream')
    .description('run a mock OpenAI/Anthropic model server (real response shapes and SSE streaming) to point the proxy at')
    .option('--host <address>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port (0 picks a free one)', parseWhole('--port', 65535), 9090)
    .option('--latency <ms>', 'delay before the first byte of every response', parseWhole('--latency', 600_000))
    .option('--chunk-delay <ms>', 'delay between stream events', parseWhole('--chunk-delay', 600_000))
    .option('--chunk-chars <n>', 'characters of generated text per stream delta (default 4)', parsePositiveInt('--chunk-chars'))
    .option('--require-auth <key>', 'answer 401 unless requests carry this key (Authorization: Bearer, or x-api-key on Anthropic paths)')
    .option('--embedding-dimensions <n>', 'length of embedding vectors when a request does not set dimensions (default 8)', parsePositiveInt('--embedding-dimensions'))
    .option('--quiet', 'do not print a line per request')
    .addHelpText(
      'after',
      `
Serves POST /v1/chat/completions, /v1/completions, /v1/responses, /v1/embeddings,
/v1/vector_stores/{id}/search, GET /v1/models (OpenAI) and POST /v1/messages
(Anthropic). The model answers "You said: <last user text>"; a prompt containing
"say: <text>" gets exactly <text>, and "call tool <name> <rest>" gets a tool call
with arguments {"text": "<rest>"}. Headers inject faults per request: x-mock-status,
x-mock-delay-ms, x-mock-hang (headers|body), x-mock-chunk-chars, x-mock-chunk-delay-ms.
Prints "mock upstream listening on <url>", then one line per request (method,
path, status, duration; never the prompt). Runs until SIGINT or SIGTERM (exit 0).
See docs/mock-upstream.md.
${examples([
        'railgate mock-upstream',
        'railgate mock-upstream --port 9090 --latency 200 --chunk-delay 20',
        'railgate mock-upstream --port 0 --chunk-chars 1 --quiet',
        'railgate mock-upstream --require-auth sk-upstream-test',
      ])}`,
    )
    .action(async (o: MockFlags) => {
      const { runMockUpstream } = await import('./commands/mock-upstream.js');
      setCode(await runMockUpstream(io, { ...o, quiet: o.quiet === true }));
    });
}
