import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { cli } from './run.js';

describe('help', () => {
  it('lists every command', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['check', 'test', 'eval', 'fmt', 'version']) expect(r.stdout).toMatch(new RegExp(`\\n  ${cmd} `));
  });

  it.each(['check', 'test', 'eval', 'fmt', 'version'])('%s --help has a description and examples', async (cmd) => {
    const r = await cli([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: railgate ${cmd} `));
    expect(r.stdout).toMatch(new RegExp(`\\nExamples:\\n  railgate ${cmd}\\b`));
  });

  it('no command: help on stderr, exit 2', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: railgate');
  });
});

describe('usage errors', () => {
  it.each([
    [['bogus'], "railgate: unknown command 'bogus'"],
    [['check'], "railgate: missing required argument 'paths'"],
    [['test', 'x', '--timeout', 'soon'], '--timeout must be a positive whole number, got "soon"'],
    [['check', 'x', '--format', 'xml'], "argument 'xml' is invalid. Allowed choices are text, json"],
    [['eval', 'data.x', '--frobnicate'], "railgate: unknown option '--frobnicate'"],
  ])('%j exits 2 with a one-line message', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('internal errors', () => {
  const failingIO = (env: Record<string, string>) => {
    let stderr = '';
    const io = {
      out: () => {
        throw new Error('stdout went away');
      },
      err: (t: string) => void (stderr += t),
      errIsTTY: false,
      env,
      readStdin: () => Promise.resolve(''),
    };
    return { io, stderr: () => stderr };
  };

  it('print one line and exit 2, the stack only with RAILGATE_DEBUG=1', async () => {
    const quiet = failingIO({});
    expect(await runCli(['version'], quiet.io)).toBe(2);
    expect(quiet.stderr()).toBe('railgate: internal error: stdout went away\n  (set RAILGATE_DEBUG=1 to see the stack trace)\n');
    const debug = failingIO({ RAILGATE_DEBUG: '1' });
    expect(await runCli(['version'], debug.io)).toBe(2);
    expect(debug.stderr()).toMatch(/^railgate: internal error: stdout went away\nError: stdout went away\n\s+at /);
  });
});
