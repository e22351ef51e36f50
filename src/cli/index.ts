#!/usr/bin/env node
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { HEAP_FLAG, heapCapOf, runCapped, workerIO } from "./_heap.js";
import { writeError } from "./_output.js";
import type { CliIO } from "./io.js";

/** The status of a process a closed pipe ends (128 + SIGPIPE), as a shell reports `yes | head`. */
const CLOSED_PIPE_STATUS = 141;

const argv = process.argv.slice(2);

if (!isMainThread && (workerData as { flag?: string } | null)?.flag === HEAP_FLAG && parentPort) {
  // A heap-capped command (see _heap.ts): output goes to the parent thread.
  const io = workerIO(parentPort, Boolean((workerData as { isTTY?: boolean }).isTTY));
  // The commands are loaded where they run: a heap-capped `code` starts its worker without
  // initialising them in this thread first.
  const { main } = await import("./main.js");
  io.done(await main(argv, io));
} else {
  // Standard output fails asynchronously, as an 'error' event: a reader that went away (`| head`)
  // ends the process quietly, like any Unix tool; any other failure (a full disk, /dev/full) is
  // one line on stderr and exit 1. Either way nothing more can be written, so the run stops here.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(CLOSED_PIPE_STATUS);
    process.stderr.write(`rapportkit: ${writeError("standard output", e).message}\n`);
    process.exit(1);
  });
  // A closed stderr: nothing can be said; finish without it.
  process.stderr.on("error", () => {});

  const readStdin = async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  };
  const isTTY = Boolean(process.stderr.isTTY);
  const cap = isMainThread
    ? heapCapOf(argv, process.execArgv, process.env.NODE_OPTIONS)
    : undefined;
  if (cap !== undefined) {
    process.exitCode = await runCapped(new URL(import.meta.url), argv, cap, {
      write: (t, flushed) => process.stdout.write(t, () => flushed()),
      err: (t) => process.stderr.write(t),
      readStdin,
      cwd: process.cwd(),
      isTTY,
    });
  } else {
    const io: CliIO = {
      // `false` means the pipe is full: the streaming commands then wait for 'drain' before
      // writing more, so `code big.csv | slow-reader` keeps at most one chunk queued.
      out: (t) => process.stdout.write(t),
      drain: () =>
        new Promise<void>((done) => {
          if (!process.stdout.writableNeedDrain) return done();
          process.stdout.once("drain", done);
        }),
      // An empty write's callback runs after every earlier write; on a failed write the 'error'
      // handler above ends the process, so this never resolves then.
      flushed: () =>
        new Promise<void>((done) => {
          process.stdout.write("", (e) => {
            if (!e) done();
          });
        }),
      err: (t) => process.stderr.write(t),
      cwd: process.cwd(),
      isTTY,
      stdin: readStdin,
    };
    const { main } = await import("./main.js");
    process.exitCode = await main(argv, io);
  }
}
