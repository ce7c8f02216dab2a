import { Command, CommanderError, Option } from 'commander';
import { collect, examples, parsePositiveInt, type SetCode } from './common.js';
import { addBundleCommands } from './program-bundle.js';
import { addWatchCommand } from './program-watch.js';
import { addIdentityCommands } from './program-identity.js';
import { addMockCommands } from './program-mock.js';
import { addServeCommands } from './program-serve.js';
import { addQuotaCommands } from './program-quota.js';
import { EXIT_ERROR, EXIT_OK, UsageError, type CliIO } from './io.js';

/** Per-test evaluation time limit unless --timeout says otherwise. */
const DEFAULT_TEST_TIMEOUT_MS = 5000;
import { railgateVersion } from './version.js';

// The `railgate` command line: argument parsing and help here, the work in
// ./commands, imported only when their command runs so `--help` and `version`
// start without loading the compiler. runCli never throws and never exits the process; it returns the
// exit code, so the entry point decides when to exit and tests can call it too.

const formatOption = (): Option =>
  new Option('--format <format>', 'output format').choices(['text', 'json']).default('text');

interface EvalFlags {
  data?: string[];
  input?: string;
  explain?: boolean;
  strict?: boolean;
  timeout?: number;
  bundle?: string;
  verificationKey?: string;
  signingAlg?: string;
  keyId?: string;
  scope?: string;
}

function buildProgram(io: CliIO, setCode: SetCode): Command {
  const version = railgateVersion();
  const program = new Command('railgate');
  program
    .description('Policy-as-code guardrail gateway for AI APIs: write and test .gate policies, ship them as signed bundles, and run the proxy that enforces them.')
    .version(`railgate ${version}`, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand('help [command]', 'show help for a command')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      outputError: (s, write) => write(`railgate: ${s.replace(/^error: /, '')}`),
    })
    .addHelpText(
      'after',
      examples([
        'railgate check policies/',
        'railgate test policies/ -v',
        'railgate eval -d policies/ -i request.json data.railgate.chat',
        'railgate fmt -w policies/',
        'railgate build policies/ -o bundle.tar.gz --signing-key key.pem --signing-alg ES256',
        'railgate serve --quickstart',
        'railgate serve --config railgate.yaml',
      ]),
    );

  program
    .command('check')
    .description('parse and check policies; print every diagnostic (exit 1 on any error)')
    .argument('<paths...>', '.gate files or directories (searched recursively)')
    .addOption(formatOption())
    .addHelpText(
      'after',
      `\nDirectories are searched for .gate files; hidden directories and node_modules are skipped.\nExit status: 0 no errors, 1 errors found, 2 a path could not be read.\n${examples([
        'railgate check policies/',
        'railgate check policies/chat.gate --format json',
      ])}`,
    )
    .action(async (paths: string[], o: { format: 'text' | 'json' }) => {
      const { runCheck } = await import('./commands/check.js');
      setCode(await runCheck(io, paths, o));
    });

  program
    .command('test')
    .description('run the test_* rules of policies (todo_test_* are skipped)')
    .argument('<paths...>', '.gate files or directories; .json/.yaml files given here are loaded as data')
    .option('-v, --verbose', 'show every test, not only failures')
    .option('--run <regex>', 'only run tests whose full name (data.pkg.test_x) matches')
    .option('-d, --data <path>', 'a .json/.yaml data document merged into data, or more policies (repeatable)', collect)
    .addOption(formatOption())
    .option('--coverage', 'report which policy lines the tests evaluated')
    .option('--timeout <ms>', 'evaluation time limit per test', parsePositiveInt('--timeout'), DEFAULT_TEST_TIMEOUT_MS)
    .addHelpText(
      'after',
      `\nA test passes when its rule is defined and not false. The last line is the\nsummary "N passed, N failed" (", N skipped" when any); errors count as failed.\nData files are merged into data at the root (a key defined by two files is an\nerror); only files named on the command line are loaded.\nExit status: 0 all passed, 1 a test failed or the policies have errors, 2 bad usage.\n${examples([
        'railgate test policies/',
        'railgate test policies/ -v --run chat',
        'railgate test policies/ --coverage',
        'railgate test policies/ -d fixtures/groups.json --format json',
      ])}`,
    )
    .action(
      async (
        paths: string[],
        o: { verbose?: boolean; run?: string; data?: string[]; format: 'text' | 'json'; coverage?: boolean; timeout: number },
      ) => {
        const { runTest } = await import('./commands/test.js');
        setCode(
          await runTest(io, paths, {
            ...o,
            verbose: o.verbose === true,
            coverage: o.coverage === true,
            data: o.data ?? [],
          }),
        );
      },
    );

  program
    .command('eval')
    .description('print the JSON value of a reference under data (exit 1 when undefined)')
    .argument('<ref>', 'a reference under data (data.railgate.chat, data.app.rbac.allow), or a query body')
    .option('-d, --data <path>', '.gate file or directory, or .json/.yaml data document (repeatable)', collect)
    .option('-b, --bundle <bundle.tar.gz>', 'evaluate a bundle (.gate packages or policy.wasm entrypoints) instead of -d')
    .option('--verification-key <pem|secret>', 'with -b: verify the bundle signature with this key first')
    .option('--signing-alg <alg>', 'with --verification-key: the algorithm the signature must use')
    .option('--key-id <id>', 'with --verification-key: the key id the signature must name')
    .option('--scope <scope>', 'with --verification-key: the scope the signature must carry')
    .option('-i, --input <file>', 'the input document (.json or .yaml; - reads standard input)')
    .option('--explain', 'after the value, list the rules that fired')
    .option('--strict', 'a builtin error (bad regex, wrong type) is an error, not an undefined result')
    .option('--timeout <ms>', 'evaluation time limit', parsePositiveInt('--timeout'))
    .addHelpText(
      'after',
      `\nSets print as arrays. Prints "undefined" when the reference has no value. A query\nbody ('x := data.app.limits[_]; x > 10') prints its solutions as an array of\nvariable bindings. Data files are merged into data at the root (a key defined\nby two files is an error); directories contribute only their .gate files.\nExit status: 0 defined, 1 undefined, 2 errors (policy, input or evaluation).\n${examples([
        'railgate eval -d policies/ -i request.json data.railgate.chat',
        'railgate eval -d rbac.gate -d roles.json -i input.json data.app.rbac.allow',
        'railgate eval -d policies/ -i request.json --explain data.railgate.chat.deny',
        'railgate eval -b bundle.tar.gz -i input.json data.app.rbac.allow',
        "railgate eval -d policies/ 'some m; data.railgate.chat.models[m]'",
      ])}`,
    )
    .action(
      async (ref: string, o: EvalFlags) => {
        const { runEval } = await import('./commands/eval.js');
        const { bundle, verificationKey, signingAlg, keyId, scope, ...rest } = o;
        if (bundle === undefined && (verificationKey ?? signingAlg ?? keyId ?? scope) !== undefined) {
          throw new UsageError('--verification-key, --signing-alg, --key-id and --scope need a bundle (-b)');
        }
        setCode(
          await runEval(io, ref, {
            ...rest,
            data: o.data ?? [],
            explain: o.explain === true,
            strict: o.strict === true,
            ...(bundle !== undefined ? { bundle: { bundle, verificationKey, signingAlg, keyId, scope } } : {}),
          }),
        );
      },
    );

  program
    .command('fmt')
    .description('format policies in the one canonical style')
    .argument('<paths...>', '.gate files or directories')
    .addOption(new Option('-w, --write', 'rewrite files whose formatting changed and list them').conflicts(['check', 'diff']))
    .option('--check', 'list files whose formatting would change; exit 1 if any')
    .option('--diff', 'print a unified diff of the changes')
    .addHelpText(
      'after',
      `\nWithout options the formatted text is printed to stdout. A file that does not\nparse is left untouched and its diagnostics are printed.\nExit status: 0 ok, 1 --check found files to change, 2 a file does not parse.\n${examples([
        'railgate fmt policies/chat.gate',
        'railgate fmt -w policies/',
        'railgate fmt --check policies/',
        'railgate fmt --diff policies/',
      ])}`,
    )
    .action(async (paths: string[], o: { write?: boolean; check?: boolean; diff?: boolean }) => {
      const { runFmt } = await import('./commands/fmt.js');
      setCode(await runFmt(io, paths, { write: o.write === true, check: o.check === true, diff: o.diff === true }));
    });

  addBundleCommands(program, io, setCode);
  addWatchCommand(program, io, setCode);
  addServeCommands(program, io, setCode);
  addMockCommands(program, io, setCode);
  addIdentityCommands(program, io, setCode);
  addQuotaCommands(program, io, setCode);

  program
    .command('version')
    .description('print the version')
    .addHelpText('after', examples(['railgate version']))
    .action(() => {
      io.out(`railgate ${version}\n`);
      setCode(EXIT_OK);
    });

  return program;
}

/** Runs railgate with the arguments after the program name; resolves to the exit code. */
export async function runCli(args: readonly string[], io: CliIO): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    if (args.length === 0) {
      program.outputHelp({ error: true });
      return EXIT_ERROR;
    }
    await program.parseAsync([...args], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and --version exit 0; every usage mistake is exit 2.
      return e.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    }
    if (e instanceof UsageError) {
      io.err(`railgate: ${e.message}\n`);
      if (e.hint) io.err(`  hint: ${e.hint}\n`);
      return EXIT_ERROR;
    }
    const message = e instanceof Error ? e.message : String(e);
    io.err(`railgate: internal error: ${message.split('\n')[0]}\n`);
    if (io.env['RAILGATE_DEBUG'] === '1' && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    else io.err('  (set RAILGATE_DEBUG=1 to see the stack trace)\n');
    return EXIT_ERROR;
  }
}
