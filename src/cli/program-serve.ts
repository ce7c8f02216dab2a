import type { Command } from 'commander';
import type { SetCode } from './common.js';
import type { CliIO } from './io.js';

export function addServeCommands(_program: Command, _io: CliIO, _setCode: SetCode): void {}
