import type { Command } from 'commander';
import type { SetCode } from './common.js';
import type { CliIO } from './io.js';

// `railgate bundle watch <url|path>`: the bundle client on its own, printing each
// activation and error as it happens.

export function addWatchCommand(_program: Command, _io: CliIO, _setCode: SetCode): void {}
