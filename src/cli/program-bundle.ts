import { Option, type Command } from 'commander';
import { SIGNING_ALGS } from '../bundle/keys.js';
import { collect, examples, type SetCode } from './common.js';
import { UsageError, type CliIO } from './io.js';

// The bundle author's commands: build, sign, verify, inspect, keygen. Registered
// here so program.ts stays the index of commands; the work is in ./commands,
// imported only when the command runs.

const signingAlgOption = (what: string): Option => new Option('--signing-alg <alg>', what).choices(SIGNING_ALGS);

interface BuildFlags {
  output: string;
  revision?: string;
  data?: string[];
  root?: string[];
  signingKey?: string;
  signingAlg?: string;
  keyId?: string;
  scope?: string;
  claimsFile?: string;
  skipTests?: boolean;
  wasm?: string;
  entrypoint?: string[];
}

interface SignFlags {
  signingKey: string;
  signingAlg: string;
  keyId?: string;
  scope?: string;
  claimsFile?: string;
  output?: string;
}

interface VerifyFlags {
  verificationKey: string;
  signingAlg?: string;
  keyId?: string;
  scope?: string;
}

export function addBundleCommands(program: Command, io: CliIO, setCode: SetCode): void {
  program
    .command('build')
    .description('build an OPA-compatible bundle (.tar.gz) from policies: check, test, sign')
    .argument('<paths...>', '.gate files or directories (searched recursively; *_test.gate files are run, not bundled)')
    .requiredOption('-o, --output <file>', 'where to write the bundle, e.g. bundle.tar.gz')
    .option('--revision <rev>', 'the bundle revision (default: a digest of the content, so equal inputs give equal bundles)')
    .option('--data <file>', 'a .json/.yaml document merged into the bundle root data.json (repeatable)', collect)
    .option('--root <path>', 'a data path the bundle owns, e.g. railgate/chat (repeatable; default: all of data)', collect)
    .option('--signing-key <pem|secret>', 'sign with this key: a PEM private key file, or the HS* secret (or a file holding it)')
    .addOption(signingAlgOption('with --signing-key: the signing algorithm'))
    .option('--key-id <id>', 'with --signing-key: the key id recorded in the signature (default "default")')
    .option('--scope <scope>', 'with --signing-key: the scope recorded in the signature')
    .option('--claims-file <file>', 'with --signing-key: a JSON object of extra claims for the signature (iss, iat, ...)')
    .option('--skip-tests', 'do not run the test_* rules')
    .option('--wasm <file>', 'include this policy.wasm (built by `opa build -t wasm`)')
    .option('--entrypoint <path>', 'with --wasm: a rule the module answers, app/rbac/allow or data.app.rbac.allow (repeatable)', collect)
    .addHelpText(
      'after',
      `
The bundle holds /.manifest, /data.json, the .gate sources under their paths
relative to the directory given (a file given by name sits at the top), an
optional /policy.wasm and, when signed, /.signatures.json. It is refused when a
policy has an error or a test fails. Prints one line: the revision, the number
of files, the size, whether it is signed, and the tests that passed.
Exit status: 0 built, 1 refused (policy errors, failing tests, roots), 2 bad
usage, an unreadable input or key.
${examples([
        'railgate build policies/ -o bundle.tar.gz',
        'railgate build policies/ -o bundle.tar.gz --revision v42 --data groups.json --root railgate',
        'railgate build policies/ -o bundle.tar.gz --signing-key key.pem --signing-alg ES256 --key-id ci',
        'railgate build policies/ -o bundle.tar.gz --signing-key hmac.secret --signing-alg HS256 --scope prod',
        'railgate build rbac/ -o bundle.tar.gz --wasm policy.wasm --entrypoint app/rbac/allow --skip-tests',
      ])}`,
    )
    .action(async (paths: string[], o: BuildFlags) => {
      const { runBuild } = await import('./commands/build.js');
      setCode(
        await runBuild(io, paths, {
          ...o,
          data: o.data ?? [],
          root: o.root ?? [],
          entrypoint: o.entrypoint ?? [],
          skipTests: o.skipTests === true,
        }),
      );
    });

  program
    .command('sign')
    .description('sign an existing bundle (replacing any signature it carries)')
    .argument('<bundle>', 'the bundle archive (.tar.gz)')
    .requiredOption('--signing-key <pem|secret>', 'a PEM private key file, or the HS* secret (or a file holding it)')
    .addOption(signingAlgOption('the signing algorithm').makeOptionMandatory())
    .option('--key-id <id>', 'the key id recorded in the signature (default "default")')
    .option('--scope <scope>', 'the scope recorded in the signature')
    .option('--claims-file <file>', 'a JSON object of extra claims for the signature (iss, iat, ...)')
    .option('-o, --output <file>', 'write the signed bundle here instead of replacing the input')
    .addHelpText(
      'after',
      `
The signature lists every file of the bundle (.manifest included) with its
SHA-256, exactly as OPA signs bundles. The bundle is checked first (manifest,
data, roots) and rewritten in place unless -o is given.
Exit status: 0 signed, 1 the bundle cannot be read, 2 bad usage, file or key.
${examples([
        'railgate sign bundle.tar.gz --signing-key key.pem --signing-alg ES256 --key-id ci',
        'railgate sign bundle.tar.gz --signing-key key.pem --signing-alg RS256 --scope prod -o signed.tar.gz',
      ])}`,
    )
    .action(async (bundle: string, o: SignFlags) => {
      const { runSign } = await import('./commands/sign.js');
      setCode(await runSign(io, bundle, o));
    });

  program
    .command('verify')
    .description("verify a bundle's signature and contents")
    .argument('<bundle>', 'the bundle archive (.tar.gz)')
    .requiredOption('--verification-key <pem|secret>', 'a PEM public key (or certificate) file, or the HS* secret (or a file holding it)')
    .addOption(signingAlgOption('the algorithm the signature must use'))
    .option('--key-id <id>', 'the key id the signature must name')
    .option('--scope <scope>', 'the scope the signature must carry (none when not given)')
    .addHelpText(
      'after',
      `
Checks the signature with the key, that it lists every file of the bundle and
no other, that each file's digest matches, and that the manifest and data are
valid. Prints "verified: revision R, N files, key id K, alg A".
Exit status: 0 verified, 1 rejected (the reason is printed), 2 bad usage, file or key.
${examples([
        'railgate verify bundle.tar.gz --verification-key public.pem',
        'railgate verify bundle.tar.gz --verification-key public.pem --signing-alg ES256 --key-id ci --scope prod',
        'railgate verify bundle.tar.gz --verification-key hmac.secret',
      ])}`,
    )
    .action(async (bundle: string, o: VerifyFlags) => {
      const { runVerify } = await import('./commands/verify.js');
      setCode(await runVerify(io, bundle, o));
    });

  program
    .command('inspect')
    .description('show what a bundle holds: revision, roots, files, signer, packages, WASM entrypoints')
    .argument('<bundle>', 'the bundle archive (.tar.gz)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--verification-key <pem|secret>', 'verify the signature with this key (otherwise it is shown as "not verified")')
    .addOption(signingAlgOption('with --verification-key: the algorithm the signature must use'))
    .option('--key-id <id>', 'with --verification-key: the key id the signature must name')
    .option('--scope <scope>', 'with --verification-key: the scope the signature must carry')
    .addHelpText(
      'after',
      `
Without --verification-key the signer is read from the signature but not
checked. Packages are read from each .gate (and .rego) file's package line.
Exit status: 0 shown, 1 not a valid bundle (or the signature does not verify),
2 bad usage, file or key.
${examples(['railgate inspect bundle.tar.gz', 'railgate inspect bundle.tar.gz --format json', 'railgate inspect bundle.tar.gz --verification-key public.pem'])}`,
    )
    .action(
      async (
        bundle: string,
        o: { format: 'text' | 'json'; verificationKey?: string; signingAlg?: string; keyId?: string; scope?: string },
      ) => {
        if (o.verificationKey === undefined && (o.signingAlg ?? o.keyId ?? o.scope) !== undefined) {
          throw new UsageError('--signing-alg, --key-id and --scope need --verification-key');
        }
        const { runInspect } = await import('./commands/inspect.js');
        setCode(await runInspect(io, bundle, o));
      },
    );

  program
    .command('keygen')
    .description('generate a key pair (or an HMAC secret) for signing bundles')
    .addOption(new Option('--alg <alg>', 'the signing algorithm the key is for').choices(SIGNING_ALGS).makeOptionMandatory())
    .requiredOption('-o, --output <prefix>', 'write <prefix>.pem and <prefix>.pub.pem (HS*: <prefix>.secret)')
    .option('--force', 'overwrite existing files')
    .addHelpText(
      'after',
      `
The private key (PKCS#8 PEM) or secret is written with mode 0600; the public key
(SPKI PEM) is what \`railgate verify\` and the proxy's bundle client take.
Existing files are not overwritten unless --force is given.
Exit status: 0 written, 2 bad usage or a file that exists or cannot be written.
${examples([
        'railgate keygen --alg ES256 -o keys/bundle',
        'railgate keygen --alg EdDSA -o signing --force',
        'railgate keygen --alg HS256 -o hmac',
      ])}`,
    )
    .action(async (o: { alg: string; output: string; force?: boolean }) => {
      const { runKeygen } = await import('./commands/keygen.js');
      setCode(await runKeygen(io, { alg: o.alg, output: o.output, force: o.force === true }));
    });
}
