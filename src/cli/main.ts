import { processIO } from './io.js';
import { runCli } from './program.js';

// Entry point (bin/railgate.js imports the build of this file). Sets the exit code
// rather than calling process.exit, so buffered stdout reaches a pipe in full.

process.exitCode = await runCli(process.argv.slice(2), processIO());
