import type { CliIO } from "./io.js";

/** Options of {@link delayedProgress}. */
export interface DelayedProgressOptions {
  /** Show nothing until the run has taken this long (default 2000 ms): short runs stay quiet. */
  readonly delayMs?: number;
  /** Redraw at most this often (default 100 ms). */
  readonly everyMs?: number;
  /** Draw even when stderr is not a terminal (default: only on a terminal). */
  readonly force?: boolean;
  /** The clock, in ms (tests pass a fake one). */
  readonly now?: () => number;
}

/** A progress bar for a run of `total` steps. */
export interface Progress {
  /** Steps done so far (draws the bar once the delay has passed). */
  update(done: number): void;
  /** Erases the bar, if it was drawn. */
  done(): void;
}

const WIDTH = 30;

/**
 * A one-line progress bar on stderr, `label [######……]  45%  450/1000  ~3 s left`, drawn only on
 * a terminal (or when forced) and only once the run has taken more than `delayMs`, so quick runs
 * print nothing and piped stderr stays clean. Never writes to stdout.
 */
export function delayedProgress(
  io: CliIO,
  label: string,
  total: number,
  options: DelayedProgressOptions = {},
): Progress {
  if (!(io.isTTY || options.force) || total <= 0) return { update() {}, done() {} };
  const now = options.now ?? (() => performance.now());
  const delay = options.delayMs ?? 2000;
  const every = options.everyMs ?? 100;
  const start = now();
  let last = Number.NEGATIVE_INFINITY;
  let shown = false;
  return {
    update(done) {
      const t = now();
      if (t - start < delay || (t - last < every && done < total)) return;
      last = t;
      const share = Math.min(1, Math.max(0, done / total));
      const filled = Math.round(share * WIDTH);
      const elapsed = (t - start) / 1000;
      const left = share > 0 ? Math.max(0, Math.round((elapsed * (1 - share)) / share)) : undefined;
      io.err(
        `\r${label} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${String(Math.round(share * 100)).padStart(3)}%  ${done}/${total}${left !== undefined ? `  ~${left} s left` : ""}`,
      );
      shown = true;
    },
    done() {
      if (shown) io.err("\r\u001b[2K");
      shown = false;
    },
  };
}
