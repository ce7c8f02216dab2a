// What a command may touch besides the file system: two output streams and the
// environment. Passing them in keeps commands testable and output ordering explicit.

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** progress goes to stderr only when a person is watching */
  errIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** all of standard input as text (`-i -`); rejects past MAX_STDIN bytes */
  readStdin(): Promise<string>;
}

/** The most standard input railgate reads (an input document, not a stream). */
export const MAX_STDIN = 64 * 1024 * 1024;

/** A mistake in how railgate was called or what it was pointed at: message only, exit 2. */
export class UsageError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'UsageError';
    this.hint = hint;
  }
}

export const EXIT_OK = 0;
/** check found errors, a test failed, eval was undefined, fmt --check found changes */
export const EXIT_FAIL = 1;
/** bad usage, unreadable input, internal error */
export const EXIT_ERROR = 2;

export function processIO(): CliIO {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    errIsTTY: process.stderr.isTTY === true,
    env: process.env,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of process.stdin) {
        size += (chunk as Buffer).length;
        if (size > MAX_STDIN) throw new UsageError(`standard input is larger than ${MAX_STDIN / 1024 / 1024} MiB`, 'pass a file with -i <file>');
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
