import { ClassifierError } from "../../core/errors.js";

/**
 * How long an adapter waits for one call of the user's function (`complete`, `embed`) before
 * aborting it: 60 seconds. Pass `timeoutMs` to change it, `Infinity` for no limit.
 * @category Adapters
 */
export const DEFAULT_ADAPTER_TIMEOUT_MS = 60_000;

/** The longest delay `setTimeout` takes (about 24.8 days); a longer timeout means no limit. */
const MAX_TIMER_MS = 0x7fffffff;

function invalid(id: string, name: string, expected: string, value: unknown): ClassifierError {
  const shown = typeof value === "number" ? String(value) : typeof value;
  return new ClassifierError(id, [
    { code: "invalid_input", path: [name], message: `${name} must be ${expected} (got ${shown})` },
  ]);
}

/**
 * A whole-number option: `fallback` when absent, else a safe integer ≥ `min`; anything else (NaN,
 * Infinity, a fraction, a negative, a string) is a `ClassifierError` naming the option.
 * @internal
 */
export function wholeOption(
  id: string,
  name: string,
  value: unknown,
  min: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min)
    throw invalid(id, name, `a whole number ≥ ${min}`, value);
  return value;
}

/** A number option in [lo, hi], `fallback` when absent. @internal */
export function rangeOption(
  id: string,
  name: string,
  value: unknown,
  lo: number,
  hi: number,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value >= lo && value <= hi))
    throw invalid(id, name, `a number from ${lo} to ${hi}`, value);
  return value;
}

/**
 * A `timeoutMs` option: milliseconds above 0 (default {@link DEFAULT_ADAPTER_TIMEOUT_MS}), or
 * `Infinity` for no limit. Returns undefined for no limit.
 * @internal
 */
export function timeoutOption(id: string, value: unknown): number | undefined {
  if (value === undefined) return DEFAULT_ADAPTER_TIMEOUT_MS;
  if (value === Number.POSITIVE_INFINITY) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0)
    throw invalid(id, "timeoutMs", "a number of milliseconds above 0, or Infinity", value);
  return value > MAX_TIMER_MS ? undefined : value;
}

/** Why a call was stopped. @internal */
export type StopReason = "timeout" | "aborted";

/** A call that was stopped before it answered (`reason`), or that threw (`reason` undefined). @internal */
export class CallStopped extends Error {
  constructor(
    readonly reason: StopReason | undefined,
    options?: { cause?: unknown },
  ) {
    super(reason ?? "threw", options);
  }
}

/**
 * Runs `fn` with a signal that aborts after `timeoutMs` or when `outer` aborts, and stops waiting
 * for it then, whether or not `fn` honours the signal. Throws `CallStopped` with the reason (or,
 * when `fn` itself threw, with reason undefined and the error as cause).
 * @internal
 */
export async function callWithDeadline<T>(
  fn: (signal: AbortSignal) => Promise<T> | T,
  timeoutMs: number | undefined,
  outer: AbortSignal | undefined,
): Promise<T> {
  if (outer?.aborted) throw new CallStopped("aborted");
  const controller = new AbortController();
  let why: StopReason | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onStop: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    onStop = () => reject(new CallStopped(why));
  });
  stopped.catch(() => {});
  const stop = (reason: StopReason) => {
    why ??= reason;
    controller.abort();
    onStop?.();
  };
  const onOuterAbort = () => stop("aborted");
  outer?.addEventListener("abort", onOuterAbort, { once: true });
  if (timeoutMs !== undefined) timer = setTimeout(() => stop("timeout"), timeoutMs);
  try {
    return await Promise.race([Promise.resolve().then(() => fn(controller.signal)), stopped]);
  } catch (e) {
    if (e instanceof CallStopped) throw e;
    // `fn` threw; when it did so because it was stopped, say why it was stopped.
    throw new CallStopped(why, { cause: e });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    outer?.removeEventListener("abort", onOuterAbort);
  }
}
