/**
 * Seeded pseudo-random numbers shared by the layers that resample or shuffle (agreement's
 * bootstrap, the softmax head's and the linear model's training). Private: not exported from
 * `src/index.ts`.
 * @module
 */

/**
 * A small, fast, seeded pseudo-random generator (mulberry32, by Tommy Ettinger, public domain):
 * the same seed gives the same sequence on every platform. Returns numbers in [0, 1). Not for
 * cryptography.
 * @example
 * const rand = mulberry32(42);
 * rand(); // => 0.6011037519201636
 * @internal
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
