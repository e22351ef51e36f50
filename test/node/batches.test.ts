import { describe, expect, it } from "vitest";
import { flatten, oneEach } from "../../src/_internal/batches.js";

async function* batches(log: string[]): AsyncGenerator<readonly number[], string, undefined> {
  try {
    yield [1, 2];
    yield [];
    yield [3];
    return "end";
  } finally {
    log.push("closed");
  }
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("flatten and oneEach", () => {
  it("flatten gives the items in order and the batches' return value", async () => {
    const g = flatten(batches([]));
    const got: number[] = [];
    let r = await g.next();
    while (!r.done) {
      got.push(r.value);
      r = await g.next();
    }
    expect(got).toEqual([1, 2, 3]);
    expect(r.value).toBe("end");
  });

  it("flatten closes the batches when the consumer stops early", async () => {
    const log: string[] = [];
    for await (const x of flatten(batches(log))) if (x === 2) break;
    expect(log).toEqual(["closed"]);
  });

  it("oneEach gives each item as a batch of its own", async () => {
    async function* items() {
      yield "a";
      yield "b";
    }
    expect(await all(oneEach(items()))).toEqual([["a"], ["b"]]);
  });
});
