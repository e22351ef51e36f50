/**
 * Between async streams of items and of batches of items: the streaming readers and the coder
 * work a batch (a chunk read) at a time, and their item-at-a-time forms are these views of them.
 * Private: not exported from `src/index.ts`.
 * @module
 */

/**
 * The items of `batches`, in order, and its return value. Stopping early (a `break` of the
 * consumer, an error thrown into it) closes `batches` too, so a file it reads is released.
 * @internal
 */
export async function* flatten<T, R>(
  batches: AsyncIterator<readonly T[], R, undefined>,
): AsyncGenerator<T, R, undefined> {
  let done = false;
  try {
    for (;;) {
      const next = await batches.next();
      if (next.done) {
        done = true;
        return next.value;
      }
      yield* next.value;
    }
  } finally {
    if (!done) await batches.return?.();
  }
}

/** Each item of `items` as a batch of its own. @internal */
export async function* oneEach<T>(
  items: AsyncIterable<T>,
): AsyncGenerator<readonly T[], void, undefined> {
  for await (const item of items) yield [item];
}
