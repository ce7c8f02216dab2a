import type { Command } from 'commander';
import type { SetCode } from './common.js';
import type { CliIO } from './io.js';

// The bundle author's commands: build, sign, verify, inspect, keygen. Registered
// here so program.ts stays the index of commands; the work is in ./commands.

export function addBundleCommands(_program: Command, _io: CliIO, _setCode: SetCode): void {}
