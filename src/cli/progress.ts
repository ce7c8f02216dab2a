import type { CliIO } from './io.js';

// Progress for large runs, on stderr and only on a terminal, so piped output and
// CI logs stay clean.

export const PROGRESS_THRESHOLD = 200;

export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

export function createProgress(io: CliIO, label: string): Progress {
  let shown = false;
  let last = 0;
  return {
    update(done, total) {
      if (!io.errIsTTY || total <= PROGRESS_THRESHOLD) return;
      // Redraw every 1% or so, not for every file.
      const step = Math.max(1, Math.floor(total / 100));
      if (done !== total && done - last < step) return;
      last = done;
      shown = true;
      io.err(`\r${label} ${done}/${total}`);
    },
    done() {
      if (shown) io.err('\r\x1b[K');
      shown = false;
      last = 0;
    },
  };
}
